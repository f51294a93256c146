/* An instruction that straddles a page boundary (privileged spec 4.1.9 "Supervisor
   Trap Value (stval) Register", 3.1.16 mtval; 4.3.2 translation of each access):

   "If stval is written with a nonzero value when an instruction access-fault or
   page-fault exception occurs on a hart with variable-length instructions, then stval
   will contain the virtual address of the portion of the instruction that caused the
   fault, while sepc will point to the beginning of the instruction."

   A 4-byte "addi a0, a0, 0x123" starts at offset 0xFFE of an executable page (after a
   c.nop at 0xFFC) and ends on the next virtual page, which maps a physical page that
   is not adjacent; a "ret" follows it there. Both halves are translated:

   - both pages mapped executable: the instruction runs (a0 = 0x123);
   - the second page unmapped, not executable, or (from S-mode) a U page, or (from
     U-mode) not a U page: instruction page fault (12) with epc = the instruction at
     0xFFE and tval = the start of the second page; the c.nop before it has run;
   - the first page not executable: the fault is at the instruction itself (tval = epc);
   - a 2-byte instruction at 0xFFE runs whatever the next page is; the fault comes
     with the next instruction, at the start of the second page;
   - the second page's physical page denied execution by PMP: instruction access fault
     (1), epc the instruction, tval the start of the second page (also under Bare). */
#include "priv.h"
#include "vm.h"

#define VA_A 0x40000000UL
#define VA_B (VA_A + PAGE_4K)
#define PA_A (VM_SCRATCH_PA + 0x0000)
#define PA_B (VM_SCRATCH_PA + 0x5000)   /* not adjacent to PA_A */
#define START (VA_A + 0xffc)          /* c.nop, then the straddling instruction */
#define INSN  (VA_A + 0xffe)

#define C_NOP 0x0001u
#define C_LI_A0_5 0x4515u              /* c.li a0, 5 */
#define ADDI_A0_A0_123 0x12350513u     /* addi a0, a0, 0x123 */

static int checks;
static void ck(const char *label, uint64_t got, uint64_t want) {
  checks++;
  check(label, got, want);
}

static inline void put16(uint64_t pa, uint16_t v) { *(volatile uint16_t *)pa = v; }

/* Code at PA_A + 0xffc: c.nop and the first half of the 4-byte instruction (or, with
   `compressed`, c.li a0, 5); at PA_B: the second half (or nothing) and ret. */
static void put_code(uint64_t first, uint64_t second, int compressed) {
  put16(first + 0xffc, C_NOP);
  if (compressed) {
    put16(first + 0xffe, C_LI_A0_5);
    *(volatile uint32_t *)second = VM_CODE_RET;
  } else {
    put16(first + 0xffe, ADDI_A0_A0_123 & 0xffff);
    put16(second, ADDI_A0_A0_123 >> 16);
    put16(second + 2, VM_CODE_RET & 0xffff);
    put16(second + 4, VM_CODE_RET >> 16);
  }
  asm volatile("fence.i" ::: "memory");
}

static volatile uint64_t *pte_a, *pte_b;
static void set_ptes(uint64_t flags_a, uint64_t flags_b) {
  *pte_a = flags_a ? (((PA_A >> 12) << PTE_PPN_SHIFT) | flags_a | PTE_V | PTE_A) : 0;
  *pte_b = flags_b ? (((PA_B >> 12) << PTE_PPN_SHIFT) | flags_b | PTE_V | PTE_A) : 0;
  vm_sfence();
}

static void expect_runs(const char *label, uint64_t mode, uint64_t va, uint64_t value) {
  struct vm_access r = vm_try(mode, vm_call, va);
  ck(label, r.trapped, 0);
  ck(label, r.value, value);
}

/* One fetch fault from `mode` with `cause`, epc and tval; a0 when it happened = `value`. */
static void expect_fetch_fault(const char *label, uint64_t mode, uint64_t va, uint64_t value,
                               uint64_t cause, uint64_t epc, uint64_t tval) {
  struct vm_access r = vm_try(mode, vm_call, va);
  ck(label, r.value, value);
  ck(label, trap_count, 1);
  if (trap_count != 1) return;
  volatile struct trap_record *t = trap_at(0);
  ck(label, t->cause, cause);
  ck(label, t->handler, MODE_M);
  ck(label, t->from, mode);
  ck(label, t->epc, epc);
  ck(label, t->tval, tval);
}

/* PMP entry 0: the 4 KiB page at `pa`, readable and writable but not executable. */
static void pmp_no_exec(uint64_t pa) {
  CSR_WRITE(pmpaddr0, (pa >> 2) | 0x1ff);
  CSR_CLEAR(pmpcfg0, 0xffUL);
  CSR_SET(pmpcfg0, PMP_NAPOT | PMP_R | PMP_W);
  vm_sfence();
}
static void pmp_off(void) {
  CSR_CLEAR(pmpcfg0, 0xffUL);
  vm_sfence();
}

int main(void) {
  priv_init();
  put_code(PA_A, PA_B, 0);

  vm_reset();
  vm_map_identity(0);
  pte_a = vm_map(VA_A, PA_A, PAGE_4K, PTE_X | PTE_A);
  pte_b = vm_map(VA_B, PA_B, PAGE_4K, PTE_X | PTE_A);
  vm_enable(0);

  puts_("S-mode: both pages executable\n");
  set_ptes(PTE_X, PTE_X);
  expect_runs("from the c.nop", MODE_S, START, 0x123);
  expect_runs("from the straddling instruction", MODE_S, INSN, 0x123);
  set_ptes(PTE_X | PTE_R, PTE_X | PTE_R);
  expect_runs("pages also readable", MODE_S, START, 0x123);

  puts_("S-mode: the second half's page faults\n");
  set_ptes(PTE_X, 0);
  expect_fetch_fault("second page unmapped", MODE_S, START, 0, CAUSE_FETCH_PAGE, INSN, VA_B);
  expect_fetch_fault("second page unmapped, direct", MODE_S, INSN, 0, CAUSE_FETCH_PAGE, INSN, VA_B);
  set_ptes(PTE_X, PTE_R | PTE_W | PTE_D);
  expect_fetch_fault("second page not executable", MODE_S, START, 0, CAUSE_FETCH_PAGE, INSN, VA_B);
  set_ptes(PTE_X, PTE_X | PTE_U);
  expect_fetch_fault("second page a U page", MODE_S, START, 0, CAUSE_FETCH_PAGE, INSN, VA_B);
  set_ptes(PTE_R, PTE_X);
  expect_fetch_fault("first page not executable", MODE_S, INSN, 0, CAUSE_FETCH_PAGE, INSN, INSN);
  set_ptes(PTE_X, PTE_X);
  expect_runs("both executable again", MODE_S, START, 0x123);

  puts_("S-mode: a compressed instruction at the end of the page\n");
  put_code(PA_A, PA_B, 1);
  expect_runs("c.li then ret", MODE_S, START, 5);
  set_ptes(PTE_X, 0);
  expect_fetch_fault("c.li runs, ret faults", MODE_S, START, 5, CAUSE_FETCH_PAGE, VA_B, VA_B);
  put_code(PA_A, PA_B, 0);

  puts_("S-mode: PMP denies execution of the second half's physical page\n");
  set_ptes(PTE_X, PTE_X);
  pmp_no_exec(PA_B);
  expect_fetch_fault("second half PMP-denied", MODE_S, START, 0, CAUSE_FETCH_ACCESS, INSN, VA_B);
  pmp_off();
  expect_runs("PMP entry off again", MODE_S, START, 0x123);

  puts_("U-mode\n");
  vm_reset();
  vm_map_identity(1);
  pte_a = vm_map(VA_A, PA_A, PAGE_4K, PTE_X | PTE_U | PTE_A);
  pte_b = vm_map(VA_B, PA_B, PAGE_4K, PTE_X | PTE_U | PTE_A);
  vm_enable(0);
  set_ptes(PTE_X | PTE_U, PTE_X | PTE_U);
  expect_runs("both user pages executable", MODE_U, START, 0x123);
  set_ptes(PTE_X | PTE_U, PTE_X);
  expect_fetch_fault("second page not a U page", MODE_U, START, 0, CAUSE_FETCH_PAGE, INSN, VA_B);
  set_ptes(PTE_X | PTE_U, 0);
  expect_fetch_fault("second page unmapped", MODE_U, START, 0, CAUSE_FETCH_PAGE, INSN, VA_B);
  set_ptes(PTE_X | PTE_U, PTE_X | PTE_U);
  expect_runs("both again", MODE_U, START, 0x123);

  puts_("Bare: PMP denies execution of the next physical page\n");
  vm_disable();
  put_code(PA_A, PA_A + PAGE_4K, 0);
  expect_runs("straddling at the physical address", MODE_S, PA_A + 0xffc, 0x123);
  pmp_no_exec(PA_A + PAGE_4K);
  expect_fetch_fault("second half PMP-denied", MODE_S, PA_A + 0xffc, 0, CAUSE_FETCH_ACCESS,
                     PA_A + 0xffe, PA_A + PAGE_4K);
  expect_fetch_fault("second half PMP-denied, U-mode", MODE_U, PA_A + 0xffc, 0, CAUSE_FETCH_ACCESS,
                     PA_A + 0xffe, PA_A + PAGE_4K);
  pmp_off();

  puts_("checks: ");
  print_udec((uint64_t)checks);
  putch('\n');
  return finish("fetch_straddle");
}
