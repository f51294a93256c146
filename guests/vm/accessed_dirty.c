/* Hardware update of the accessed (A) and dirty (D) bits under Sv39 (privileged spec
   4.3.1 and 4.3.2 step 7): "If pte.a = 0, or if the original memory access is a store
   and pte.d = 0, ... [the implementation may] perform the following steps atomically:
   Compare pte to the value of the PTE at address a + va.vpn[i] x PTESIZE. If the
   values match, set pte.a to 1 and, if the original memory access is a store, also
   set pte.d to 1. ..." Step 7 comes after the permission check (step 5) and the
   superpage alignment check (step 6), so an access that faults changes nothing. Only
   the leaf PTE is updated: "For non-leaf PTEs, the D, A, and U bits are reserved", and
   the walk never writes them.

   Checked here, with every PTE read back from M-mode after the access (the tables
   changed between cases are followed by sfence.vma):
   - a load sets A and not D; a store sets A and D; an instruction fetch sets A; a
     successful AMO (a store) sets A and D; a load of an execute-only page through
     MXR sets A;
   - a store to a page whose translation was cached by an earlier load (D = 0) sets D;
   - a load of a page with A = 1, D = 0 leaves it as it is;
   - A cleared by software is set again by the next access after sfence.vma;
   - a megapage leaf gets A and D like a 4 KiB one;
   - accesses that fault (store to W = 0, load of X-only without MXR, fetch of a non-X
     page, S-mode access to a U page without SUM, U-mode access to a U = 0 page, a
     misaligned megapage) leave A and D as they were;
   - the root and level-1 pointer PTEs stay exactly as written. */
#include "priv.h"
#include "vm.h"

#define VA_MEGA 0x40200000UL
#define VA_MIS  0x40400000UL

int main(void) {
  priv_init();

  puts_("S-mode: successful accesses set A, and D for stores\n");
  vm_reset();
  vm_map_identity(0);
  uint64_t rw = PTE_R | PTE_W;
  volatile uint64_t *p_ld = vm_map_test_page(0, rw);
  volatile uint64_t *p_sd = vm_map_test_page(1, rw);
  volatile uint64_t *p_sd_a = vm_map_test_page(2, rw | PTE_A);
  volatile uint64_t *p_ld_a = vm_map_test_page(3, rw | PTE_A);
  volatile uint64_t *p_x = vm_map_test_page(4, PTE_X);
  volatile uint64_t *p_rx = vm_map_test_page(5, PTE_R | PTE_X);
  volatile uint64_t *p_ldsd = vm_map_test_page(6, rw);
  volatile uint64_t *p_amo = vm_map_test_page(7, rw);
  volatile uint64_t *p_mxr = vm_map_test_page(8, PTE_X);
  volatile uint64_t *p_again = vm_map_test_page(9, rw);
  volatile uint64_t *p_mega = vm_map(VA_MEGA, VM_SCRATCH_PA + PAGE_2M, PAGE_2M, rw);
  uint64_t root_pte = vm_root[vm_vpn(VM_TEST_VA, 2)];
  volatile uint64_t *mid = &((uint64_t *)vm_pte_pa(root_pte))[vm_vpn(VM_TEST_VA, 1)];
  uint64_t mid_pte = *mid;
  vm_enable(0);

  vm_expect_ok("ld A=0", vm_try(MODE_S, vm_ld, vm_test_va(0)), ~0UL);
  check("ld sets A only", *p_ld, vm_pte_value(vm_test_pa(0), rw | PTE_A));
  vm_expect_ok("sd A=0 D=0", vm_try(MODE_S, vm_sd, vm_test_va(1) + 8), ~0UL);
  check("sd sets A and D", *p_sd, vm_pte_value(vm_test_pa(1), rw | PTE_A | PTE_D));
  vm_expect_ok("sd A=1 D=0", vm_try(MODE_S, vm_sd, vm_test_va(2) + 8), ~0UL);
  check("sd sets D", *p_sd_a, vm_pte_value(vm_test_pa(2), rw | PTE_A | PTE_D));
  vm_expect_ok("ld A=1 D=0", vm_try(MODE_S, vm_ld, vm_test_va(3)), ~0UL);
  check("ld leaves A=1 D=0", *p_ld_a, vm_pte_value(vm_test_pa(3), rw | PTE_A));
  vm_expect_ok("fetch X-only A=0", vm_try(MODE_S, vm_call, vm_test_va(4)), 42);
  check("fetch sets A only (X)", *p_x, vm_pte_value(vm_test_pa(4), PTE_X | PTE_A));
  vm_expect_ok("fetch RX A=0", vm_try(MODE_S, vm_call, vm_test_va(5)), 42);
  check("fetch sets A only (RX)", *p_rx, vm_pte_value(vm_test_pa(5), PTE_R | PTE_X | PTE_A));
  vm_expect_ok("ld then sd: ld", vm_try(MODE_S, vm_ld, vm_test_va(6)), ~0UL);
  check("ld then sd: A after ld", *p_ldsd, vm_pte_value(vm_test_pa(6), rw | PTE_A));
  vm_expect_ok("ld then sd: sd", vm_try(MODE_S, vm_sd, vm_test_va(6) + 8), ~0UL);
  check("ld then sd: A and D after sd", *p_ldsd, vm_pte_value(vm_test_pa(6), rw | PTE_A | PTE_D));
  vm_expect_ok("amoadd A=0 D=0", vm_try(MODE_S, vm_amoadd, vm_test_va(7) + 8), ~0UL);
  check("amoadd sets A and D", *p_amo, vm_pte_value(vm_test_pa(7), rw | PTE_A | PTE_D));
  CSR_SET(mstatus, MSTATUS_MXR);
  vm_expect_ok("ld X-only with MXR", vm_try(MODE_S, vm_ld, vm_test_va(8)), ~0UL);
  CSR_CLEAR(mstatus, MSTATUS_MXR);
  check("ld with MXR sets A only", *p_mxr, vm_pte_value(vm_test_pa(8), PTE_X | PTE_A));
  vm_expect_ok("sd megapage", vm_try(MODE_S, vm_sd, VA_MEGA + 0x12348), ~0UL);
  check("sd sets A and D on the megapage leaf", *p_mega, vm_pte_value(VM_SCRATCH_PA + PAGE_2M, rw | PTE_A | PTE_D));

  puts_("A cleared by software is set again\n");
  vm_expect_ok("ld first", vm_try(MODE_S, vm_ld, vm_test_va(9)), ~0UL);
  check("A after the first ld", *p_again, vm_pte_value(vm_test_pa(9), rw | PTE_A));
  *p_again = vm_pte_value(vm_test_pa(9), rw);
  vm_sfence();
  vm_expect_ok("ld again", vm_try(MODE_S, vm_ld, vm_test_va(9)), ~0UL);
  check("A set again", *p_again, vm_pte_value(vm_test_pa(9), rw | PTE_A));
  *p_again = vm_pte_value(vm_test_pa(9), rw | PTE_A);
  vm_sfence();
  vm_expect_ok("sd after D cleared", vm_try(MODE_S, vm_sd, vm_test_va(9) + 8), ~0UL);
  check("D set by the sd", *p_again, vm_pte_value(vm_test_pa(9), rw | PTE_A | PTE_D));
  *p_again = vm_pte_value(vm_test_pa(9), rw | PTE_A);
  vm_sfence();
  vm_expect_ok("sd after D cleared again", vm_try(MODE_S, vm_sd, vm_test_va(9) + 16), ~0UL);
  check("D set again", *p_again, vm_pte_value(vm_test_pa(9), rw | PTE_A | PTE_D));

  puts_("non-leaf PTEs are not updated\n");
  check("root PTE as written", vm_root[vm_vpn(VM_TEST_VA, 2)], root_pte);
  check("level-1 PTE as written", *mid, mid_pte);
  check("root pointer has no A or D", root_pte & (PTE_A | PTE_D), 0);
  check("level-1 pointer has no A or D", mid_pte & (PTE_A | PTE_D), 0);
  vm_disable();

  puts_("S-mode: faulting accesses change nothing\n");
  vm_reset();
  vm_map_identity(0);
  volatile uint64_t *f_sd_ro = vm_map_test_page(0, PTE_R);
  volatile uint64_t *f_sd_ro_a = vm_map_test_page(1, PTE_R | PTE_A);
  volatile uint64_t *f_ld_x = vm_map_test_page(2, PTE_X);
  volatile uint64_t *f_fetch_rw = vm_map_test_page(3, rw);
  volatile uint64_t *f_user = vm_map_test_page(4, rw | PTE_X | PTE_U);
  volatile uint64_t *f_mis = vm_set_pte(VA_MIS, 1, vm_pte_value(VM_SCRATCH_PA + PAGE_4K, rw | PTE_X));
  vm_enable(0);
  vm_expect_fault("sd to R-only", vm_try(MODE_S, vm_sd, vm_test_va(0) + 8), CAUSE_STORE_PAGE, vm_test_va(0) + 8);
  check("sd to R-only: PTE unchanged", *f_sd_ro, vm_pte_value(vm_test_pa(0), PTE_R));
  vm_expect_fault("sd to R-only A=1", vm_try(MODE_S, vm_sd, vm_test_va(1) + 8), CAUSE_STORE_PAGE, vm_test_va(1) + 8);
  check("sd to R-only A=1: no D", *f_sd_ro_a, vm_pte_value(vm_test_pa(1), PTE_R | PTE_A));
  vm_expect_fault("ld X-only without MXR", vm_try(MODE_S, vm_ld, vm_test_va(2)), CAUSE_LOAD_PAGE, vm_test_va(2));
  check("ld X-only: PTE unchanged", *f_ld_x, vm_pte_value(vm_test_pa(2), PTE_X));
  vm_expect_fault("fetch RW", vm_try(MODE_S, vm_call, vm_test_va(3)), CAUSE_FETCH_PAGE, vm_test_va(3));
  check("fetch RW: PTE unchanged", *f_fetch_rw, vm_pte_value(vm_test_pa(3), rw));
  vm_expect_fault("ld U page without SUM", vm_try(MODE_S, vm_ld, vm_test_va(4)), CAUSE_LOAD_PAGE, vm_test_va(4));
  vm_expect_fault("sd U page without SUM", vm_try(MODE_S, vm_sd, vm_test_va(4) + 8), CAUSE_STORE_PAGE, vm_test_va(4) + 8);
  CSR_SET(mstatus, MSTATUS_SUM);
  vm_expect_fault("fetch U page with SUM", vm_try(MODE_S, vm_call, vm_test_va(4)), CAUSE_FETCH_PAGE, vm_test_va(4));
  CSR_CLEAR(mstatus, MSTATUS_SUM);
  check("U page: PTE unchanged", *f_user, vm_pte_value(vm_test_pa(4), rw | PTE_X | PTE_U));
  vm_expect_fault("ld misaligned megapage", vm_try(MODE_S, vm_ld, VA_MIS), CAUSE_LOAD_PAGE, VA_MIS);
  vm_expect_fault("sd misaligned megapage", vm_try(MODE_S, vm_sd, VA_MIS + 8), CAUSE_STORE_PAGE, VA_MIS + 8);
  check("misaligned megapage: PTE unchanged", *f_mis, vm_pte_value(VM_SCRATCH_PA + PAGE_4K, rw | PTE_X));
  CSR_SET(mstatus, MSTATUS_SUM);
  vm_expect_ok("ld U page with SUM", vm_try(MODE_S, vm_ld, vm_test_va(4)), ~0UL);
  CSR_CLEAR(mstatus, MSTATUS_SUM);
  check("ld U page with SUM sets A", *f_user, vm_pte_value(vm_test_pa(4), rw | PTE_X | PTE_U | PTE_A));
  vm_disable();

  puts_("U-mode\n");
  vm_reset();
  vm_map_identity(1);
  volatile uint64_t *u_ld = vm_map_test_page(0, rw | PTE_U);
  volatile uint64_t *u_sd = vm_map_test_page(1, rw | PTE_U);
  volatile uint64_t *u_x = vm_map_test_page(2, PTE_X | PTE_U);
  volatile uint64_t *u_super = vm_map_test_page(3, rw | PTE_X);
  vm_enable(0);
  vm_expect_ok("U ld A=0", vm_try(MODE_U, vm_ld, vm_test_va(0)), ~0UL);
  check("U ld sets A only", *u_ld, vm_pte_value(vm_test_pa(0), rw | PTE_U | PTE_A));
  vm_expect_ok("U sd A=0 D=0", vm_try(MODE_U, vm_sd, vm_test_va(1) + 8), ~0UL);
  check("U sd sets A and D", *u_sd, vm_pte_value(vm_test_pa(1), rw | PTE_U | PTE_A | PTE_D));
  vm_expect_ok("U fetch A=0", vm_try(MODE_U, vm_call, vm_test_va(2)), 42);
  check("U fetch sets A only", *u_x, vm_pte_value(vm_test_pa(2), PTE_X | PTE_U | PTE_A));
  vm_expect_fault("U ld of a U=0 page", vm_try(MODE_U, vm_ld, vm_test_va(3)), CAUSE_LOAD_PAGE, vm_test_va(3));
  vm_expect_fault("U sd of a U=0 page", vm_try(MODE_U, vm_sd, vm_test_va(3) + 8), CAUSE_STORE_PAGE, vm_test_va(3) + 8);
  vm_expect_fault("U fetch of a U=0 page", vm_try(MODE_U, vm_call, vm_test_va(3)), CAUSE_FETCH_PAGE, vm_test_va(3));
  check("U=0 page: PTE unchanged", *u_super, vm_pte_value(vm_test_pa(3), rw | PTE_X));
  vm_disable();

  return vm_finish("accessed_dirty");
}
