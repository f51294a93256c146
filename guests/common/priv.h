/* Helpers for the privileged-architecture tests (guests/priv): CSR bit names, a
   trap handler for M-mode and one for S-mode that record every trap they take and
   resume after it, and a way to run a C function in S- or U-mode and come back.

   Each test program includes this header from its one source file: the header
   defines the trap handlers, the trap log and the mode-switching code. */
#ifndef PRIV_H
#define PRIV_H
#include "guest.h"

/* Privilege levels as mstatus.MPP encodes them (privileged spec 1.2, Table 1.1). */
#define MODE_U 0UL
#define MODE_S 1UL
#define MODE_M 3UL

/* mstatus / sstatus fields (privileged spec 3.1.6, 4.1.1). */
#define MSTATUS_SIE  (1UL << 1)
#define MSTATUS_MIE  (1UL << 3)
#define MSTATUS_SPIE (1UL << 5)
#define MSTATUS_MPIE (1UL << 7)
#define MSTATUS_SPP  (1UL << 8)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP  (3UL << MSTATUS_MPP_SHIFT)
#define MSTATUS_MPRV (1UL << 17)
#define MSTATUS_TW   (1UL << 21)
#define MSTATUS_TSR  (1UL << 22)
#define MPP_FIELD(status) (((status) >> MSTATUS_MPP_SHIFT) & 3)

/* Exception codes (privileged spec 3.1.15, Table 3.6). */
#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS     1
#define CAUSE_ILLEGAL          2
#define CAUSE_BREAKPOINT       3
#define CAUSE_MISALIGNED_LOAD  4
#define CAUSE_LOAD_ACCESS      5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS     7
#define CAUSE_ECALL_U          8
#define CAUSE_ECALL_S          9
#define CAUSE_ECALL_M          11
#define CAUSE_FETCH_PAGE       12

/* Interrupts: mcause has bit 63 set; the code is the bit number in mip/mie. */
#define CAUSE_INTERRUPT (1UL << 63)
#define IRQ_S_SOFT  1
#define IRQ_M_SOFT  3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT   9
#define IRQ_M_EXT   11
#define MIP(irq) (1UL << (irq))

/* CSRs the assembler may not know by name (numbers from privileged spec 2.2). */
#define CSR_MENVCFG  0x30a
#define CSR_STIMECMP 0x14d
#define MENVCFG_STCE (1UL << 63)
#define MCOUNTEREN_TM (1UL << 1)
#define CSR_READ_NUM(num) ({ uint64_t _v; asm volatile("csrr %0, %1" : "=r"(_v) : "i"(num)); _v; })
#define CSR_WRITE_NUM(num, v) asm volatile("csrw %0, %1" :: "i"(num), "r"((uint64_t)(v)))

/* PMP configuration bits (privileged spec 3.7.1). */
#define PMP_R     0x01
#define PMP_W     0x02
#define PMP_X     0x04
#define PMP_OFF   0x00
#define PMP_TOR   0x08
#define PMP_NA4   0x10
#define PMP_NAPOT 0x18
#define PMP_L     0x80

/* The CLINT (SiFive layout, as on QEMU's virt board). */
#define CLINT_MSIP(h)     (*(volatile uint32_t *)(CLINT_BASE + 4 * (uint64_t)(h)))
#define CLINT_MTIMECMP(h) (*(volatile uint64_t *)(CLINT_BASE + 0x4000 + 8 * (uint64_t)(h)))
#define CLINT_MTIME       (*(volatile uint64_t *)(CLINT_BASE + 0xbff8))

/* One trap as a handler saw it. */
struct trap_record {
  uint64_t cause;   /* mcause or scause */
  uint64_t epc;     /* mepc or sepc */
  uint64_t tval;    /* mtval or stval */
  uint64_t status;  /* mstatus (M handler) or sstatus (S handler) on entry */
  uint64_t handler; /* MODE_M or MODE_S: which handler took it */
  uint64_t from;    /* the mode the trap came from: mstatus.MPP or sstatus.SPP */
};

#define TRAP_LOG_SIZE 8
volatile struct trap_record trap_log[TRAP_LOG_SIZE];
volatile uint64_t trap_count;

/* What a lower-mode function's closing ecall carries in a7 to return to M-mode. */
#define PRIV_EXIT_MAGIC 0x7072697665786974UL

static inline void trap_reset(void) { trap_count = 0; }

/* The n-th trap since trap_reset() (0 is the first). */
static inline volatile struct trap_record *trap_at(uint64_t n) { return &trap_log[n % TRAP_LOG_SIZE]; }
static inline volatile struct trap_record *last_trap(void) { return trap_at(trap_count - 1); }

/* Checks that exactly one trap happened since trap_reset() and that it was `cause`,
   taken by `handler` from `from` at `epc` with `tval`. */
static inline void check_one_trap(const char *label, uint64_t cause, uint64_t handler, uint64_t from,
                                  uint64_t epc, uint64_t tval) {
  check(label, trap_count, 1);
  if (trap_count != 1) return;
  volatile struct trap_record *t = last_trap();
  check(label, t->cause, cause);
  check(label, t->handler, handler);
  check(label, t->from, from);
  check(label, t->epc, epc);
  check(label, t->tval, tval);
}

static inline void check_no_trap(const char *label) { check(label, trap_count, 0); }

/* Where execution resumes after an exception: after a faulting fetch (mepc is the
   bad target) at the return address, so a test provokes fetch faults by calling the
   target; otherwise after the trapping instruction, 2 or 4 bytes long. */
static inline uint64_t priv_resume_pc(const uint64_t *regs, uint64_t cause, uint64_t epc) {
  if (cause == CAUSE_MISALIGNED_FETCH || cause == CAUSE_FETCH_ACCESS || cause == CAUSE_FETCH_PAGE)
    return regs[1];
  uint16_t low = *(volatile uint16_t *)epc;
  return epc + ((low & 3) == 3 ? 4 : 2);
}

static inline void priv_record(uint64_t handler, uint64_t cause, uint64_t epc, uint64_t tval,
                               uint64_t status, uint64_t from) {
  volatile struct trap_record *t = trap_at(trap_count);
  t->cause = cause;
  t->epc = epc;
  t->tval = tval;
  t->status = status;
  t->handler = handler;
  t->from = from;
  trap_count = trap_count + 1;
}

void priv_resume_m(void);

/* The M-mode handler (called from priv_m_trap_entry with the saved registers x0-x31).
   An interrupt is recorded and its enable bit in mie cleared, so it is taken once. */
void priv_m_trap(uint64_t *regs) {
  uint64_t cause = CSR_READ(mcause), status = CSR_READ(mstatus);
  if ((cause == CAUSE_ECALL_U || cause == CAUSE_ECALL_S || cause == CAUSE_ECALL_M) &&
      regs[17] == PRIV_EXIT_MAGIC) {
    /* A function run by priv_run() returned: back to its M-mode caller. */
    CSR_WRITE(mepc, (uint64_t)priv_resume_m);
    CSR_SET(mstatus, MSTATUS_MPP);
    CSR_CLEAR(mstatus, MSTATUS_MPIE);
    return;
  }
  uint64_t epc = CSR_READ(mepc);
  priv_record(MODE_M, cause, epc, CSR_READ(mtval), status, MPP_FIELD(status));
  if (cause & CAUSE_INTERRUPT) {
    CSR_CLEAR(mie, 1UL << (cause & 63));
    return;
  }
  CSR_WRITE(mepc, priv_resume_pc(regs, cause, epc));
}

/* The S-mode handler, the same for traps delegated to S-mode. */
void priv_s_trap(uint64_t *regs) {
  uint64_t cause = CSR_READ(scause), status = CSR_READ(sstatus);
  if (cause == CAUSE_ECALL_U && regs[17] == PRIV_EXIT_MAGIC) {
    /* A U-mode function's closing ecall came here (ecalls from U delegated): pass it on
       to M-mode with an ecall from S. */
    register uint64_t a0 asm("a0") = regs[10];
    register uint64_t a7 asm("a7") = PRIV_EXIT_MAGIC;
    asm volatile("ecall" :: "r"(a0), "r"(a7) : "memory");
    for (;;) { }
  }
  uint64_t epc = CSR_READ(sepc);
  priv_record(MODE_S, cause, epc, CSR_READ(stval), status, (status & MSTATUS_SPP) ? MODE_S : MODE_U);
  if (cause & CAUSE_INTERRUPT) {
    CSR_CLEAR(sie, 1UL << (cause & 63));
    return;
  }
  CSR_WRITE(sepc, priv_resume_pc(regs, cause, epc));
}

/* Trap entries: swap sp with the scratch register (the handler's own stack), save
   x1-x31, call the C handler, restore and return. priv_run(mode, fn, arg) calls fn(arg)
   in `mode` through mret and returns fn's result once fn's closing ecall brings it
   back to M-mode (at priv_resume_m, with the callee-saved registers restored).
   priv_sret_run(mode, fn, arg), called in S-mode, enters fn(arg) in `mode` through
   sret; fn's return likewise ends the enclosing priv_run(). Back in M-mode, mstatus
   has MIE = 0 (and MPIE = 1, MPP = U, as after any mret). The lower mode shares the caller's stack. */
#define PRIV_SAVED_REGS "1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31"
#define PRIV_TRAP_ENTRY(name, scratch, handler, ret) \
  "  .text\n"                                        \
  "  .balign 4\n"                                    \
  "  .globl " name "\n"                              \
  name ":\n"                                         \
  "  csrrw sp, " scratch ", sp\n"                    \
  "  addi sp, sp, -256\n"                            \
  "  .irp n," PRIV_SAVED_REGS "\n"                   \
  "  sd x\\n, \\n*8(sp)\n"                           \
  "  .endr\n"                                        \
  "  csrr t0, " scratch "\n"                         \
  "  sd t0, 16(sp)\n"                                \
  "  sd zero, 0(sp)\n"                               \
  "  mv a0, sp\n"                                    \
  "  call " handler "\n"                             \
  "  .irp n," PRIV_SAVED_REGS "\n"                   \
  "  ld x\\n, \\n*8(sp)\n"                           \
  "  .endr\n"                                        \
  "  addi sp, sp, 256\n"                             \
  "  csrrw sp, " scratch ", sp\n"                    \
  "  " ret "\n"

asm(
  PRIV_TRAP_ENTRY("priv_m_trap_entry", "mscratch", "priv_m_trap", "mret")
  PRIV_TRAP_ENTRY("priv_s_trap_entry", "sscratch", "priv_s_trap", "sret")
  "\n"
  "  .globl priv_run\n"
  "priv_run:\n"
  "  la t0, priv_saved_context\n"
  "  sd ra, 0(t0)\n"
  "  sd sp, 8(t0)\n"
  "  .irp n,0,1,2,3,4,5,6,7,8,9,10,11\n"
  "  sd s\\n, 16+\\n*8(t0)\n"
  "  .endr\n"
  "  li t1, 3 << 11\n"
  "  csrc mstatus, t1\n"
  "  slli t1, a0, 11\n"
  "  csrs mstatus, t1\n"
  "  la t1, priv_lower_entry\n"
  "  csrw mepc, t1\n"
  "  mv t3, a1\n"
  "  mv a0, a2\n"
  "  mret\n"
  "\n"
  "  .globl priv_sret_run\n"
  "priv_sret_run:\n"
  "  li t1, 1 << 8\n"
  "  csrc sstatus, t1\n"
  "  slli t1, a0, 8\n"
  "  csrs sstatus, t1\n"
  "  la t1, priv_lower_entry\n"
  "  csrw sepc, t1\n"
  "  mv t3, a1\n"
  "  mv a0, a2\n"
  "  sret\n"
  "\n"
  "priv_lower_entry:\n"
  "  jalr t3\n"
  "  li a7, 0x7072697665786974\n"   /* PRIV_EXIT_MAGIC */
  "  ecall\n"
  "1:j 1b\n"
  "\n"
  "  .globl priv_resume_m\n"
  "priv_resume_m:\n"
  "  la t0, priv_saved_context\n"
  "  ld ra, 0(t0)\n"
  "  ld sp, 8(t0)\n"
  "  .irp n,0,1,2,3,4,5,6,7,8,9,10,11\n"
  "  ld s\\n, 16+\\n*8(t0)\n"
  "  .endr\n"
  "  ret\n"
);

uint64_t priv_saved_context[14];
uint64_t priv_run(uint64_t mode, uint64_t (*fn)(uint64_t), uint64_t arg);
void __attribute__((noreturn)) priv_sret_run(uint64_t mode, uint64_t (*fn)(uint64_t), uint64_t arg);
void priv_m_trap_entry(void);
void priv_s_trap_entry(void);

static uint8_t priv_m_stack[4096] __attribute__((aligned(16)));
static uint8_t priv_s_stack[4096] __attribute__((aligned(16)));

/* PMP entry 15 as a NAPOT region covering all addresses with R, W and X, so that S-
   and U-mode may use all memory, as firmware does before entering an OS; tests use
   the lower-numbered entries, which take priority (privileged spec 3.7.1). */
static inline void pmp_allow_all(void) {
  asm volatile("csrw pmpaddr15, %0" :: "r"(~0UL));
  asm volatile("csrc pmpcfg2, %0" :: "r"(0xffUL << 56));
  asm volatile("csrs pmpcfg2, %0" :: "r"((uint64_t)(PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 56));
}

/* Installs both handlers with their stacks, clears delegation, enables the whole
   address space to S and U through PMP, and clears the trap log. */
static inline void priv_init(void) {
  CSR_WRITE(mscratch, (uint64_t)(priv_m_stack + sizeof priv_m_stack));
  CSR_WRITE(sscratch, (uint64_t)(priv_s_stack + sizeof priv_s_stack));
  CSR_WRITE(mtvec, (uint64_t)priv_m_trap_entry);
  CSR_WRITE(stvec, (uint64_t)priv_s_trap_entry);
  CSR_WRITE(medeleg, 0);
  CSR_WRITE(mideleg, 0);
  CSR_WRITE(mie, 0);
  pmp_allow_all();
  trap_reset();
}

#endif
