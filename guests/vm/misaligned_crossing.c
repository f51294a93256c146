/* Misaligned loads and stores that cross a page boundary under Sv39: each page is
   translated on its own, so the access faults when either page does, with stval =
   "the virtual address of the portion of the access that caused the fault"
   (privileged spec 4.1.9): the first address on the faulting page, which is the
   access's own address when the first page faults and the page boundary when the
   second does. A faulting store writes nothing on either page. */
#include "priv.h"
#include "vm.h"

/* Test pages 0-4 onto scratch pages 0-4: VM_TEST_VA + 0x0000 RW, + 0x1000 unmapped,
   + 0x2000 R, + 0x3000 RW, + 0x4000 R. */

static uint64_t word_at(uint64_t pa) { return *(volatile uint64_t *)pa; }

int main(void) {
  priv_init();
  vm_reset();
  vm_map_identity(0);
  for (int n = 0; n < 5; n++) {
    for (int i = 0; i < 512; i++) ((volatile uint64_t *)vm_test_pa(n))[i] = 0x1111111111111111UL * (uint64_t)(n + 1);
  }
  vm_map(vm_test_va(0), vm_test_pa(0), PAGE_4K, PTE_R | PTE_W | PTE_A | PTE_D);
  vm_map(vm_test_va(2), vm_test_pa(2), PAGE_4K, PTE_R | PTE_A | PTE_D);
  vm_map(vm_test_va(3), vm_test_pa(3), PAGE_4K, PTE_R | PTE_W | PTE_A | PTE_D);
  vm_map(vm_test_va(4), vm_test_pa(4), PAGE_4K, PTE_R | PTE_A | PTE_D);
  vm_enable(0);

  puts_("loads across a page boundary\n");
  vm_expect_ok("ld from R into RW", vm_try(MODE_S, vm_ld, VM_TEST_VA + 0x2ffc), 0x4444444433333333UL);
  vm_expect_fault("ld into an unmapped page", vm_try(MODE_S, vm_ld, VM_TEST_VA + 0xffc), CAUSE_LOAD_PAGE, VM_TEST_VA + 0x1000);
  vm_expect_fault("lw into an unmapped page", vm_try(MODE_S, vm_lw, VM_TEST_VA + 0xffe), CAUSE_LOAD_PAGE, VM_TEST_VA + 0x1000);
  vm_expect_fault("ld from an unmapped page", vm_try(MODE_S, vm_ld, VM_TEST_VA + 0x1ffc), CAUSE_LOAD_PAGE, VM_TEST_VA + 0x1ffc);

  puts_("stores across a page boundary\n");
  vm_expect_fault("sd into an unmapped page", vm_try(MODE_S, vm_sd, VM_TEST_VA + 0xffc), CAUSE_STORE_PAGE, VM_TEST_VA + 0x1000);
  check("first page unchanged", word_at(vm_test_pa(0) + 0xff8), 0x1111111111111111UL);
  vm_expect_fault("sw into a read-only page", vm_try(MODE_S, vm_sw, VM_TEST_VA + 0x3ffe), CAUSE_STORE_PAGE, VM_TEST_VA + 0x4000);
  check("writable page unchanged", word_at(vm_test_pa(3) + 0xff8), 0x4444444444444444UL);
  check("read-only page unchanged", word_at(vm_test_pa(4)), 0x5555555555555555UL);
  vm_expect_fault("sd from a read-only page", vm_try(MODE_S, vm_sd, VM_TEST_VA + 0x2ffc), CAUSE_STORE_PAGE, VM_TEST_VA + 0x2ffc);
  check("next page unchanged", word_at(vm_test_pa(3)), 0x4444444444444444UL);
  vm_expect_ok("sd within a writable page", vm_try(MODE_S, vm_sd, VM_TEST_VA + 0x3ff4), ~0UL);
  check("stored", word_at(vm_test_pa(3) + 0xff0) >> 32 | word_at(vm_test_pa(3) + 0xff8) << 32, vm_sd_value);
  return vm_finish("misaligned_crossing");
}
