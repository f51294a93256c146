/* A kernel that changes a leaf PTE and forgets the sfence.vma (privileged spec 4.2.1:
   until an sfence.vma covers the change, the hart may go on using the old translation).

   S-mode loads through VA_P (the translation enters the TLB), repoints VA_P's PTE at
   another page, loads again with no fence, then fences and loads once more. The load
   before the fence may see either page (both are allowed), so only the loads before the
   change and after the fence are checked. Run with `--check-tlb`, Pagoda reports the
   load at `stale_tlb_use` as a use of a stale entry changed by the store at
   `stale_tlb_pte_store`. stale_tlb_fenced.c is the same program with the fence in its
   place, on which the checker stays silent. */
#include "priv.h"
#include "vm.h"

#ifndef STALE_TLB_FENCED
#define STALE_TLB_FENCED 0
#endif

#define VA_P 0x40000000UL
#define PAGE_A VM_SCRATCH_PA
#define PAGE_B (VM_SCRATCH_PA + PAGE_4K)
#define MARK_A 0xaaaa0000aaaa0000UL
#define MARK_B 0xbbbb0000bbbb0000UL
#define DATA_FLAGS (PTE_R | PTE_W | PTE_A | PTE_D)

static uint64_t *pte_p;
static volatile uint64_t out[3];

static uint64_t s_remap(uint64_t unused) {
  (void)unused;
  out[0] = *(volatile uint64_t *)VA_P;
  uint64_t v = vm_pte_value(PAGE_B, DATA_FLAGS), use;
  asm volatile(".globl stale_tlb_pte_store\nstale_tlb_pte_store: sd %0, 0(%1)" :: "r"(v), "r"(pte_p) : "memory");
  if (STALE_TLB_FENCED) asm volatile("sfence.vma" ::: "memory");
  asm volatile(".globl stale_tlb_use\nstale_tlb_use: ld %0, 0(%1)" : "=r"(use) : "r"(VA_P) : "memory");
  out[1] = use;
  asm volatile("sfence.vma" ::: "memory");
  out[2] = *(volatile uint64_t *)VA_P;
  return 0;
}

int main(void) {
  priv_init();
  *(volatile uint64_t *)PAGE_A = MARK_A;
  *(volatile uint64_t *)PAGE_B = MARK_B;
  vm_reset();
  vm_map_identity(0);
  pte_p = vm_map(VA_P, PAGE_A, PAGE_4K, DATA_FLAGS);
  vm_enable(1);
  trap_reset();
  priv_run(MODE_S, s_remap, 0);
  check("no trap", trap_count, 0);
  check("load before the change sees page A", out[0], MARK_A);
  if (STALE_TLB_FENCED) check("load after the fence sees page B", out[1], MARK_B);
  else check("load before the fence sees page A or B", out[1] == MARK_A || out[1] == MARK_B, 1);
  check("load after the last fence sees page B", out[2], MARK_B);
  vm_disable();
  return vm_finish(STALE_TLB_FENCED ? "stale_tlb_fenced" : "stale_tlb");
}
