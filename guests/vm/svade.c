/* Svade: accessed and dirty bits managed by software (privileged spec 4.3.2 step 7,
   and the Svade extension): "If pte.a = 0, or if the original memory access is a
   store and pte.d = 0: If the Svade extension is implemented, stop and raise a
   page-fault exception corresponding to the original access type." The PTE is not
   written. Pagoda behaves so with --svade.

   PAGODA-FLAGS: --svade
   QEMU-SKIP: QEMU 7.2 always updates A/D in hardware

   Checked here: a load, store, AMO or fetch through a PTE with A = 0 raises the page
   fault of its type (13, 15, 15, 12) with tval = the address; a store or AMO with
   A = 1 and D = 0 raises a store/AMO page fault, also when a load has just cached
   the translation; loads and fetches with A = 1 and D = 0 succeed; every PTE stays as
   written; once M-mode sets the bit (and runs sfence.vma) the access goes through. */
#include "priv.h"
#include "vm.h"

#define VA_MEGA 0x40200000UL

int main(void) {
  priv_init();
  uint64_t rw = PTE_R | PTE_W, rwx = PTE_R | PTE_W | PTE_X;

  puts_("S-mode: A = 0 faults\n");
  vm_reset();
  vm_map_identity(0);
  volatile uint64_t *p0 = vm_map_test_page(0, rwx);
  volatile uint64_t *p1 = vm_map_test_page(1, rwx | PTE_D);
  volatile uint64_t *p2 = vm_map_test_page(2, PTE_X);
  vm_put_code(VM_SCRATCH_PA + PAGE_2M + 0x1000);
  *(volatile uint64_t *)(VM_SCRATCH_PA + PAGE_2M + 0x1008) = 0;
  volatile uint64_t *pm = vm_map(VA_MEGA, VM_SCRATCH_PA + PAGE_2M, PAGE_2M, rw);
  vm_enable(0);
  vm_expect_fault("ld A=0", vm_try(MODE_S, vm_ld, vm_test_va(0)), CAUSE_LOAD_PAGE, vm_test_va(0));
  vm_expect_fault("sd A=0 D=0", vm_try(MODE_S, vm_sd, vm_test_va(0) + 8), CAUSE_STORE_PAGE, vm_test_va(0) + 8);
  vm_expect_fault("amoadd A=0 D=0", vm_try(MODE_S, vm_amoadd, vm_test_va(0) + 16), CAUSE_STORE_PAGE, vm_test_va(0) + 16);
  vm_expect_fault("fetch A=0", vm_try(MODE_S, vm_call, vm_test_va(0)), CAUSE_FETCH_PAGE, vm_test_va(0));
  check("A=0 D=0 PTE unchanged", *p0, vm_pte_value(vm_test_pa(0), rwx));
  vm_expect_fault("ld A=0 D=1", vm_try(MODE_S, vm_ld, vm_test_va(1)), CAUSE_LOAD_PAGE, vm_test_va(1));
  vm_expect_fault("sd A=0 D=1", vm_try(MODE_S, vm_sd, vm_test_va(1) + 8), CAUSE_STORE_PAGE, vm_test_va(1) + 8);
  vm_expect_fault("fetch A=0 D=1", vm_try(MODE_S, vm_call, vm_test_va(1)), CAUSE_FETCH_PAGE, vm_test_va(1));
  check("A=0 D=1 PTE unchanged", *p1, vm_pte_value(vm_test_pa(1), rwx | PTE_D));
  CSR_SET(mstatus, MSTATUS_MXR);
  vm_expect_fault("ld X-only A=0 with MXR", vm_try(MODE_S, vm_ld, vm_test_va(2)), CAUSE_LOAD_PAGE, vm_test_va(2));
  CSR_CLEAR(mstatus, MSTATUS_MXR);
  check("X-only PTE unchanged", *p2, vm_pte_value(vm_test_pa(2), PTE_X));
  vm_expect_fault("ld megapage A=0", vm_try(MODE_S, vm_ld, VA_MEGA + 0x1000), CAUSE_LOAD_PAGE, VA_MEGA + 0x1000);
  check("megapage PTE unchanged", *pm, vm_pte_value(VM_SCRATCH_PA + PAGE_2M, rw));
  check("faulting sd wrote nothing", *(volatile uint64_t *)(vm_test_pa(0) + 8), 0);

  puts_("S-mode: A = 1, D = 0\n");
  *p0 = vm_pte_value(vm_test_pa(0), rwx | PTE_A);
  vm_sfence();
  vm_expect_ok("ld A=1 D=0", vm_try(MODE_S, vm_ld, vm_test_va(0)), VM_CODE_DWORD(42));
  vm_expect_ok("fetch A=1 D=0", vm_try(MODE_S, vm_call, vm_test_va(0)), 42);
  vm_expect_fault("sd A=1 D=0 after a cached ld", vm_try(MODE_S, vm_sd, vm_test_va(0) + 8), CAUSE_STORE_PAGE, vm_test_va(0) + 8);
  vm_expect_fault("amoadd A=1 D=0", vm_try(MODE_S, vm_amoadd, vm_test_va(0) + 16), CAUSE_STORE_PAGE, vm_test_va(0) + 16);
  check("A=1 D=0 PTE unchanged", *p0, vm_pte_value(vm_test_pa(0), rwx | PTE_A));
  check("faulting sd wrote nothing", *(volatile uint64_t *)(vm_test_pa(0) + 8), 0);

  puts_("after software sets A and D\n");
  *p0 = vm_pte_value(vm_test_pa(0), rwx | PTE_A | PTE_D);
  *pm = vm_pte_value(VM_SCRATCH_PA + PAGE_2M, rw | PTE_A);
  vm_sfence();
  vm_expect_ok("sd A=1 D=1", vm_try(MODE_S, vm_sd, vm_test_va(0) + 8), ~0UL);
  check("sd reached memory", *(volatile uint64_t *)(vm_test_pa(0) + 8), vm_sd_value);
  vm_expect_ok("amoadd A=1 D=1", vm_try(MODE_S, vm_amoadd, vm_test_va(0) + 8), vm_sd_value);
  check("A=1 D=1 PTE as written", *p0, vm_pte_value(vm_test_pa(0), rwx | PTE_A | PTE_D));
  vm_expect_ok("ld megapage A=1", vm_try(MODE_S, vm_ld, VA_MEGA + 0x1000), VM_CODE_DWORD(42));
  vm_expect_fault("sd megapage A=1 D=0", vm_try(MODE_S, vm_sd, VA_MEGA + 0x1008), CAUSE_STORE_PAGE, VA_MEGA + 0x1008);
  check("megapage PTE as written", *pm, vm_pte_value(VM_SCRATCH_PA + PAGE_2M, rw | PTE_A));
  check("faulting megapage sd wrote nothing", *(volatile uint64_t *)(VM_SCRATCH_PA + PAGE_2M + 0x1008), 0);
  vm_disable();

  puts_("U-mode\n");
  vm_reset();
  vm_map_identity(1);
  volatile uint64_t *u0 = vm_map_test_page(3, rwx | PTE_U);
  volatile uint64_t *u1 = vm_map_test_page(4, rwx | PTE_U | PTE_A);
  vm_enable(0);
  vm_expect_fault("U ld A=0", vm_try(MODE_U, vm_ld, vm_test_va(3)), CAUSE_LOAD_PAGE, vm_test_va(3));
  vm_expect_fault("U sd A=0", vm_try(MODE_U, vm_sd, vm_test_va(3) + 8), CAUSE_STORE_PAGE, vm_test_va(3) + 8);
  vm_expect_fault("U fetch A=0", vm_try(MODE_U, vm_call, vm_test_va(3)), CAUSE_FETCH_PAGE, vm_test_va(3));
  check("U A=0 PTE unchanged", *u0, vm_pte_value(vm_test_pa(3), rwx | PTE_U));
  vm_expect_ok("U ld A=1 D=0", vm_try(MODE_U, vm_ld, vm_test_va(4)), VM_CODE_DWORD(42));
  vm_expect_ok("U fetch A=1 D=0", vm_try(MODE_U, vm_call, vm_test_va(4)), 42);
  vm_expect_fault("U sd A=1 D=0", vm_try(MODE_U, vm_sd, vm_test_va(4) + 8), CAUSE_STORE_PAGE, vm_test_va(4) + 8);
  check("U A=1 D=0 PTE unchanged", *u1, vm_pte_value(vm_test_pa(4), rwx | PTE_U | PTE_A));
  vm_disable();

  return vm_finish("svade");
}
