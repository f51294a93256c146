/* A translated workload for measuring the cost of translation bookkeeping (`--attribute`,
   `--check-tlb`): S-mode sums a word from each of 64 pages (twice the default DTLB), in
   two address spaces taking turns, for 20000 rounds: about 5 million instructions, with
   a DTLB miss and a three-level walk on most loads. */
#include "priv.h"
#include "vm.h"

#define VA_BASE 0x40000000UL
#define PAGES 64
#define ROUNDS 20000

static uint64_t satp_of[2];

static uint64_t s_work(uint64_t rounds) {
  uint64_t sum = 0;
  for (uint64_t r = 0; r < rounds; r++) {
    asm volatile("csrw satp, %0" :: "r"(satp_of[r & 1]) : "memory");
    for (uint64_t i = 0; i < PAGES; i++) sum += *(volatile uint64_t *)(VA_BASE + i * PAGE_4K);
  }
  return sum;
}

int main(void) {
  priv_init();
  for (int space = 0; space < 2; space++) {
    if (space == 0) vm_reset(); else vm_root = vm_new_table();
    vm_map_identity(0);
    for (int i = 0; i < PAGES; i++) {
      uint64_t pa = VM_SCRATCH_PA + (uint64_t)(space * PAGES + i) * PAGE_4K;
      *(volatile uint64_t *)pa = (uint64_t)space + 1;
      vm_map(VA_BASE + (uint64_t)i * PAGE_4K, pa, PAGE_4K, PTE_R | PTE_W | PTE_A | PTE_D);
    }
    satp_of[space] = SATP(SATP_MODE_SV39, space + 1, (uint64_t)vm_root);
  }
  CSR_WRITE(satp, satp_of[0]);
  vm_sfence();
  trap_reset();
  check("sum", priv_run(MODE_S, s_work, ROUNDS), (uint64_t)ROUNDS / 2 * PAGES * 3);
  check("no trap", trap_count, 0);
  vm_disable();
  return vm_finish("sv39_walk_bench");
}
