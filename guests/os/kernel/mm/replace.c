/* Page replacement (MOS 4th ed. 3.4 "Page Replacement Algorithms": 3.4.1 optimal,
   3.4.2 not recently used, 3.4.3 FIFO, 3.4.4 second chance, 3.4.5 clock, 3.4.7 aging;
   3.5.1 local allocation: each process replaces among its own frames=N frames).

   The R and M bits of the book are the A and D bits the hardware sets in the PTEs.
   Clearing A needs an sfence.vma of the page, or the TLB would keep using its old copy
   and the hardware would never set A again. The "clock tick" of NRU and aging is the
   timer interrupt ending a time slice, or, for the reference-string replayer, its
   explicit tick system call (so a host-side oracle sees the same ticks).

   Exact rules, mirrored by tools/os-oracle.py:
   - slots fill in order; a victim's slot receives the new page (seq = load order);
   - FIFO evicts slot `hand` and advances it; clock does the same but first gives every
     page with A set a second chance (clears A, advances);
   - NRU evicts the lowest class 2*A + D, aging the smallest (A << 8 | counter), OPT the
     page whose next use in the recorded string is farthest (or never); ties go to the
     lowest seq (the page loaded first). */
#include "../kernel.h"

const char *policy_name(enum policy pol) {
  switch (pol) {
  case POL_FIFO: return "fifo";
  case POL_CLOCK: return "clock";
  case POL_AGING: return "aging";
  case POL_NRU: return "nru";
  case POL_OPT: return "opt";
  }
  return "?";
}

static u64 *slot_pte(struct proc *p, int i) {
  u64 *pte = paging_walk(p->root, p->slots[i].va, 0, p);
  if (!pte || !(*pte & PTE_V)) panic("resident page without a mapping");
  return pte;
}

static u64 read_user_u64(struct proc *p, u64 va, int *ok) {
  u64 pa;
  if ((va & 7) || paging_user_pa(p, va, 0, &pa) != 0) { *ok = 0; return 0; }
  return *(volatile u64 *)pa;
}

static int choose_opt(struct proc *p) {
  int ok = 1;
  u64 idx = read_user_u64(p, p->opt_idx_va, &ok);
  int best = -1;
  u64 best_next = 0;
  for (int i = 0; i < p->nslots && ok; i++) {
    u64 page = (p->slots[i].va - p->opt_base_va) / PAGE, next = ~0UL;
    for (u64 j = idx + 1; j < p->opt_nrefs; j++) {
      u64 r = read_user_u64(p, p->opt_refs_va + 8 * j, &ok);
      if (!ok) break;
      if ((r & 0xffffffff) == page) { next = j; break; }
    }
    if (best < 0 || next > best_next || (next == best_next && p->slots[i].seq < p->slots[best].seq)) {
      best = i;
      best_next = next;
    }
  }
  return ok && best >= 0 ? best : -1;
}

int replace_choose(struct proc *p) {
  int n = p->nslots, best = -1;
  u64 best_key = 0;
  switch (cfg.policy) {
  case POL_OPT:
    if (p->opt_nrefs) {
      best = choose_opt(p);
      if (best >= 0) return best;
    }
    /* no recorded string: FIFO */
    /* fall through */
  case POL_FIFO: {
    int i = p->hand;
    p->hand = (p->hand + 1) % n;
    return i;
  }
  case POL_CLOCK:
    for (;;) {
      u64 *pte = slot_pte(p, p->hand);
      if (*pte & PTE_A) {
        *pte &= ~PTE_A;
        paging_flush_va(p, p->slots[p->hand].va);
        p->hand = (p->hand + 1) % n;
        continue;
      }
      int i = p->hand;
      p->hand = (p->hand + 1) % n;
      return i;
    }
  case POL_NRU:
  case POL_AGING:
    for (int i = 0; i < n; i++) {
      u64 pte = *slot_pte(p, i);
      u64 key = cfg.policy == POL_NRU ? ((pte & PTE_A) ? 2 : 0) + ((pte & PTE_D) ? 1 : 0)
                                      : ((pte & PTE_A) ? 256 : 0) + p->slots[i].age;
      if (best < 0 || key < best_key || (key == best_key && p->slots[i].seq < p->slots[best].seq)) {
        best = i;
        best_key = key;
      }
    }
    return best;
  }
  return 0;
}

/* A clock tick: aging shifts A into each counter; both aging and NRU clear A. */
void replace_tick(struct proc *p) {
  if (cfg.policy != POL_AGING && cfg.policy != POL_NRU) return;
  int changed = 0;
  for (int i = 0; i < p->nslots; i++) {
    u64 *pte = slot_pte(p, i);
    int referenced = (*pte & PTE_A) != 0;
    if (cfg.policy == POL_AGING) p->slots[i].age = (u8)((p->slots[i].age >> 1) | (referenced ? 0x80 : 0));
    if (referenced) { *pte &= ~PTE_A; changed = 1; }
  }
  if (changed) {
    asm volatile("sfence.vma zero, %0" :: "r"((p->satp >> 44) & 0xffff) : "memory");
    p->tlb_gen++;
    cpus[hartid()].seen_gen[p - procs] = p->tlb_gen;
  }
}
