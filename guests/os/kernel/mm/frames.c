/* Physical page frames (MOS 4th ed. 3.2.3 "Managing Free Memory": here a free list of
   fixed-size frames, as a paging system needs). The pool is a fixed block of RAM in the
   kernel's image; page tables, program pages and base/limit segments all come from it. */
#include "../kernel.h"

#define POOL_FRAMES 8192          /* 32 MiB */
static u8 pool[POOL_FRAMES][PAGE] __attribute__((aligned(4096), section(".noinit")));
static u32 free_list[POOL_FRAMES];
static uint16_t refs[POOL_FRAMES];     /* mappings of each frame (copy-on-write sharing) */
static u64 free_count;

void frames_init(void) {
  free_count = 0;
  for (int i = POOL_FRAMES - 1; i >= 0; i--) free_list[free_count++] = (u32)i;
}

/* A zeroed frame, or 0 when none is left. */
void *frame_alloc(void) {
  if (free_count == 0) return 0;
  u32 i = free_list[--free_count];
  refs[i] = 1;
  memset(pool[i], 0, PAGE);
  return pool[i];
}

static u64 index_of(void *f) {
  u64 i = ((u64)f - (u64)pool) / PAGE;
  if ((u8 *)f < pool[0] || i >= POOL_FRAMES || ((u64)f & (PAGE - 1))) panic("not a frame of the pool");
  return i;
}

/* Drops one reference; the frame is free when none is left. */
void frame_free(void *f) {
  u64 i = index_of(f);
  if (refs[i] == 0) panic("freeing a free frame");
  if (--refs[i] == 0) free_list[free_count++] = (u32)i;
}

void frame_share(void *f) { refs[index_of(f)]++; }
int frame_refs(void *f) { return refs[index_of(f)]; }

u64 frames_free_count(void) { return free_count; }

/* The pool as one contiguous range, for base/limit's segments (mm/baselimit.c takes the
   upper part of it before any frame is handed out). */
u8 *frames_pool_base(void) { return pool[0]; }
u64 frames_pool_size(void) { return sizeof pool; }
void frames_reserve_top(u64 bytes) {
  /* Drop the frames in the top `bytes` of the pool from the free list. */
  u64 first = POOL_FRAMES - bytes / PAGE, kept = 0;
  for (u64 i = 0; i < free_count; i++) if (free_list[i] < first) free_list[kept++] = free_list[i];
  free_count = kept;
}
