/* The program tools/gdb-test.sh debugs: M-mode builds Sv39 page tables (the first 2 MiB
   of RAM in 4 KiB pages, the rest of the first 64 MiB in 2 MiB pages, the devices in a
   1 GiB page, all identity-mapped), then runs a loop in S-mode with translation on that
   calls gdb_tick(), which writes the global gdb_counter: a function to break on, a
   variable to watch, and TLB entries and page walks for `monitor tlb` and
   `monitor translate` to show. */
#include "priv.h"

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define LEAF (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define SATP_SV39 (8UL << 60)
#define TICKS 200

static uint64_t root_table[512] __attribute__((aligned(4096)));
static uint64_t mid_table[512] __attribute__((aligned(4096)));
static uint64_t leaf_table[512] __attribute__((aligned(4096)));

volatile uint64_t gdb_counter;

static uint64_t pte_for(uint64_t physical, uint64_t flags) { return (physical >> 12) << 10 | flags; }

__attribute__((noinline)) uint64_t gdb_tick(uint64_t n) {
  gdb_counter = n;
  return 3 * n + 1;
}

static uint64_t ticks_in_s_mode(uint64_t count) {
  uint64_t total = 0;
  for (uint64_t i = 1; i <= count; i++) total += gdb_tick(i);
  return total;
}

static void map_identity(void) {
  const uint64_t ram = 0x80000000UL;
  root_table[0] = pte_for(0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D); /* devices: 1 GiB page */
  root_table[2] = pte_for((uint64_t)mid_table, PTE_V);
  mid_table[0] = pte_for((uint64_t)leaf_table, PTE_V);
  for (uint64_t i = 0; i < 512; i++) leaf_table[i] = pte_for(ram + i * 4096, LEAF);
  for (uint64_t i = 1; i < 32; i++) mid_table[i] = pte_for(ram + i * (2UL << 20), LEAF);
  CSR_WRITE(satp, SATP_SV39 | ((uint64_t)root_table >> 12));
  asm volatile("sfence.vma" ::: "memory");
}

int main(void) {
  priv_init();
  map_identity();
  uint64_t total = priv_run(MODE_S, ticks_in_s_mode, TICKS);
  check("sum of 3n+1 for n = 1..200", total, 3 * TICKS * (TICKS + 1) / 2 + TICKS);
  check("gdb_counter after the loop", gdb_counter, TICKS);
  return finish("gdb_target");
}
