/* Translation costs attributed to address spaces (`pagoda run --attribute`): the same
   S-mode function touches 3 fresh 4 KiB pages in address space 1 and 5 in address space
   2, through one load instruction (`attribution_load`). Each touch misses the DTLB and
   walks the three levels of the Sv39 table, so that pc has 3 misses and 3 walks (9 PTE
   reads) under ASID 1 and 5 misses and 5 walks (15 PTE reads) under ASID 2. Then one
   load from an unmapped page of address space 2 faults, at `attribution_fault`. */
#include "priv.h"
#include "vm.h"

#define VA_BASE 0x40000000UL
#define DATA_FLAGS (PTE_R | PTE_W | PTE_A | PTE_D)

static uint64_t satp_of[3];

/* S-mode: switch to address space `arg & 3` and load from `arg >> 2` pages. */
static uint64_t s_touch(uint64_t arg) {
  uint64_t space = arg & 3, pages = arg >> 2, sum = 0;
  asm volatile("csrw satp, %0" :: "r"(satp_of[space]) : "memory");
  for (uint64_t i = 0; i < pages; i++) {
    uint64_t v, va = VA_BASE + i * PAGE_4K;
    asm volatile(".globl attribution_load\nattribution_load: ld %0, 0(%1)" : "=r"(v) : "r"(va) : "memory");
    sum += v;
  }
  return sum;
}

static uint64_t s_fault(uint64_t va) {
  uint64_t v = 0;
  asm volatile("csrw satp, %0" :: "r"(satp_of[2]) : "memory");
  asm volatile(".globl attribution_fault\nattribution_fault: ld %0, 0(%1)" : "+r"(v) : "r"(va) : "memory");
  return v;
}

int main(void) {
  priv_init();
  for (uint64_t space = 1; space <= 2; space++) {
    if (space == 1) vm_reset(); else vm_root = vm_new_table();
    vm_map_identity(0);
    for (int i = 0; i < 5; i++) {
      uint64_t pa = VM_SCRATCH_PA + ((space - 1) * 8 + i) * PAGE_4K;
      *(volatile uint64_t *)pa = space * 100 + i;
      vm_map(VA_BASE + i * PAGE_4K, pa, PAGE_4K, DATA_FLAGS);
    }
    satp_of[space] = SATP(SATP_MODE_SV39, space, (uint64_t)vm_root);
  }
  CSR_WRITE(satp, satp_of[1]);
  vm_sfence();
  trap_reset();
  check("ASID 1 sum", priv_run(MODE_S, s_touch, 1 | 3 << 2), 100 + 101 + 102);
  check("ASID 2 sum", priv_run(MODE_S, s_touch, 2 | 5 << 2), 200 + 201 + 202 + 203 + 204);
  check("no trap", trap_count, 0);
  priv_run(MODE_S, s_fault, VA_BASE + 100 * PAGE_4K);
  check("one fault", trap_count, 1);
  check("load page fault", trap_at(0)->cause, CAUSE_LOAD_PAGE);
  vm_disable();
  return vm_finish("attribution");
}
