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
  *pte_a = flags_a ? vm_pte_value(PA_A, flags_a | PTE_A) : 0;
  *pte_b = flags_b ? vm_pte_value(PA_B, flags_b | PTE_A) : 0;
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
  vm_expect_ok("from the c.nop", vm_try(MODE_S, vm_call, START), 0x123);
  vm_expect_ok("from the straddling instruction", vm_try(MODE_S, vm_call, INSN), 0x123);
  set_ptes(PTE_X | PTE_R, PTE_X | PTE_R);
  vm_expect_ok("pages also readable", vm_try(MODE_S, vm_call, START), 0x123);

  puts_("S-mode: the second half's page faults\n");
  set_ptes(PTE_X, 0);
  vm_expect_fetch_fault("second page unmapped", MODE_S, START, 0, CAUSE_FETCH_PAGE, INSN, VA_B);
  vm_expect_fetch_fault("second page unmapped, direct", MODE_S, INSN, 0, CAUSE_FETCH_PAGE, INSN, VA_B);
  set_ptes(PTE_X, PTE_R | PTE_W | PTE_D);
  vm_expect_fetch_fault("second page not executable", MODE_S, START, 0, CAUSE_FETCH_PAGE, INSN, VA_B);
  set_ptes(PTE_X, PTE_X | PTE_U);
  vm_expect_fetch_fault("second page a U page", MODE_S, START, 0, CAUSE_FETCH_PAGE, INSN, VA_B);
  set_ptes(PTE_R, PTE_X);
  vm_expect_fetch_fault("first page not executable", MODE_S, INSN, 0, CAUSE_FETCH_PAGE, INSN, INSN);
  set_ptes(PTE_X, PTE_X);
  vm_expect_ok("both executable again", vm_try(MODE_S, vm_call, START), 0x123);

  puts_("S-mode: a compressed instruction at the end of the page\n");
  put_code(PA_A, PA_B, 1);
  vm_expect_ok("c.li then ret", vm_try(MODE_S, vm_call, START), 5);
  set_ptes(PTE_X, 0);
  vm_expect_fetch_fault("c.li runs, ret faults", MODE_S, START, 5, CAUSE_FETCH_PAGE, VA_B, VA_B);
  put_code(PA_A, PA_B, 0);

  puts_("S-mode: PMP denies execution of the second half's physical page\n");
  set_ptes(PTE_X, PTE_X);
  vm_pmp_page(PA_B, PMP_R | PMP_W);   /* readable and writable, not executable */
  vm_expect_fetch_fault("second half PMP-denied", MODE_S, START, 0, CAUSE_FETCH_ACCESS, INSN, VA_B);
  vm_pmp_off();
  vm_expect_ok("PMP entry off again", vm_try(MODE_S, vm_call, START), 0x123);

  puts_("U-mode\n");
  vm_reset();
  vm_map_identity(1);
  pte_a = vm_map(VA_A, PA_A, PAGE_4K, PTE_X | PTE_U | PTE_A);
  pte_b = vm_map(VA_B, PA_B, PAGE_4K, PTE_X | PTE_U | PTE_A);
  vm_enable(0);
  set_ptes(PTE_X | PTE_U, PTE_X | PTE_U);
  vm_expect_ok("both user pages executable", vm_try(MODE_U, vm_call, START), 0x123);
  set_ptes(PTE_X | PTE_U, PTE_X);
  vm_expect_fetch_fault("second page not a U page", MODE_U, START, 0, CAUSE_FETCH_PAGE, INSN, VA_B);
  set_ptes(PTE_X | PTE_U, 0);
  vm_expect_fetch_fault("second page unmapped", MODE_U, START, 0, CAUSE_FETCH_PAGE, INSN, VA_B);
  set_ptes(PTE_X | PTE_U, PTE_X | PTE_U);
  vm_expect_ok("both again", vm_try(MODE_U, vm_call, START), 0x123);

  puts_("Bare: PMP denies execution of the next physical page\n");
  vm_disable();
  put_code(PA_A, PA_A + PAGE_4K, 0);
  vm_expect_ok("straddling at the physical address", vm_try(MODE_S, vm_call, PA_A + 0xffc), 0x123);
  vm_pmp_page(PA_A + PAGE_4K, PMP_R | PMP_W);
  vm_expect_fetch_fault("second half PMP-denied", MODE_S, PA_A + 0xffc, 0, CAUSE_FETCH_ACCESS,
                        PA_A + 0xffe, PA_A + PAGE_4K);
  vm_expect_fetch_fault("second half PMP-denied, U-mode", MODE_U, PA_A + 0xffc, 0, CAUSE_FETCH_ACCESS,
                        PA_A + 0xffe, PA_A + PAGE_4K);
  vm_pmp_off();

  return vm_finish("fetch_straddle");
}
