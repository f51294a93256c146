/* Helpers for the translation tests (guests/vm): Sv39 page tables built in M-mode
   (privileged spec 4.4 "Sv39: Page-Based 39-bit Virtual-Memory System"), and loads,
   stores and fetches that report the value or the trap they caused.

   The usual layout: RAM's gigapage (VA 0x80000000 = PA 0x80000000) identity-mapped
   so that the test program itself runs unchanged with translation on (with U = 1 for
   tests that run in U-mode, since S-mode may never execute from a user page), and
   test pages mapped elsewhere with the permissions under test. Traps go to the M-mode
   handler of priv.h, which runs untranslated and records cause, epc and tval.

   Include after priv.h, from a test's one source file. */
#ifndef VM_H
#define VM_H
#include "priv.h"

/* PTE bits (privileged spec 4.3.1, Figure 4.18 for Sv39). */
#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_PPN_SHIFT 10
#define PTE_RESERVED_SHIFT 54       /* bits 63..54: reserved (N, PBMT without Svnapot/Svpbmt) */

#define SATP_MODE_BARE 0UL
#define SATP_MODE_SV39 8UL
#define SATP_MODE_BASE_LIMIT 14UL   /* Pagoda's base/limit relocation (not on QEMU) */
#define SATP(mode, asid, root) (((uint64_t)(mode) << 60) | ((uint64_t)(asid) << 44) | ((uint64_t)(root) >> 12))

#define MSTATUS_SUM (1UL << 18)
#define MSTATUS_MXR (1UL << 19)
#define MSTATUS_TVM (1UL << 20)

#define CAUSE_LOAD_PAGE  13
#define CAUSE_STORE_PAGE 15

#define CSR_SBASE  0x5c0
#define CSR_SBOUND 0x5c1

#define PAGE_4K (1UL << 12)
#define PAGE_2M (1UL << 21)
#define PAGE_1G (1UL << 30)

/* Physical memory the tests may map freely: from 16 MiB into RAM (the program, its
   page tables and stacks end well below), 2 MiB-aligned, within the 128 MiB that both
   Pagoda and QEMU give by default. */
#define VM_SCRATCH_PA 0x81000000UL
#define VM_SCRATCH_SIZE (32UL << 20)

/* Where the tests map their pages: the gigapage at 1 GiB (between the devices' and
   RAM's, so unused by vm_map_identity()). Test page i is the 4 KiB page at
   VM_TEST_VA + i * 4 KiB; vm_test_pa(i) is scratch page i, the one a test maps it to. */
#define VM_TEST_VA 0x40000000UL
static inline uint64_t vm_test_va(int i) { return VM_TEST_VA + (uint64_t)i * PAGE_4K; }
static inline uint64_t vm_test_pa(int i) { return VM_SCRATCH_PA + (uint64_t)i * PAGE_4K; }

/* Page tables come from a pool; vm_reset() empties it and makes a new root. */
#define VM_POOL_PAGES 48
static uint64_t vm_pool[VM_POOL_PAGES][512] __attribute__((aligned(4096)));
static unsigned vm_pool_used;
static uint64_t *vm_root;

static inline uint64_t *vm_new_table(void) {
  if (vm_pool_used == VM_POOL_PAGES) {
    puts_("vm: page-table pool exhausted\n");
    guest_exit(98);
  }
  uint64_t *table = vm_pool[vm_pool_used++];
  for (int i = 0; i < 512; i++) table[i] = 0;
  return table;
}

static inline void vm_reset(void) {
  vm_pool_used = 0;
  vm_root = vm_new_table();
}

static inline unsigned vm_vpn(uint64_t va, int level) { return (va >> (12 + 9 * level)) & 511; }
static inline uint64_t vm_pte_pa(uint64_t pte) { return ((pte >> PTE_PPN_SHIFT) & ((1UL << 44) - 1)) << 12; }
static inline uint64_t vm_pointer_pte(uint64_t *table) { return (((uint64_t)table >> 12) << PTE_PPN_SHIFT) | PTE_V; }
/* A leaf PTE's value: `pa`'s page number with `flags` and V. What vm_map() writes, and
   what a test compares a PTE with after an access (with A and D as it expects them). */
static inline uint64_t vm_pte_value(uint64_t pa, uint64_t flags) { return ((pa >> 12) << PTE_PPN_SHIFT) | flags | PTE_V; }

/* The PTE slot for `va` at `level` (2: 1 GiB, 1: 2 MiB, 0: 4 KiB), creating the
   tables above it; an existing leaf above is replaced by a new table. */
static inline uint64_t *vm_slot(uint64_t va, int level) {
  uint64_t *table = vm_root;
  for (int l = 2; l > level; l--) {
    uint64_t *pte = &table[vm_vpn(va, l)];
    if (!(*pte & PTE_V) || (*pte & (PTE_R | PTE_W | PTE_X))) *pte = vm_pointer_pte(vm_new_table());
    table = (uint64_t *)vm_pte_pa(*pte);
  }
  return &table[vm_vpn(va, level)];
}

/* Maps the page of `size` (PAGE_4K, PAGE_2M or PAGE_1G) at `va` to `pa` with `flags`
   (V is added); returns the PTE's address so that a test can inspect or change it. */
static inline uint64_t *vm_map(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags) {
  int level = size == PAGE_1G ? 2 : size == PAGE_2M ? 1 : 0;
  uint64_t *slot = vm_slot(va, level);
  *slot = vm_pte_value(pa, flags);
  return slot;
}

/* Writes a raw PTE value (anything, valid or not) at `va`'s slot for `level`. */
static inline uint64_t *vm_set_pte(uint64_t va, int level, uint64_t pte) {
  uint64_t *slot = vm_slot(va, level);
  *slot = pte;
  return slot;
}

/* RAM's gigapage identity-mapped, readable, writable, executable, accessed and
   dirty; with `user` set also U, for tests whose code runs in U-mode. The devices'
   gigapage (UART, test device, CLINT) likewise, without X. */
static inline void vm_map_identity(int user) {
  uint64_t u = user ? PTE_U : 0;
  vm_map(0x80000000UL, 0x80000000UL, PAGE_1G, PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | u);
  vm_map(0, 0, PAGE_1G, PTE_R | PTE_W | PTE_A | PTE_D | u);
}

static inline void vm_sfence(void) { asm volatile("sfence.vma" ::: "memory"); }

/* Turns Sv39 on with the current root and `asid` (S- and U-mode are translated from
   the next mret), and flushes every translation. */
static inline void vm_enable(uint64_t asid) {
  CSR_WRITE(satp, SATP(SATP_MODE_SV39, asid, (uint64_t)vm_root));
  vm_sfence();
}

static inline void vm_disable(void) {
  CSR_WRITE(satp, 0);
  vm_sfence();
}

/* The result of one access: the value read (or 0), and whether it trapped. */
struct vm_access {
  uint64_t value;
  uint64_t trapped;  /* trap_count after the access: 0 when it went through */
  uint64_t cause;
  uint64_t tval;
};

/* Loads, stores and fetches at a virtual address, meant to run in S- or U-mode
   through priv_run(); they leave the value in a0. A faulting load leaves t1 = 0. */
static inline uint64_t vm_ld(uint64_t va) {
  uint64_t v;
  asm volatile("li %0, 0\n ld %0, 0(%1)" : "=&r"(v) : "r"(va) : "memory");
  return v;
}
static inline uint64_t vm_lbu(uint64_t va) {
  uint64_t v;
  asm volatile("li %0, 0\n lbu %0, 0(%1)" : "=&r"(v) : "r"(va) : "memory");
  return v;
}
static inline uint64_t vm_lw(uint64_t va) {   /* sign-extended, as lw does */
  uint64_t v;
  asm volatile("li %0, 0\n lw %0, 0(%1)" : "=&r"(v) : "r"(va) : "memory");
  return v;
}
/* vm_sd stores vm_sd_value, vm_sw its low 32 bits. */
static uint64_t vm_sd_value = 0x5a5a5a5a5a5a5a5aUL;
static inline uint64_t vm_sd(uint64_t va) {
  asm volatile("sd %0, 0(%1)" :: "r"(vm_sd_value), "r"(va) : "memory");
  return 0;
}
static inline uint64_t vm_sw(uint64_t va) {
  asm volatile("sw %0, 0(%1)" :: "r"(vm_sd_value), "r"(va) : "memory");
  return 0;
}
static inline uint64_t vm_amoadd(uint64_t va) {
  uint64_t v;
  asm volatile("li %0, 0\n amoadd.d %0, %1, (%2)" : "=&r"(v) : "r"(1UL), "r"(va) : "memory");
  return v;
}
/* Calls the code at `va` (a fetch fault resumes at the return address with a0 = 0). */
static inline uint64_t vm_call(uint64_t va) {
  register uint64_t a0 asm("a0") = 0;
  asm volatile("jalr %1" : "+r"(a0) : "r"(va) : "ra", "t0", "t1", "t2", "a1", "memory");
  return a0;
}

/* Runs `op(va)` in `mode` (MODE_M runs it directly) and reports what happened. */
static inline struct vm_access vm_try(uint64_t mode, uint64_t (*op)(uint64_t), uint64_t va) {
  trap_reset();
  struct vm_access r;
  r.value = mode == MODE_M ? op(va) : priv_run(mode, op, va);
  r.trapped = trap_count;
  r.cause = trap_count ? trap_at(0)->cause : 0;
  r.tval = trap_count ? trap_at(0)->tval : 0;
  return r;
}

/* Checks that an access went through (with `value` unless `value` is ~0) or raised
   exactly one trap with `cause` and tval = `va`. They count in guest_checks like any
   check(): vm_expect_ok() as 1 check (2 with a value), vm_expect_fault() as 3. */
static inline void vm_expect_ok(const char *label, struct vm_access r, uint64_t value) {
  check(label, r.trapped, 0);
  if (value != ~0UL) check(label, r.value, value);
}
static inline void vm_expect_fault(const char *label, struct vm_access r, uint64_t cause, uint64_t va) {
  check(label, r.trapped, 1);
  check(label, r.cause, cause);
  check(label, r.tval, va);
}

/* Calls `va` from `mode` and checks for a fetch fault that the M-mode handler took:
   a0 = `value` when it came (what the code before the faulting instruction left),
   exactly one trap, with `cause`, epc and tval (7 checks). */
static inline void vm_expect_fetch_fault(const char *label, uint64_t mode, uint64_t va, uint64_t value,
                                         uint64_t cause, uint64_t epc, uint64_t tval) {
  struct vm_access r = vm_try(mode, vm_call, va);
  check(label, r.value, value);
  check_one_trap(label, cause, MODE_M, mode, epc, tval);
}

/* Code that a fetch test places on a page: li a0, imm; ret (imm below 2048). */
#define VM_CODE_LI_A0(imm) ((uint32_t)(imm) << 20 | 0x513u)   /* addi a0, zero, imm */
#define VM_CODE_LI_A0_42 0x02a00513u
#define VM_CODE_RET 0x00008067u
/* The same two instructions as a load of the doubleword at the code's address reads them. */
#define VM_CODE_DWORD(imm) (((uint64_t)VM_CODE_RET << 32) | VM_CODE_LI_A0(imm))
static inline void vm_put_li_ret(uint64_t pa, uint64_t imm) {
  volatile uint32_t *p = (volatile uint32_t *)pa;
  p[0] = VM_CODE_LI_A0(imm);
  p[1] = VM_CODE_RET;
  asm volatile("fence.i" ::: "memory");
}
/* li a0, 42; ret: a call of it returns 42. */
static inline void vm_put_code(uint64_t pa) { vm_put_li_ret(pa, 42); }

/* Test page i with `flags` (V added; A and D only if given): scratch page i, holding
   vm_put_code()'s code at +0 and zeroes at +8 and +16, mapped at vm_test_va(i).
   Returns its PTE, as vm_map() does. */
static inline uint64_t *vm_map_test_page(int i, uint64_t flags) {
  vm_put_code(vm_test_pa(i));
  ((volatile uint64_t *)vm_test_pa(i))[1] = 0;
  ((volatile uint64_t *)vm_test_pa(i))[2] = 0;
  return vm_map(vm_test_va(i), vm_test_pa(i), PAGE_4K, flags);
}

/* mstatus.MPRV (privileged spec 3.1.6.3): M-mode loads and stores translated and
   protected as in mode MPP. vm_mprv_ld() sets MPP = `mpp` and loads from `va` with
   MPRV = 1, clearing MPRV again in the next instruction (a trap's mret back to M-mode
   leaves MPRV set, and nothing else may run with it). A load that faults returns 0. */
static inline void vm_set_mpp(uint64_t mode) {
  CSR_CLEAR(mstatus, MSTATUS_MPP);
  CSR_SET(mstatus, mode << MSTATUS_MPP_SHIFT);
}
static inline uint64_t vm_mprv_ld(uint64_t mpp, uint64_t va) {
  uint64_t v = 0;
  vm_set_mpp(mpp);
  asm volatile("csrs mstatus, %[m]\n ld %[v], 0(%[va])\n csrc mstatus, %[m]"
               : [v] "+&r"(v) : [va] "r"(va), [m] "r"(MSTATUS_MPRV) : "memory");
  return v;
}

/* PMP entry 0 as NAPOT over the 4 KiB physical page at `pa` with `perms` (PMP_R, PMP_W,
   PMP_X; 0 denies S- and U-mode every access; priv_init()'s entry 15 allows the rest),
   and vm_pmp_off() turning it off; both followed by sfence.vma, which PMP changes need
   when translations may be cached (3.7.2 "PMP and Paging"). */
static inline void vm_pmp_page(uint64_t pa, uint64_t perms) {
  CSR_WRITE(pmpaddr0, (pa >> 2) | 0x1ff);
  CSR_CLEAR(pmpcfg0, 0xffUL);
  CSR_SET(pmpcfg0, PMP_NAPOT | perms);
  vm_sfence();
}
static inline void vm_pmp_off(void) {
  CSR_CLEAR(pmpcfg0, 0xffUL);
  vm_sfence();
}

/* satp from S-mode, for priv_run(). */
static inline uint64_t vm_s_write_satp(uint64_t v) {
  asm volatile("csrw satp, %0" :: "r"(v) : "memory");
  return 0;
}
static inline uint64_t vm_s_read_satp(uint64_t unused) {
  (void)unused;
  return CSR_READ(satp);
}

/* 4.1.11: "If satp is written with an unsupported MODE, the entire write has no effect;
   no fields in satp are modified." Writes `bad` from M-mode over `good` (an Sv39 value)
   and over Bare, and from S-mode over `good`, and checks that satp kept its value each
   time, also as S-mode reads it (4 checks). Leaves satp = `good`, fenced; mstatus.TVM
   must be clear. */
static inline void vm_expect_satp_write_ignored(uint64_t bad, uint64_t good) {
  CSR_WRITE(satp, good);
  vm_sfence();
  CSR_WRITE(satp, bad);
  check("M write over Sv39 ignored", CSR_READ(satp), good);
  CSR_WRITE(satp, 0);
  CSR_WRITE(satp, bad);
  check("M write over Bare ignored", CSR_READ(satp), 0);
  CSR_WRITE(satp, good);
  vm_sfence();
  priv_run(MODE_S, vm_s_write_satp, bad);
  check("S write over Sv39 ignored", CSR_READ(satp), good);
  check("S write over Sv39 ignored: S reads", priv_run(MODE_S, vm_s_read_satp, 0), good);
}

/* A label built from parts, for checks made in loops: vm_label_start(), then
   vm_label_add() for each part; vm_label holds the result (cut at 127 characters). */
static char vm_label[128];
static int vm_label_len;
static inline void vm_label_start(void) { vm_label_len = 0; vm_label[0] = 0; }
static inline void vm_label_add(const char *s) {
  while (*s && vm_label_len < (int)sizeof vm_label - 1) vm_label[vm_label_len++] = *s++;
  vm_label[vm_label_len] = 0;
}

/* The end of a translation test: prints "checks: N" (how many checks it made, so that
   a run that silently skipped some shows), then finish()'s PASS or FAIL line. */
static inline int vm_finish(const char *name) {
  puts_("checks: ");
  print_dec(guest_checks);
  putch('\n');
  return finish(name);
}

#endif
