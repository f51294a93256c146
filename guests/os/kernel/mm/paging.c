/* Paging (MOS 4th ed. 3.3 "Virtual Memory": 3.3.1 paging, 3.3.2 page tables, 3.3.4
   multilevel page tables; 3.6.1 "OS Involvement with Paging"; 3.6.2 "Page Fault
   Handling"; 3.5.5 "Shared Pages", copy-on-write).

   Sv39, one page table per process, its root in satp with the process's ASID (its pid,
   never reused), so a context switch needs no TLB flush. Every table maps the kernel's
   RAM identically (a global gigapage without U), so traps reach the kernel's code.

   Demand paging: a new process has nothing mapped. A fault on
   - the stack or the program image (text read-only and executable, data and bss
     writable) loads the page from the image or zero-fills it; these pages are pinned;
   - the brk heap or an mmap region zero-fills the page, or reads it back from swap:
     these pages are the process's resident set, at most frames=N of them, and when it
     is full mm/replace.c picks a victim. A clean victim is dropped (its swap copy, if it
     has one, is still valid); a dirty one (D set by the hardware) is written to swap.
   Anything else is a fatal fault for the process: null pointer, outside every segment,
   a write to a read-only page. */
#include "../kernel.h"

u64 kernel_satp;
static u64 *kernel_root;
u64 pbmt_io;      /* PTE bits for device mappings: PBMT=IO when the hart has Svpbmt */

static u64 leaf(u64 pa, u64 flags) { return ((pa >> 12) << 10) | flags | PTE_V; }

void paging_init(void) {
  kernel_root = frame_alloc();
  u64 *dev = frame_alloc();
  kernel_root[2] = leaf(0x80000000UL, PTE_R | PTE_W | PTE_X | PTE_G | PTE_A | PTE_D);
  kernel_root[0] = (((u64)dev >> 12) << 10) | PTE_V;
  /* Devices as 2 MiB pages: test device and mailbox, the CLINT, the UART and virtio. */
  u64 io = PTE_R | PTE_W | PTE_A | PTE_D | pbmt_io;
  dev[0] = leaf(0, io);
  dev[CLINT_BASE >> 21] = leaf(CLINT_BASE, io);
  dev[UART_BASE >> 21] = leaf(UART_BASE, io);
  kernel_satp = (8UL << 60) | ((u64)kernel_root >> 12);
}

u64 *paging_walk(u64 *root, u64 va, int alloc, struct proc *p) {
  u64 *t = root;
  for (int level = 2; level > 0; level--) {
    u64 *pte = &t[(va >> (12 + 9 * level)) & 511];
    if (*pte & PTE_V) {
      if (*pte & (PTE_R | PTE_X)) return 0;     /* a large leaf: not a user page */
      t = (u64 *)(PTE_PPN(*pte) << 12);
    } else {
      if (!alloc) return 0;
      u64 *n = frame_alloc();
      if (!n) return 0;
      if (p) p->st.table_pages++;
      *pte = (((u64)n >> 12) << 10) | PTE_V;
      t = n;
    }
  }
  return &t[(va >> 12) & 511];
}

int paging_new_space(struct proc *p) {
  p->root = frame_alloc();
  if (!p->root) return -1;
  p->st.table_pages = 1;
  p->root[2] = kernel_root[2];
  p->satp = (8UL << 60) | ((u64)(p->pid & 0xffff) << 44) | ((u64)p->root >> 12);
  return 0;
}

static u64 asid_of(struct proc *p) { return (p->satp >> 44) & 0xffff; }

/* After changing one of p's PTEs: flush it here, and make every other hart flush p's
   ASID before it next runs p (trap.c, enter_user). */
void paging_flush_va(struct proc *p, u64 va) {
  asm volatile("sfence.vma %0, %1" :: "r"(va), "r"(asid_of(p)) : "memory");
  p->tlb_gen++;
  cpus[hartid()].seen_gen[p - procs] = p->tlb_gen;
}

static int in_pageable(struct proc *p, u64 va) {
  if (va >= p->heap_start && va < ((p->brk + PAGE - 1) & ~(PAGE - 1))) return 1;
  for (int i = 0; i < MAX_MAPS; i++)
    if (p->maps[i].end && va >= p->maps[i].start && va < p->maps[i].end) return 1;
  return 0;
}

static u64 pa_of(u64 pte) { return PTE_PPN(pte) << 12; }

static void add_pinned(struct proc *p) {
  p->st.pinned++;
}

/* A page of the resident set (the heap and mmap regions). */
static const char *load_pageable(struct proc *p, u64 page) {
  u64 *pte = paging_walk(p->root, page, 1, p);
  if (!pte) return "out of memory for page tables";
  int i;
  if (p->nslots < cfg.frames) i = p->nslots++;
  else {
    i = replace_choose(p);
    struct frame_slot *s = &p->slots[i];
    u64 *vpte = paging_walk(p->root, s->va, 0, p);
    if (!vpte || !(*vpte & PTE_V)) panic("resident page without a mapping");
    void *frame = (void *)pa_of(*vpte);
    u64 t0 = rdcycle();
    /* Dirty (or still shared with a fork relative: its copy must survive) -> swap. */
    if ((*vpte & PTE_D) || frame_refs(frame) > 1) {
      if (!s->swap) s->swap = swap_alloc() + 1;
      swap_write(s->swap - 1, frame);
      p->st.swap_out++;
    } else p->st.dropped_clean++;
    p->st.io_cycles += rdcycle() - t0;
    p->st.evictions++;
    *vpte = s->swap ? ((s->swap - 1) << 10) | PTE_SWAP : 0;
    frame_free(frame);
    paging_flush_va(p, s->va);
    p->st.frames_held--;
  }
  void *f = frame_alloc();
  if (!f) return "out of physical memory";
  u64 swap = 0;
  if (*pte & PTE_SWAP) {
    swap = PTE_PPN(*pte) + 1;
    u64 t0 = rdcycle();
    swap_read(swap - 1, f);
    p->st.io_cycles += rdcycle() - t0;
    p->st.faults_swapin++;
  } else p->st.faults_zero++;
  *pte = leaf((u64)f, PTE_R | PTE_W | PTE_U);
  paging_flush_va(p, page);
  struct frame_slot *s = &p->slots[i];
  s->va = page;
  s->seq = p->seq++;
  s->swap = swap;
  s->age = 0;
  p->st.frames_held++;
  if (p->st.frames_held > p->st.frames_peak) p->st.frames_peak = p->st.frames_held;
  return 0;
}

/* A write to a copy-on-write page: copy it unless this process is its last user. */
static const char *cow_fault(struct proc *p, u64 *pte, u64 page) {
  void *old = (void *)pa_of(*pte);
  u64 flags = (*pte & 0x3ff & ~PTE_COW) | PTE_W;
  if (frame_refs(old) == 1) {
    *pte = leaf((u64)old, flags);
  } else {
    void *f = frame_alloc();
    if (!f) return "out of physical memory";
    memcpy(f, old, PAGE);
    frame_free(old);
    *pte = leaf((u64)f, flags);
  }
  p->st.faults_cow++;
  paging_flush_va(p, page);
  return 0;
}

/* Makes va accessible for `cause` (12 fetch, 13 load, 15 store), or says why not. */
static const char *fault_in(struct proc *p, u64 va, u64 cause) {
  u64 page = va & ~(PAGE - 1);
  if (va < USER_STACK_BOTTOM) return "null pointer dereference";
  if (va >= MMAP_END) return "segmentation fault (address outside the address space)";
  u64 *pte = paging_walk(p->root, va, 0, p);
  if (pte && (*pte & PTE_V)) {
    if (cause == 15 && (*pte & PTE_COW)) return cow_fault(p, pte, page);
    if (cause == 15 && !(*pte & PTE_W)) return "write to a read-only page";
    if (cause == 12 && !(*pte & PTE_X)) return "execute from a non-executable page";
    return 0;    /* already there (another path mapped it) */
  }
  const struct image_header *h = p->hdr;
  u64 image_end = (h->bss_end + PAGE - 1) & ~(PAGE - 1);
  if (page >= USER_STACK_BOTTOM && page < USER_IMAGE) {
    pte = paging_walk(p->root, page, 1, p);
    void *f = frame_alloc();
    if (!pte || !f) return "out of physical memory";
    *pte = leaf((u64)f, PTE_R | PTE_W | PTE_U);
    p->st.faults_stack++;
    add_pinned(p);
    paging_flush_va(p, page);
    return 0;
  }
  if (page >= USER_IMAGE && page < image_end) {
    pte = paging_walk(p->root, page, 1, p);
    void *f = frame_alloc();
    if (!pte || !f) return "out of physical memory";
    u64 off = page - USER_IMAGE, file = (u64)(p->prog->end - p->prog->start);
    if (off < file) memcpy(f, p->prog->start + off, file - off < PAGE ? file - off : PAGE);
    u64 flags = page < h->text_end ? (PTE_R | PTE_X | PTE_U) : (PTE_R | PTE_W | PTE_U);
    *pte = leaf((u64)f, flags);
    p->st.faults_image++;
    add_pinned(p);
    paging_flush_va(p, page);
    return 0;
  }
  if (in_pageable(p, page)) {
    if (cause == 12) return "execute from a non-executable page";
    return load_pageable(p, page);
  }
  return "segmentation fault (address outside every segment)";
}

int paging_fault(struct proc *p, u64 va, u64 cause) {
  const char *why = fault_in(p, va, cause);
  if (!why) return 0;
  proc_kill(p, why, va);
  return -1;
}

/* The physical address of user va, bringing the page in if needed; -1 if p may not
   access it. The kernel's own accesses set A (and D) as the hardware would. */
int paging_user_pa(struct proc *p, u64 va, int write, u64 *pa) {
  for (int tries = 0; tries < 2; tries++) {
    u64 *pte = paging_walk(p->root, va, 0, p);
    if (pte && (*pte & PTE_V) && (*pte & PTE_U) && (!write || (*pte & PTE_W))) {
      *pte |= PTE_A | (write ? PTE_D : 0);
      *pa = pa_of(*pte) | (va & (PAGE - 1));
      return 0;
    }
    if (fault_in(p, va, write ? 15 : 13)) return -1;
  }
  return -1;
}

static void drop_slot(struct proc *p, int i) {
  if (p->slots[i].swap) swap_free(p->slots[i].swap - 1);
  for (int j = i; j + 1 < p->nslots; j++) p->slots[j] = p->slots[j + 1];
  p->nslots--;
  if (i < p->hand) p->hand--;
  if (p->hand >= p->nslots) p->hand = 0;
  p->st.frames_held--;
}

/* Removes [start, end) from p's address space (munmap, a shrinking brk). */
void paging_unmap_range(struct proc *p, u64 start, u64 end) {
  for (u64 va = start; va < end; va += PAGE) {
    u64 *pte = paging_walk(p->root, va, 0, p);
    if (!pte || !*pte) continue;
    if (*pte & PTE_V) {
      frame_free((void *)pa_of(*pte));
      for (int i = 0; i < p->nslots; i++) if (p->slots[i].va == va) { drop_slot(p, i); break; }
    } else if (*pte & PTE_SWAP) swap_free(PTE_PPN(*pte));
    *pte = 0;
    paging_flush_va(p, va);
  }
}

void paging_free_space(struct proc *p) {
  if (!p->root) return;
  for (int i = 0; i < p->nslots; i++) if (p->slots[i].swap) swap_free(p->slots[i].swap - 1);
  p->nslots = 0;
  u64 *l1 = p->root[0] & PTE_V ? (u64 *)pa_of(p->root[0]) : 0;
  for (int a = 0; l1 && a < 512; a++) {
    if (!(l1[a] & PTE_V)) continue;
    u64 *l0 = (u64 *)pa_of(l1[a]);
    for (int b = 0; b < 512; b++) {
      if (l0[b] & PTE_V) frame_free((void *)pa_of(l0[b]));
      else if (l0[b] & PTE_SWAP) swap_free(PTE_PPN(l0[b]));
    }
    frame_free(l0);
  }
  if (l1) frame_free(l1);
  frame_free(p->root);
  p->root = 0;
}

/* fork: the child shares every frame; writable pages become copy-on-write in both.
   Pages in swap are copied to a swap slot of the child's own. */
int paging_fork(struct proc *parent, struct proc *child) {
  if (paging_new_space(child) != 0) return -1;
  u64 *pl1 = parent->root[0] & PTE_V ? (u64 *)pa_of(parent->root[0]) : 0;
  for (int a = 0; pl1 && a < 512; a++) {
    if (!(pl1[a] & PTE_V)) continue;
    u64 *pl0 = (u64 *)pa_of(pl1[a]);
    for (int b = 0; b < 512; b++) {
      u64 pte = pl0[b];
      if (!pte) continue;
      u64 va = ((u64)a << 21) | ((u64)b << 12);
      u64 *cpte = paging_walk(child->root, va, 1, child);
      if (!cpte) return -1;
      if (pte & PTE_V) {
        if (pte & (PTE_W | PTE_COW)) pte = (pte & ~PTE_W) | PTE_COW;
        pl0[b] = pte;
        frame_share((void *)pa_of(pte));
        /* The child's copy has no swap copy of its own: mark it dirty so that evicting
           it writes it out rather than dropping it. */
        *cpte = pte | (in_pageable(child, va) ? PTE_D | PTE_A : 0);
      } else if (pte & PTE_SWAP) {
        void *tmp = frame_alloc();
        if (!tmp) return -1;
        u64 slot = swap_alloc();
        swap_read(PTE_PPN(pte), tmp);
        swap_write(slot, tmp);
        frame_free(tmp);
        *cpte = (slot << 10) | PTE_SWAP;
      }
    }
  }
  for (int i = 0; i < child->nslots; i++) child->slots[i].swap = 0;
  child->st.frames_held = (u64)child->nslots;
  child->st.frames_peak = child->st.frames_held;
  asm volatile("sfence.vma zero, %0" :: "r"(asid_of(parent)) : "memory");
  parent->tlb_gen++;
  cpus[hartid()].seen_gen[parent - procs] = parent->tlb_gen;
  return 0;
}
