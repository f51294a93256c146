/* Base/limit relocation with swapping (MOS 4th ed. 3.2 "A Memory Abstraction: Address
   Spaces": 3.2.1 base and limit registers, 3.2.2 swapping, 3.2.3 managing free memory
   with a list of holes, first fit and best fit).

   Each process is one contiguous segment of physical memory; its virtual address va is
   valid below the limit (sbound) and lives at sbase + va (Pagoda's satp.MODE 14).
   Free memory is a sorted list of holes; a new or growing segment takes the first hole
   that fits (fit=first) or the smallest (fit=best), and freed memory merges with its
   neighbours. When nothing fits, whole processes that are not running are written to
   swap (the one that ran least recently first) until it does; a swapped-out process is
   brought back, wherever a hole fits, before it runs again. A checksum of every
   segment taken before it goes out is compared when it comes back. */
#include "../kernel.h"

#define MAX_HOLES 64
#define MAX_SEG_PAGES 512
struct hole { u64 start, size; };
static struct hole holes[MAX_HOLES];
static int nholes;
static u64 region_start, region_size;
static u64 swap_slots[MAX_PROCS][MAX_SEG_PAGES];
static u64 whole_out, whole_in, checks_ok, moves, grow_in_place, self_swaps;
static u64 min_holes_seen = ~0UL, max_holes_seen;

void baselimit_init(void) {
  u64 pool = frames_pool_size();
  if (cfg.user_memory > pool / 2) cfg.user_memory = pool / 2;
  cfg.user_memory &= ~(PAGE - 1);
  frames_reserve_top(cfg.user_memory);
  region_start = (u64)frames_pool_base() + pool - cfg.user_memory;
  region_size = cfg.user_memory;
  holes[0].start = region_start;
  holes[0].size = region_size;
  nholes = 1;
  kprintf("[kernel] base/limit: %lu KiB for segments at %lx, %s fit\n", region_size >> 10, region_start,
          cfg.best_fit ? "best" : "first");
}

static void note_holes(void) {
  if ((u64)nholes > max_holes_seen) max_holes_seen = (u64)nholes;
}

/* Takes size bytes from a hole (first or best fit); 0 if none is big enough. */
static u64 hole_take(u64 size) {
  int pick = -1;
  for (int i = 0; i < nholes; i++) {
    if (holes[i].size < size) continue;
    if (pick < 0 || (cfg.best_fit && holes[i].size < holes[pick].size)) pick = i;
    if (!cfg.best_fit) break;
  }
  if (pick < 0) return 0;
  u64 start = holes[pick].start;
  holes[pick].start += size;
  holes[pick].size -= size;
  if (holes[pick].size == 0) {
    for (int j = pick; j + 1 < nholes; j++) holes[j] = holes[j + 1];
    nholes--;
  }
  note_holes();
  return start;
}

/* Returns [start, start+size) to the hole list, merging with its neighbours. */
static void hole_give(u64 start, u64 size) {
  int i = 0;
  while (i < nholes && holes[i].start < start) i++;
  if (nholes == MAX_HOLES) panic("hole list full");
  for (int j = nholes; j > i; j--) holes[j] = holes[j - 1];
  holes[i].start = start;
  holes[i].size = size;
  nholes++;
  if (i + 1 < nholes && holes[i].start + holes[i].size == holes[i + 1].start) {
    holes[i].size += holes[i + 1].size;
    for (int j = i + 1; j + 1 < nholes; j++) holes[j] = holes[j + 1];
    nholes--;
  }
  if (i > 0 && holes[i - 1].start + holes[i - 1].size == holes[i].start) {
    holes[i - 1].size += holes[i].size;
    for (int j = i; j + 1 < nholes; j++) holes[j] = holes[j + 1];
    nholes--;
  }
  note_holes();
}

/* Takes size bytes right after [start, start+old) if a hole begins there. */
static int hole_extend(u64 end, u64 more) {
  for (int i = 0; i < nholes; i++)
    if (holes[i].start == end && holes[i].size >= more) {
      holes[i].start += more;
      holes[i].size -= more;
      if (holes[i].size == 0) {
        for (int j = i; j + 1 < nholes; j++) holes[j] = holes[j + 1];
        nholes--;
      }
      return 1;
    }
  return 0;
}

static u64 checksum(const u8 *p, u64 n) {
  u64 h = 1469598103934665603UL;
  for (u64 i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211UL;
  return h;
}

static void swap_out_proc(struct proc *q) {
  u64 pages = q->size / PAGE, t0 = rdcycle();
  q->checksum = checksum((const u8 *)q->base, q->size);
  for (u64 i = 0; i < pages; i++) {
    u64 s = swap_alloc();
    swap_slots[q - procs][i] = s;
    swap_write(s, (const u8 *)q->base + i * PAGE);
  }
  hole_give(q->base, q->size);
  q->base = 0;
  q->swapped_out = 1;
  q->st.whole_swaps_out++;
  q->st.io_cycles += rdcycle() - t0;
  whole_out++;
  kprintf("[kernel] swapped out pid %d (%s): %lu KiB, checksum %lx\n", q->pid, q->name, q->size >> 10, q->checksum);
}

/* Makes room for size bytes by swapping out processes that are not running (never p). */
static u64 take_or_swap(u64 size, struct proc *p) {
  for (;;) {
    u64 a = hole_take(size);
    if (a) return a;
    struct proc *victim = 0;
    for (int i = 0; i < MAX_PROCS; i++) {
      struct proc *q = &procs[i];
      if (q == p || q->swapped_out || !q->size) continue;
      if (q->state != P_RUNNABLE && q->state != P_WAITING) continue;
      if (!victim || q->last_ran < victim->last_ran) victim = q;
    }
    if (!victim) return 0;
    swap_out_proc(victim);
  }
}

static u64 seg_size(struct proc *p) { return (p->brk + PAGE - 1) & ~(PAGE - 1); }

int baselimit_new_space(struct proc *p) {
  u64 size = seg_size(p);
  if (size / PAGE > MAX_SEG_PAGES || size > region_size) return -1;
  u64 base = take_or_swap(size, p);
  if (!base) return -1;
  p->base = base;
  p->size = size;
  memset((void *)base, 0, size);
  u64 file = (u64)(p->prog->end - p->prog->start);
  memcpy((u8 *)base + USER_IMAGE, p->prog->start, file);
  p->st.frames_held = size / PAGE;
  p->st.frames_peak = p->st.frames_held;
  return 0;
}

void baselimit_free_space(struct proc *p) {
  if (p->swapped_out) {
    for (u64 i = 0; i < p->size / PAGE; i++) swap_free(swap_slots[p - procs][i]);
  } else if (p->size) hole_give(p->base, p->size);
  p->size = 0;
  p->swapped_out = 0;
}

int baselimit_user_pa(struct proc *p, u64 va, u64 *pa) {
  if (p->swapped_out || va >= p->size) return -1;
  *pa = p->base + va;
  return 0;
}

/* Before p runs: bring it back from swap if it is there. */
int baselimit_prepare(struct proc *p) {
  if (!p->swapped_out) return 0;
  u64 size = p->grow_to > p->size ? p->grow_to : p->size;
  u64 base = take_or_swap(size, p);
  if (!base) return -1;
  u64 t0 = rdcycle();
  for (u64 i = 0; i < p->size / PAGE; i++) {
    u64 s = swap_slots[p - procs][i];
    swap_read(s, (u8 *)base + i * PAGE);
    swap_free(s);
  }
  p->base = base;
  p->swapped_out = 0;
  u64 sum = checksum((const u8 *)base, p->size);
  if (sum != p->checksum) panic("a swapped-in segment's checksum differs");
  if (size > p->size) {
    memset((u8 *)base + p->size, 0, size - p->size);
    p->size = size;
    p->st.frames_held = size / PAGE;
    if (p->st.frames_held > p->st.frames_peak) p->st.frames_peak = p->st.frames_held;
  }
  p->grow_to = 0;
  checks_ok++;
  p->st.whole_swaps_in++;
  p->st.io_cycles += rdcycle() - t0;
  whole_in++;
  kprintf("[kernel] swapped in pid %d (%s) at %lx: checksum %lx matches\n", p->pid, p->name, base, sum);
  return 0;
}

/* The segment must reach new_brk: grow in place if the next hole allows, else move it
   to a hole that fits (swapping others out if needed). */
long baselimit_grow(struct proc *p, u64 new_brk) {
  u64 size = (new_brk + PAGE - 1) & ~(PAGE - 1);
  if (size <= p->size) return 0;
  if (size / PAGE > MAX_SEG_PAGES || size > region_size) return -1;
  if (hole_extend(p->base + p->size, size - p->size)) {
    memset((u8 *)p->base + p->size, 0, size - p->size);
    grow_in_place++;
  } else {
    u64 old = p->base, old_size = p->size;
    u64 base = take_or_swap(size, p);
    if (!base) {
      /* No room now, even with every other waiting process out: p itself goes to swap
         and comes back with its new size when a hole that big appears (the caller
         gives up the hart). */
      swap_out_proc(p);
      p->grow_to = size;
      self_swaps++;
      return 1;
    }
    memcpy((u8 *)base, (u8 *)old, old_size);
    memset((u8 *)base + old_size, 0, size - old_size);
    hole_give(old, old_size);
    p->base = base;
    moves++;
  }
  p->size = size;
  p->st.frames_held = size / PAGE;
  if (p->st.frames_held > p->st.frames_peak) p->st.frames_peak = p->st.frames_held;
  return 0;
}

void baselimit_report(void) {
  u64 largest = 0, free_total = 0;
  for (int i = 0; i < nholes; i++) {
    free_total += holes[i].size;
    if (holes[i].size > largest) largest = holes[i].size;
  }
  (void)min_holes_seen;
  kprintf("[kernel] base/limit: holes %d (most %lu), largest %lu KiB, free %lu KiB; whole-process swaps out %lu in %lu, "
          "checksums verified %lu; segments moved %lu, grown in place %lu, swapped out to grow %lu\n",
          nholes, max_holes_seen, largest >> 10, free_total >> 10, whole_out, whole_in, checks_ok, moves, grow_in_place,
          self_swaps);
}

/* fork: the child gets a copy of the parent's segment in a hole of its own, or, when
   none is free, starts life in swap (written there straight from the parent). */
int baselimit_fork(struct proc *parent, struct proc *child) {
  child->size = parent->size;
  child->swapped_out = 0;
  child->grow_to = 0;
  u64 base = take_or_swap(parent->size, parent);
  if (base) {
    memcpy((void *)base, (const void *)parent->base, parent->size);
    child->base = base;
    return 0;
  }
  u64 pages = parent->size / PAGE;
  child->checksum = checksum((const u8 *)parent->base, parent->size);
  for (u64 i = 0; i < pages; i++) {
    u64 s = swap_alloc();
    swap_slots[child - procs][i] = s;
    swap_write(s, (const u8 *)parent->base + i * PAGE);
  }
  child->base = 0;
  child->swapped_out = 1;
  child->st.whole_swaps_out++;
  whole_out++;
  return 0;
}
