/* Sv39 basics (privileged spec 4.3.2, 4.4): with satp.MODE = Sv39 an S-mode load or
   store goes through the page tables to the mapped physical page; a virtual address
   with no valid PTE on its walk raises a load (13) or store (15) page fault (AMOs: vm/amo_page_faults) with
   stval = the virtual address; an instruction fetch from a mapped executable page
   runs, from an unmapped one raises an instruction page fault (12). M-mode is never
   translated. satp written with MODE = Bare turns translation off again. */
#include "priv.h"
#include "vm.h"

#define VA_DATA 0x40000000UL
#define VA_CODE 0x40001000UL
#define VA_NONE 0x40002000UL
#define PA_DATA (VM_SCRATCH_PA)
#define PA_CODE (VM_SCRATCH_PA + PAGE_4K)

int main(void) {
  priv_init();
  vm_reset();
  vm_map_identity(0);
  vm_map(VA_DATA, PA_DATA, PAGE_4K, PTE_R | PTE_W | PTE_A | PTE_D);
  vm_map(VA_CODE, PA_CODE, PAGE_4K, PTE_X | PTE_A);
  *(volatile uint64_t *)PA_DATA = 0x1122334455667788UL;
  vm_put_code(PA_CODE);
  vm_enable(0);

  puts_("S-mode through the page tables\n");
  vm_expect_ok("ld mapped", vm_try(MODE_S, vm_ld, VA_DATA), 0x1122334455667788UL);
  vm_expect_ok("lbu mapped", vm_try(MODE_S, vm_lbu, VA_DATA + 1), 0x77);
  vm_expect_ok("sd mapped", vm_try(MODE_S, vm_sd, VA_DATA + 8), ~0UL);
  check("sd reached the physical page", *(volatile uint64_t *)(PA_DATA + 8), vm_sd_value);
  vm_expect_ok("amoadd mapped", vm_try(MODE_S, vm_amoadd, VA_DATA), 0x1122334455667788UL);
  check("amoadd result", *(volatile uint64_t *)PA_DATA, 0x1122334455667789UL);
  vm_expect_ok("fetch mapped", vm_try(MODE_S, vm_call, VA_CODE), 42);

  puts_("unmapped addresses fault\n");
  vm_expect_fault("ld unmapped", vm_try(MODE_S, vm_ld, VA_NONE + 16), CAUSE_LOAD_PAGE, VA_NONE + 16);
  vm_expect_fault("sd unmapped", vm_try(MODE_S, vm_sd, VA_NONE + 8), CAUSE_STORE_PAGE, VA_NONE + 8);
  vm_expect_fault("fetch unmapped", vm_try(MODE_S, vm_call, VA_NONE), CAUSE_FETCH_PAGE, VA_NONE);
  vm_expect_fault("ld in an unmapped gigapage", vm_try(MODE_S, vm_ld, 0x100000000UL), CAUSE_LOAD_PAGE, 0x100000000UL);

  puts_("M-mode is not translated\n");
  vm_expect_ok("M ld physical", vm_try(MODE_M, vm_ld, PA_DATA + 8), vm_sd_value);

  puts_("Bare turns translation off\n");
  vm_disable();
  vm_expect_ok("S ld physical under Bare", vm_try(MODE_S, vm_ld, PA_DATA + 8), vm_sd_value);
  return vm_finish("sv39_basic");
}
