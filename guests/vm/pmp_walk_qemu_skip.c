// QEMU-SKIP: QEMU 7.2 reports an AMO's access fault on a page-table read as a load access fault (5), and sets A and D in a PTE that PMP does not let S-mode write
/* PMP and paging where QEMU 7.2 does not follow the privileged spec (the rest is in
   vm/pmp_walk.c, compared with QEMU):

   - 4.3.2 step 2: "If accessing pte violates a PMA or PMP check, raise an
     access-fault exception corresponding to the original access type": for an AMO
     that is a store/AMO access fault (7). QEMU 7.2 raises a load access fault (5).
   - 4.3.2 step 7, the hardware update of A and D: "If this access violates a PMA or
     PMP check, raise an access-fault exception corresponding to the original access
     type." The update is a write to the PTE, checked as an S-mode access (3.7.2 "PMP
     and Paging"): with the table page readable but not writable for S-mode, a load or
     fetch through a PTE with A = 0, or a store through one with D = 0, raises an
     access fault (5, 1 or 7) with tval = the virtual address and leaves the PTE
     unchanged. QEMU 7.2 updates the PTE regardless of PMP. */
#include "priv.h"
#include "vm.h"

#define VA_DATA  0x40000000UL   /* R W, A D set */
#define VA_NOA   0x40001000UL   /* R W, A clear */
#define VA_NOD   0x40002000UL   /* R W, A set, D clear */
#define VA_XNOA  0x40003000UL   /* X, A clear */
#define PA_DATA  (VM_SCRATCH_PA + 0x0000)
#define PA_NOA   (VM_SCRATCH_PA + 0x1000)
#define PA_NOD   (VM_SCRATCH_PA + 0x2000)
#define PA_XNOA  (VM_SCRATCH_PA + 0x3000)
#define MARK_DATA 0x0da7a00000000001UL
#define MARK_NOA  0x0000a00000000002UL
#define MARK_NOD  0x0000d00000000003UL

int main(void) {
  priv_init();
  *(volatile uint64_t *)PA_DATA = MARK_DATA;
  *(volatile uint64_t *)PA_NOA = MARK_NOA;
  *(volatile uint64_t *)PA_NOD = MARK_NOD;
  vm_put_code(PA_XNOA);
  vm_reset();
  vm_map_identity(0);
  vm_map(VA_DATA, PA_DATA, PAGE_4K, PTE_R | PTE_W | PTE_A | PTE_D);
  volatile uint64_t *pte_noa = vm_map(VA_NOA, PA_NOA, PAGE_4K, PTE_R | PTE_W);
  volatile uint64_t *pte_nod = vm_map(VA_NOD, PA_NOD, PAGE_4K, PTE_R | PTE_W | PTE_A);
  volatile uint64_t *pte_xnoa = vm_map(VA_XNOA, PA_XNOA, PAGE_4K, PTE_X);
  uint64_t l0_page = vm_pte_pa(*vm_slot(VA_DATA, 1));
  uint64_t noa = *pte_noa, nod = *pte_nod, xnoa = *pte_xnoa;
  vm_enable(0);

  puts_("an AMO through a table page S-mode may not read\n");
  vm_pmp_page(l0_page, 0);
  vm_expect_fault("amoadd through denied table", vm_try(MODE_S, vm_amoadd, VA_DATA), CAUSE_STORE_ACCESS, VA_DATA);
  vm_expect_fault("amoadd through denied table, next doubleword", vm_try(MODE_S, vm_amoadd, VA_DATA + 8), CAUSE_STORE_ACCESS, VA_DATA + 8);
  check("data unchanged", *(volatile uint64_t *)PA_DATA, MARK_DATA);

  puts_("A and D updates to a table page S-mode may read but not write\n");
  vm_pmp_page(l0_page, PMP_R);
  vm_expect_ok("ld with A and D set", vm_try(MODE_S, vm_ld, VA_DATA), MARK_DATA);
  vm_expect_fault("ld with A clear", vm_try(MODE_S, vm_ld, VA_NOA), CAUSE_LOAD_ACCESS, VA_NOA);
  vm_expect_fault("sd with A clear", vm_try(MODE_S, vm_sd, VA_NOA + 8), CAUSE_STORE_ACCESS, VA_NOA + 8);
  vm_expect_ok("ld with D clear", vm_try(MODE_S, vm_ld, VA_NOD), MARK_NOD);
  vm_expect_fault("sd with D clear", vm_try(MODE_S, vm_sd, VA_NOD + 8), CAUSE_STORE_ACCESS, VA_NOD + 8);
  vm_expect_fault("fetch with A clear", vm_try(MODE_S, vm_call, VA_XNOA), CAUSE_FETCH_ACCESS, VA_XNOA);
  check("PTE with A clear unchanged", *pte_noa, noa);
  check("PTE with D clear unchanged", *pte_nod, nod);
  check("code PTE with A clear unchanged", *pte_xnoa, xnoa);
  check("nothing stored", *(volatile uint64_t *)(PA_NOA + 8) | *(volatile uint64_t *)(PA_NOD + 8), 0);

  puts_("with write permission the updates happen\n");
  vm_pmp_page(l0_page, PMP_R | PMP_W);
  vm_expect_ok("ld with A clear", vm_try(MODE_S, vm_ld, VA_NOA), MARK_NOA);
  check("A set", *pte_noa & (PTE_A | PTE_D), PTE_A);
  vm_expect_ok("sd with D clear", vm_try(MODE_S, vm_sd, VA_NOD + 8), ~0UL);
  check("D set", *pte_nod & (PTE_A | PTE_D), PTE_A | PTE_D);
  vm_expect_ok("fetch with A clear", vm_try(MODE_S, vm_call, VA_XNOA), 42);
  check("code A set", *pte_xnoa & PTE_A, PTE_A);
  vm_pmp_off();
  vm_disable();
  return vm_finish("pmp_walk_qemu_skip");
}
