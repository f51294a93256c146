/* malloc, free, realloc (MOS 4th ed. 3.2.3 "Managing Free Memory", memory
   management with linked lists, and 10.4.2 "Memory-Management System Calls in Linux":
   a heap grown with brk/sbrk, large blocks from mmap).

   Small blocks come from the brk heap. Every block carries its size in a header and a
   footer (boundary tags), so a freed block merges with a free neighbour on either side
   at once (coalescing). Free blocks sit in size-class lists: class c holds blocks of
   2^(c+5) to 2^(c+6)-1 bytes; malloc searches the block's class and then larger ones.
   Requests of LARGE bytes or more get their own mmap region, returned by free with
   munmap. */
#include "ulib.h"

#define USED 1UL
#define MAPPED 2UL
#define FLAGS 7UL
#define MIN_BLOCK 32UL
#define CLASSES 12
#define LARGE 8192UL
#define GROW 16384UL

struct free_block { uint64_t header; struct free_block *next, *prev; };

static struct free_block *lists[CLASSES];
static uint64_t *heap_end;        /* the epilogue header */
struct malloc_stats malloc_stats;

static uint64_t size_of(uint64_t *b) { return *b & ~FLAGS; }
static uint64_t *next_block(uint64_t *b) { return (uint64_t *)((char *)b + size_of(b)); }
static uint64_t *prev_block(uint64_t *b) { return (uint64_t *)((char *)b - (b[-1] & ~FLAGS)); }

static int class_of(uint64_t size) {
  int c = 0;
  while (c < CLASSES - 1 && size >= (64UL << c)) c++;
  return c;
}

static void set_block(uint64_t *b, uint64_t size, uint64_t flags) {
  *b = size | flags;
  *(uint64_t *)((char *)b + size - 8) = size | flags;
}

static void list_insert(uint64_t *b) {
  struct free_block *f = (struct free_block *)b;
  int c = class_of(size_of(b));
  f->prev = 0;
  f->next = lists[c];
  if (lists[c]) lists[c]->prev = f;
  lists[c] = f;
}

static void list_remove(uint64_t *b) {
  struct free_block *f = (struct free_block *)b;
  if (f->prev) f->prev->next = f->next;
  else lists[class_of(size_of(b))] = f->next;
  if (f->next) f->next->prev = f->prev;
}

/* Merges free block b with free neighbours; returns the merged block (not in a list). */
static uint64_t *coalesce(uint64_t *b) {
  uint64_t size = size_of(b);
  uint64_t *n = next_block(b);
  if (!(*n & USED)) { list_remove(n); size += size_of(n); malloc_stats.coalesces++; }
  if (!(b[-1] & USED)) {
    uint64_t *p = prev_block(b);
    list_remove(p);
    size += size_of(p);
    b = p;
    malloc_stats.coalesces++;
  }
  set_block(b, size, 0);
  return b;
}

/* More heap from sbrk. The new space continues the heap when it starts right after the
   epilogue; otherwise (base/limit puts mmap regions at the break too) it becomes a
   separate stretch with a prologue and epilogue of its own. */
static int grow(uint64_t need) {
  uint64_t amount = need + 16 > GROW ? (need + 16 + GROW - 1) & ~(GROW - 1) : GROW;
  uint64_t *start = sbrk((long)(amount + 16));
  if ((long)start == -1) return -1;
  uint64_t *b, size;
  if (heap_end && start == heap_end + 1) {
    b = heap_end;                  /* the old epilogue becomes the new block's header */
    size = amount + 16;
  } else {
    start[0] = 0 | USED;           /* prologue footer */
    b = start + 1;
    size = amount;
  }
  set_block(b, size, 0);
  heap_end = next_block(b);
  *heap_end = 0 | USED;            /* epilogue header */
  malloc_stats.brk_bytes += amount + 16;
  list_insert(coalesce(b));
  return 0;
}

static uint64_t need_for(size_t n) {
  uint64_t need = (n + 16 + 7) & ~7UL;
  return need < MIN_BLOCK ? MIN_BLOCK : need;
}

/* Uses free block b (already out of its list) for need bytes, splitting off the rest. */
static void *place(uint64_t *b, uint64_t need) {
  uint64_t size = size_of(b);
  if (size - need >= MIN_BLOCK) {
    set_block(b, need, USED);
    uint64_t *rest = next_block(b);
    set_block(rest, size - need, 0);
    list_insert(rest);
  } else set_block(b, size, USED);
  return b + 1;
}

void *malloc(size_t n) {
  if (n == 0) n = 1;
  if (n >= LARGE) {
    uint64_t len = (n + 16 + 4095) & ~4095UL;
    uint64_t *m = mmap(len);
    if ((long)m == -1) return 0;
    m[0] = len | MAPPED | USED;
    malloc_stats.large_allocs++;
    malloc_stats.mmap_bytes += len;
    return m + 2;
  }
  uint64_t need = need_for(n);
  for (int attempt = 0; attempt < 2; attempt++) {
    for (int c = class_of(need); c < CLASSES; c++)
      for (struct free_block *f = lists[c]; f; f = f->next)
        if (size_of(&f->header) >= need) {
          list_remove(&f->header);
          malloc_stats.small_allocs++;
          return place(&f->header, need);
        }
    if (grow(need) != 0) return 0;
  }
  return 0;
}

static int is_mapped(void *p) { return (((uint64_t *)p)[-2] & MAPPED) && (((uint64_t *)p)[-2] & USED); }

void free(void *p) {
  if (!p) return;
  malloc_stats.frees++;
  if (((uintptr_t)p & 4095) == 16 && is_mapped(p)) {
    uint64_t *m = (uint64_t *)p - 2;
    munmap(m, size_of(m));
    return;
  }
  uint64_t *b = (uint64_t *)p - 1;
  set_block(b, size_of(b), 0);
  list_insert(coalesce(b));
}

void *realloc(void *p, size_t n) {
  if (!p) return malloc(n);
  if (n == 0) { free(p); return 0; }
  uint64_t have;
  if (((uintptr_t)p & 4095) == 16 && is_mapped(p)) {
    have = size_of((uint64_t *)p - 2) - 16;
    if (n <= have) return p;
  } else {
    uint64_t *b = (uint64_t *)p - 1;
    have = size_of(b) - 16;
    if (n <= have) return p;
    /* Grow in place into a free next block. */
    uint64_t *nx = next_block(b);
    uint64_t need = need_for(n);
    if (n < LARGE && !(*nx & USED) && size_of(b) + size_of(nx) >= need) {
      list_remove(nx);
      set_block(b, size_of(b) + size_of(nx), 0);
      return place(b, need);
    }
  }
  void *q = malloc(n);
  if (!q) return 0;
  memcpy(q, p, have < n ? have : n);
  free(p);
  return q;
}

void *calloc(size_t n, size_t size) {
  void *p = malloc(n * size);
  if (p) memset(p, 0, n * size);
  return p;
}
