/* The kernel's shared declarations: processes, harts, the tunables from the command
   line, and every subsystem's entry points. Each subsystem lives in the file named for it. */
#ifndef KERNEL_H
#define KERNEL_H
#include <stdint.h>
#include <stddef.h>
#include "../common/fmt.h"

typedef uint64_t u64;
typedef int64_t i64;
typedef uint32_t u32;
typedef uint8_t u8;

#define PAGE 4096UL
#define MAX_HARTS 8
#define MAX_PROCS 64
#define MAX_FRAMES 256      /* most frames one process may hold under frames=N */
#define MAX_MAPS 32       /* mmap regions per process */

/* The user address space (the same virtual layout under paging and base/limit):
   [0, 0x1000) never valid under paging (null pointers), the stack below USER_IMAGE,
   the program image from USER_IMAGE, the brk heap after it, mmap regions above MMAP_BASE. */
#define USER_STACK_BOTTOM 0x1000UL
#define USER_IMAGE 0x5000UL          /* also the initial stack top */
#define MMAP_BASE 0x10000000UL
#define MMAP_END  0x20000000UL

/* Devices (the virt memory map). */
#define UART_BASE 0x10000000UL
#define TEST_BASE 0x100000UL
#define CLINT_BASE 0x2000000UL
#define MAILBOX_BASE 0x102000UL

#define CSR_READ(name) ({ u64 _v; asm volatile("csrr %0, " #name : "=r"(_v)); _v; })
#define CSR_WRITE(name, v) asm volatile("csrw " #name ", %0" :: "r"((u64)(v)))
#define CSR_SET(name, v) asm volatile("csrs " #name ", %0" :: "r"((u64)(v)))
#define CSR_CLEAR(name, v) asm volatile("csrc " #name ", %0" :: "r"((u64)(v)))

/* Saved user registers: regs[i] is xi (regs[0] unused), then sepc. trap.S knows these offsets. */
struct trapframe { u64 regs[32]; u64 sepc; };

/* Locks: smp.c. */
struct ticket_lock { volatile u32 next, serving; };
struct tas_lock { volatile u32 held; };
void ticket_acquire(struct ticket_lock *l);
void ticket_release(struct ticket_lock *l);
void tas_acquire(struct tas_lock *l);
void tas_release(struct tas_lock *l);

enum mm_scheme { MM_PAGING, MM_BASELIMIT };
enum policy { POL_FIFO, POL_CLOCK, POL_AGING, POL_NRU, POL_OPT };
enum sched_mode { SCHED_SMP, SCHED_MASTER };
enum pstate { P_UNUSED, P_RUNNABLE, P_RUNNING, P_WAITING, P_ZOMBIE };

/* One resident, replaceable page of a process (the resident set, mm/replace.c). */
struct frame_slot {
  u64 va;          /* the page's virtual address */
  u64 seq;         /* when it was loaded (for FIFO order and ties) */
  u64 swap;        /* its copy in swap + 1, or 0 if it has none */
  u8 age;          /* aging counter */
};

struct region { u64 start, end; };

struct proc_stats {
  u64 faults_zero, faults_image, faults_swapin, faults_stack, faults_cow;
  u64 swap_out, dropped_clean, evictions;
  u64 frames_held, frames_peak, pinned, table_pages;
  u64 user_cycles, kernel_cycles, io_cycles, slices;
  u64 whole_swaps_out, whole_swaps_in;
};

struct program { const char *name; const u8 *start; const u8 *end; };
/* The header at the start of every user image (user/lib/user.ld). */
struct image_header { u64 magic, entry, text_end, data_end, bss_end; };
#define IMAGE_MAGIC 0x50414744414f5355UL

struct proc {
  int pid;
  volatile enum pstate state;
  char name[16];
  const struct program *prog;
  const struct image_header *hdr;
  struct trapframe tf;
  struct proc *parent;
  int exit_code;
  u64 wait_status_va;
  int killed;
  /* address space */
  u64 *root;            /* page table (paging) */
  u64 satp;
  u64 tlb_gen;          /* bumped whenever a PTE is downgraded or removed */
  u64 heap_start, brk;
  u64 mmap_next;
  struct region maps[MAX_MAPS];
  /* resident set for replacement */
  struct frame_slot slots[MAX_FRAMES];
  int nslots, hand;
  u64 seq;
  int manual_tick;
  u64 opt_refs_va, opt_nrefs, opt_idx_va, opt_base_va;
  /* base/limit */
  u64 base, size;        /* physical base and segment size */
  int swapped_out;       /* whole process in swap */
  u64 grow_to;           /* the size it comes back with, when it went out to grow */
  u64 swap_first, swap_pages;
  u64 checksum;
  u64 last_ran;          /* for choosing whom to swap out */
  struct proc_stats st;
};

struct cpu {
  struct trapframe tf;      /* offset 0: the interrupted user registers */
  u64 kstack_top;           /* offset 264 */
  u64 hart;
  struct proc *cur;
  volatile int idle;
  volatile int want_work;   /* sched=master: this hart asks hart 0 for a process */
  struct proc *volatile assigned;
  u64 dispatch_cycle;
  u64 seen_gen[MAX_PROCS];
  int resched;              /* set by a system call that gives up the hart */
  u64 dispatches, idle_waits, ipis_received, sched_cycles;
};

struct config {
  enum mm_scheme mm;
  enum policy policy;
  enum sched_mode sched;
  int frames;
  int best_fit;
  u64 slice;            /* timer ticks per time slice */
  u64 cpu_limit;        /* slices before a process is killed (0: none) */
  u64 user_memory;      /* bytes of physical memory for user segments (base/limit) */
  int harts;
  char run[256];
  char args[512];
};

extern struct config cfg;
extern struct cpu cpus[MAX_HARTS];
extern struct proc procs[MAX_PROCS];
extern struct ticket_lock kernel_lock;
extern u64 kernel_satp;
extern const struct program programs[];

/* console.c */
void kprintf(const char *fmt, ...);
void console_write(const char *s, u64 n);
void __attribute__((noreturn)) panic(const char *msg);
void __attribute__((noreturn)) power_off(int code);

/* fdt.c */
const char *fdt_bootargs(const void *fdt);
int fdt_has_extension(const void *fdt, const char *ext);

/* smp.c */
void smp_start_secondaries(void);
void send_ipi(int hart);
u64 mailbox_harts(void);

/* sched.c */
void __attribute__((noreturn)) schedule(struct cpu *c);
void make_runnable(struct proc *p);
void sched_serve_requests(void);
void sched_init(void);

/* trap.c, trap.S */
void trap_init_hart(struct cpu *c);
void __attribute__((noreturn)) user_return(struct cpu *c, u64 satp);
void __attribute__((noreturn)) user_return_via_m(struct cpu *c);
void __attribute__((noreturn)) enter_user(struct cpu *c, struct proc *p);

/* proc.c */
struct proc *proc_create(const struct program *prog, struct proc *parent);
void proc_exit(struct proc *p, int code);
void proc_kill(struct proc *p, const char *why, u64 va);
struct proc *proc_fork(struct proc *p);
long proc_wait(struct proc *p, u64 status_va);
const struct program *find_program(const char *name);
void proc_report(struct proc *p);
void report_totals(void);
extern volatile int live_procs;
extern struct proc_stats totals;

/* syscall.c */
void syscall_dispatch(struct proc *p);

/* mm/frames.c */
void frames_init(void);
void *frame_alloc(void);
void frame_free(void *f);           /* drops one reference */
void frame_share(void *f);
int frame_refs(void *f);
u8 *frames_pool_base(void);
u64 frames_pool_size(void);
void frames_reserve_top(u64 bytes);
u64 frames_free_count(void);

/* mm/paging.c */
void paging_init(void);
extern u64 pbmt_io;
int paging_new_space(struct proc *p);
void paging_free_space(struct proc *p);
int paging_fault(struct proc *p, u64 va, u64 cause);
int paging_user_pa(struct proc *p, u64 va, int write, u64 *pa);
u64 *paging_walk(u64 *root, u64 va, int alloc, struct proc *p);
void paging_unmap_range(struct proc *p, u64 start, u64 end);
int paging_fork(struct proc *parent, struct proc *child);
void paging_flush_va(struct proc *p, u64 va);
#define PTE_V 1UL
#define PTE_R 2UL
#define PTE_W 4UL
#define PTE_X 8UL
#define PTE_U 16UL
#define PTE_G 32UL
#define PTE_A 64UL
#define PTE_D 128UL
#define PTE_SWAP 256UL      /* RSW bit 8: not present, its copy is in swap slot PPN */
#define PTE_COW  512UL      /* RSW bit 9: shared copy-on-write, write-protected */
#define PTE_PBMT_NC (1UL << 61)
#define PTE_PBMT_IO (2UL << 61)
#define PTE_PPN(pte) (((pte) >> 10) & ((1UL << 44) - 1))

/* mm/replace.c */
int replace_choose(struct proc *p);
void replace_tick(struct proc *p);
const char *policy_name(enum policy pol);

/* mm/swap.c */
void swap_init(void);
u64 swap_alloc(void);
void swap_free(u64 slot);
void swap_write(u64 slot, const void *page);
void swap_read(u64 slot, void *page);
u64 swap_used(void);
extern const char *swap_device;
extern u64 swap_pages_out, swap_pages_in;

/* mm/baselimit.c */
void baselimit_init(void);
int baselimit_new_space(struct proc *p);
void baselimit_free_space(struct proc *p);
int baselimit_user_pa(struct proc *p, u64 va, u64 *pa);
int baselimit_prepare(struct proc *p);   /* ensure p is in memory before it runs */
int baselimit_fork(struct proc *parent, struct proc *child);
long baselimit_grow(struct proc *p, u64 new_brk);   /* 0 done, 1 done but p is now in swap, -1 too big */
void baselimit_report(void);

/* lib.c */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int strcmp(const char *a, const char *b);
size_t strlen(const char *s);
int starts_with(const char *s, const char *prefix);
u64 parse_u64(const char *s);
int arg_value(const char *args, const char *key, char *out, int size);
static inline u64 rdcycle(void) { u64 v; asm volatile("rdcycle %0" : "=r"(v)); return v; }
static inline u64 rdtime(void) { u64 v; asm volatile("rdtime %0" : "=r"(v)); return v; }
static inline u64 hartid(void) { u64 v; asm volatile("mv %0, tp" : "=r"(v)); return v; }

#endif
