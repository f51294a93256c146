/* mstatus.MPRV (privileged spec 3.1.6.3 "Memory Privilege in mstatus Register"):
   "When MPRV=1, load and store memory addresses are translated and protected, and
   endianness is applied, as though the current privilege mode were set to MPP.
   Instruction address-translation and protection are unaffected by the setting of
   MPRV."

   - MPP = S: M-mode loads, stores and AMOs go through the Sv39 page tables with
     S-mode permissions, SUM and MXR honoured (4.3.1, 4.1.1).
   - MPP = U: U-mode permissions apply (only U = 1 pages; SUM plays no part).
   - MPP = M: untranslated. With satp = Bare: untranslated.
   - Instruction fetches are never affected: the program runs at its physical
     addresses with MPRV = 1 and MPP = S although the page tables map no RAM at the
     program's addresses (and map one code address to another page).
   - A fault is taken in M-mode (traps never go to a less privileged mode, 3.1.8, so
     even with the page faults delegated in medeleg) with mtval = the virtual address
     and mepc = the access. The trap does not clear MPRV, but it sets MPP = M, so the
     handler itself runs untranslated (which is what lets priv.h's M handler work);
     its mret back to M-mode leaves MPRV set and MPP = U (3.1.6.1: "xPP is set to the
     least-privileged supported mode"), so each access below clears MPRV with the
     instruction after it, before any other load or store.

   Elsewhere: AMO page faults under MPRV, and a fetch and a load of one page within one
   MPRV window (vm/mprv_qemu_skip.c: QEMU 7.2 differs); mret to S or U clearing MPRV
   (priv/mret_clears_mprv.c). */
#include "priv.h"
#include "vm.h"

#define VA_S     0x40000000UL   /* S page, R W */
#define VA_U     0x40001000UL   /* U page, R W */
#define VA_RO    0x40002000UL   /* S page, R only */
#define VA_XO    0x40003000UL   /* S page, X only */
#define VA_NONE  0x40004000UL   /* not mapped */
#define PA_S     (VM_SCRATCH_PA + 0x0000)
#define PA_U     (VM_SCRATCH_PA + 0x1000)
#define PA_RO    (VM_SCRATCH_PA + 0x2000)
#define PA_XO    (VM_SCRATCH_PA + 0x3000)
/* VA_ALIAS is itself RAM (PA_X); the page tables map it to PA_Y. */
#define VA_ALIAS (VM_SCRATCH_PA + 0x10000)
#define PA_X     VA_ALIAS
#define PA_Y     (VM_SCRATCH_PA + 0x11000)
/* Code: "li a0, 1; ret" at PA_C1, which the page tables map to PA_C2 holding
   "li a0, 2; ret". */
#define PA_C1    (VM_SCRATCH_PA + 0x20000)
#define PA_C2    (VM_SCRATCH_PA + 0x21000)

#define MARK_S 0x5555000000000001UL
#define MARK_U 0x7575000000000002UL
#define MARK_RO 0x4040000000000003UL
#define MARK_XO 0x5858000000000004UL
#define MARK_X 0xaaaa000000000005UL
#define MARK_Y 0xbbbb000000000006UL

static inline uint64_t rd64(uint64_t pa) { return *(volatile uint64_t *)pa; }
static inline void wr64(uint64_t pa, uint64_t v) { *(volatile uint64_t *)pa = v; }

enum { OP_LD, OP_SD, OP_AMO };
#define STORE_VALUE 0x1234567890abcdefUL

/* One access with MPRV = 1: what it read, the trap it caused, the address of the
   access instruction, and mstatus right after it (before MPRV is cleared again). */
struct mprv_result {
  uint64_t value, trapped, cause, tval, epc, handler, from, trap_status;
  uint64_t pc, status_after;
};

static struct mprv_result mprv_access(uint64_t mpp, int op, uint64_t va) {
  struct mprv_result r;
  uint64_t v = 0, pc, st, sv = STORE_VALUE;
  vm_set_mpp(mpp);
  trap_reset();
#define MPRV_ACCESS(insn)                                                                       \
  asm volatile("lla %[pc], 1f\n csrs mstatus, %[m]\n1: " insn "\n csrr %[st], mstatus\n"          \
               " csrc mstatus, %[m]"                                                             \
               : [pc] "=&r"(pc), [v] "+&r"(v), [st] "=&r"(st)                                    \
               : [va] "r"(va), [m] "r"(MSTATUS_MPRV), [sv] "r"(sv), [one] "r"(1UL) : "memory")
  switch (op) {
  case OP_LD: MPRV_ACCESS("ld %[v], 0(%[va])"); break;
  case OP_SD: MPRV_ACCESS("sd %[sv], 0(%[va])"); break;
  default: MPRV_ACCESS("amoadd.d %[v], %[one], (%[va])"); break;
  }
  r.value = v;
  r.pc = pc;
  r.status_after = st;
  r.trapped = trap_count;
  volatile struct trap_record *t = trap_at(0);
  r.cause = trap_count ? t->cause : 0;
  r.tval = trap_count ? t->tval : 0;
  r.epc = trap_count ? t->epc : 0;
  r.handler = trap_count ? t->handler : 0;
  r.from = trap_count ? t->from : 0;
  r.trap_status = trap_count ? t->status : 0;
  return r;
}

static void expect_ok(const char *label, struct mprv_result r, uint64_t value) {
  check(label, r.trapped, 0);
  check(label, r.value, value);
  check(label, r.status_after & MSTATUS_MPRV, MSTATUS_MPRV);
}

/* A fault: one trap, taken in M-mode from M-mode, at the access, with mtval = va; at
   trap entry MPRV still set and MPP = M; after the handler's mret MPRV still set and
   MPP = U. */
static void expect_fault(const char *label, struct mprv_result r, uint64_t cause, uint64_t va) {
  check(label, r.trapped, 1);
  check(label, r.cause, cause);
  check(label, r.tval, va);
  check(label, r.epc, r.pc);
  check(label, r.handler, MODE_M);
  check(label, r.from, MODE_M);
  check(label, r.trap_status & MSTATUS_MPRV, MSTATUS_MPRV);
  check(label, r.status_after & (MSTATUS_MPRV | MSTATUS_MPP), MSTATUS_MPRV | (MODE_U << MSTATUS_MPP_SHIFT));
}

/* With MPRV = 1 and MPP = S: call PA_C1 (its "ret" comes back here). */
static uint64_t mprv_call(uint64_t target) {
  register uint64_t a0 asm("a0") = 0;
  vm_set_mpp(MODE_S);
  asm volatile("csrs mstatus, %[m]\n jalr %[target]\n csrc mstatus, %[m]"
               : "+r"(a0)
               : [target] "r"(target), [m] "r"(MSTATUS_MPRV)
               : "ra", "t0", "t1", "t2", "a1", "memory");
  return a0;
}

int main(void) {
  priv_init();
  wr64(PA_S, MARK_S);
  wr64(PA_U, MARK_U);
  wr64(PA_RO, MARK_RO);
  wr64(PA_XO, MARK_XO);
  wr64(PA_X, MARK_X);
  wr64(PA_Y, MARK_Y);
  vm_put_li_ret(PA_C1, 1);
  vm_put_li_ret(PA_C2, 2);

  /* No identity mapping: the program's own addresses are not mapped at all. */
  vm_reset();
  vm_map(VA_S, PA_S, PAGE_4K, PTE_R | PTE_W | PTE_A | PTE_D);
  vm_map(VA_U, PA_U, PAGE_4K, PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
  vm_map(VA_RO, PA_RO, PAGE_4K, PTE_R | PTE_A | PTE_D);
  vm_map(VA_XO, PA_XO, PAGE_4K, PTE_X | PTE_A);
  vm_map(VA_ALIAS, PA_Y, PAGE_4K, PTE_R | PTE_W | PTE_A | PTE_D);
  vm_map(PA_C1, PA_C2, PAGE_4K, PTE_R | PTE_X | PTE_A);
  vm_enable(5);
  CSR_CLEAR(mstatus, MSTATUS_SUM | MSTATUS_MXR);

  puts_("MPRV = 1, MPP = S: loads and stores translated with S permissions\n");
  expect_ok("S ld", mprv_access(MODE_S, OP_LD, VA_S), MARK_S);
  expect_ok("S sd", mprv_access(MODE_S, OP_SD, VA_S + 8), 0);
  check("S sd reached the page", rd64(PA_S + 8), STORE_VALUE);
  expect_ok("S amoadd", mprv_access(MODE_S, OP_AMO, VA_S), MARK_S);
  check("S amoadd result", rd64(PA_S), MARK_S + 1);
  expect_ok("S ld alias: the mapped page", mprv_access(MODE_S, OP_LD, VA_ALIAS), MARK_Y);
  check("M ld alias without MPRV: the physical page", rd64(VA_ALIAS), MARK_X);
  expect_ok("S ld read-only", mprv_access(MODE_S, OP_LD, VA_RO), MARK_RO);
  expect_fault("S sd read-only", mprv_access(MODE_S, OP_SD, VA_RO), CAUSE_STORE_PAGE, VA_RO);
  check("read-only page unchanged", rd64(PA_RO), MARK_RO);
  expect_fault("S ld unmapped", mprv_access(MODE_S, OP_LD, VA_NONE + 16), CAUSE_LOAD_PAGE, VA_NONE + 16);
  expect_fault("S sd unmapped", mprv_access(MODE_S, OP_SD, VA_NONE), CAUSE_STORE_PAGE, VA_NONE);
  expect_fault("S ld program address (not mapped)", mprv_access(MODE_S, OP_LD, (uint64_t)&guest_checks),
               CAUSE_LOAD_PAGE, (uint64_t)&guest_checks);

  puts_("MPP = S: MXR and SUM are honoured\n");
  expect_fault("S ld execute-only, MXR = 0", mprv_access(MODE_S, OP_LD, VA_XO), CAUSE_LOAD_PAGE, VA_XO);
  CSR_SET(mstatus, MSTATUS_MXR);
  expect_ok("S ld execute-only, MXR = 1", mprv_access(MODE_S, OP_LD, VA_XO), MARK_XO);
  CSR_CLEAR(mstatus, MSTATUS_MXR);
  expect_fault("S ld user page, SUM = 0", mprv_access(MODE_S, OP_LD, VA_U), CAUSE_LOAD_PAGE, VA_U);
  expect_fault("S sd user page, SUM = 0", mprv_access(MODE_S, OP_SD, VA_U + 8), CAUSE_STORE_PAGE, VA_U + 8);
  check("user page unchanged", rd64(PA_U + 8), 0);
  CSR_SET(mstatus, MSTATUS_SUM);
  expect_ok("S ld user page, SUM = 1", mprv_access(MODE_S, OP_LD, VA_U), MARK_U);
  expect_ok("S sd user page, SUM = 1", mprv_access(MODE_S, OP_SD, VA_U + 8), 0);
  check("S sd user page reached it", rd64(PA_U + 8), STORE_VALUE);
  CSR_CLEAR(mstatus, MSTATUS_SUM);

  puts_("MPRV = 1, MPP = U: U permissions\n");
  expect_ok("U ld user page", mprv_access(MODE_U, OP_LD, VA_U), MARK_U);
  expect_ok("U sd user page", mprv_access(MODE_U, OP_SD, VA_U + 16), 0);
  check("U sd reached it", rd64(PA_U + 16), STORE_VALUE);
  expect_ok("U amoadd user page", mprv_access(MODE_U, OP_AMO, VA_U + 16), STORE_VALUE);
  check("U amoadd result", rd64(PA_U + 16), STORE_VALUE + 1);
  expect_fault("U ld supervisor page", mprv_access(MODE_U, OP_LD, VA_S), CAUSE_LOAD_PAGE, VA_S);
  CSR_SET(mstatus, MSTATUS_SUM);
  expect_fault("U ld supervisor page, SUM = 1", mprv_access(MODE_U, OP_LD, VA_S), CAUSE_LOAD_PAGE, VA_S);
  expect_fault("U sd supervisor page, SUM = 1", mprv_access(MODE_U, OP_SD, VA_S + 24), CAUSE_STORE_PAGE, VA_S + 24);
  CSR_CLEAR(mstatus, MSTATUS_SUM);
  check("supervisor page unchanged", rd64(PA_S + 24), 0);
  CSR_SET(mstatus, MSTATUS_MXR);
  expect_fault("U ld execute-only supervisor page, MXR = 1", mprv_access(MODE_U, OP_LD, VA_XO), CAUSE_LOAD_PAGE, VA_XO);
  CSR_CLEAR(mstatus, MSTATUS_MXR);

  puts_("MPRV = 1, MPP = M: untranslated\n");
  expect_ok("M ld alias", mprv_access(MODE_M, OP_LD, VA_ALIAS), MARK_X);
  expect_ok("M sd alias", mprv_access(MODE_M, OP_SD, VA_ALIAS + 8), 0);
  check("M sd reached the physical page", rd64(PA_X + 8), STORE_VALUE);
  check("M sd left the mapped page alone", rd64(PA_Y + 8), 0);

  puts_("instruction fetches are not translated\n");
  check("call PA_C1 under MPRV runs the code at PA_C1", mprv_call(PA_C1), 1);
  expect_ok("a load from PA_C1 under MPRV reads PA_C2", mprv_access(MODE_S, OP_LD, PA_C1),
            VM_CODE_DWORD(2));

  puts_("a fault under MPRV is taken in M-mode even when delegated\n");
  CSR_WRITE(medeleg, (1UL << CAUSE_LOAD_PAGE) | (1UL << CAUSE_STORE_PAGE));
  expect_fault("delegated ld unmapped", mprv_access(MODE_S, OP_LD, VA_NONE + 8), CAUSE_LOAD_PAGE, VA_NONE + 8);
  expect_fault("delegated sd read-only", mprv_access(MODE_S, OP_SD, VA_RO + 16), CAUSE_STORE_PAGE, VA_RO + 16);
  expect_fault("delegated ld from U", mprv_access(MODE_U, OP_LD, VA_S), CAUSE_LOAD_PAGE, VA_S);
  CSR_WRITE(medeleg, 0);

  puts_("satp = Bare: MPRV with MPP = S or U is untranslated\n");
  vm_disable();
  expect_ok("S ld alias under Bare", mprv_access(MODE_S, OP_LD, VA_ALIAS), MARK_X);
  expect_ok("U ld alias under Bare", mprv_access(MODE_U, OP_LD, VA_ALIAS), MARK_X);

  return vm_finish("mprv");
}
