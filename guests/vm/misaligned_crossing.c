/* Misaligned loads and stores that cross a page boundary under Sv39: each page is
   translated on its own, so the access faults when either page does, with stval =
   "the virtual address of the portion of the access that caused the fault"
   (privileged spec 4.1.9): the first address on the faulting page, which is the
   access's own address when the first page faults and the page boundary when the
   second does. A faulting store writes nothing on either page. */
#include "priv.h"
#include "vm.h"

#define VA 0x40000000UL
/* VA + 0x0000 RW, + 0x1000 unmapped, + 0x2000 R, + 0x3000 RW, + 0x4000 R */
#define PA(n) (VM_SCRATCH_PA + (n) * PAGE_4K)

static uint64_t op_lw(uint64_t va) {
  uint64_t v;
  asm volatile("li %0, 0\n lwu %0, 0(%1)" : "=&r"(v) : "r"(va) : "memory");
  return v;
}
static uint64_t op_sw(uint64_t va) {
  asm volatile("sw %0, 0(%1)" :: "r"(0x77777777UL), "r"(va) : "memory");
  return 0;
}

static uint64_t word_at(uint64_t pa) { return *(volatile uint64_t *)pa; }

int main(void) {
  priv_init();
  vm_reset();
  vm_map_identity(0);
  for (int n = 0; n < 5; n++) {
    for (int i = 0; i < 512; i++) ((volatile uint64_t *)PA(n))[i] = 0x1111111111111111UL * (uint64_t)(n + 1);
  }
  vm_map(VA, PA(0), PAGE_4K, PTE_R | PTE_W | PTE_A | PTE_D);
  vm_map(VA + 0x2000, PA(2), PAGE_4K, PTE_R | PTE_A | PTE_D);
  vm_map(VA + 0x3000, PA(3), PAGE_4K, PTE_R | PTE_W | PTE_A | PTE_D);
  vm_map(VA + 0x4000, PA(4), PAGE_4K, PTE_R | PTE_A | PTE_D);
  vm_enable(0);

  puts_("loads across a page boundary\n");
  vm_expect_ok("ld from R into RW", vm_try(MODE_S, vm_ld, VA + 0x2ffc), 0x4444444433333333UL);
  vm_expect_fault("ld into an unmapped page", vm_try(MODE_S, vm_ld, VA + 0xffc), CAUSE_LOAD_PAGE, VA + 0x1000);
  vm_expect_fault("lwu into an unmapped page", vm_try(MODE_S, op_lw, VA + 0xffe), CAUSE_LOAD_PAGE, VA + 0x1000);
  vm_expect_fault("ld from an unmapped page", vm_try(MODE_S, vm_ld, VA + 0x1ffc), CAUSE_LOAD_PAGE, VA + 0x1ffc);

  puts_("stores across a page boundary\n");
  vm_expect_fault("sd into an unmapped page", vm_try(MODE_S, vm_sd, VA + 0xffc), CAUSE_STORE_PAGE, VA + 0x1000);
  check("first page unchanged", word_at(PA(0) + 0xff8), 0x1111111111111111UL);
  vm_expect_fault("sw into a read-only page", vm_try(MODE_S, op_sw, VA + 0x3ffe), CAUSE_STORE_PAGE, VA + 0x4000);
  check("writable page unchanged", word_at(PA(3) + 0xff8), 0x4444444444444444UL);
  check("read-only page unchanged", word_at(PA(4)), 0x5555555555555555UL);
  vm_expect_fault("sd from a read-only page", vm_try(MODE_S, vm_sd, VA + 0x2ffc), CAUSE_STORE_PAGE, VA + 0x2ffc);
  check("next page unchanged", word_at(PA(3)), 0x4444444444444444UL);
  vm_expect_ok("sd within a writable page", vm_try(MODE_S, vm_sd, VA + 0x3ff4), ~0UL);
  check("stored", word_at(PA(3) + 0xff0) >> 32 | word_at(PA(3) + 0xff8) << 32, vm_sd_value);
  return finish("misaligned_crossing");
}
