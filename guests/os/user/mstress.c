/* A malloc stress test: a few thousand malloc/free/realloc operations of sizes from 1
   byte to 40 KiB (large ones from mmap; large=0 leaves those out), every block filled with a pattern and every
   byte checked before it is freed or resized. ops=N. */
#include "lib/ulib.h"

#define SLOTS 64
static unsigned char *blocks[SLOTS];
static size_t sizes[SLOTS];
static uint64_t rng = 88172645463325252UL;

static uint64_t rnd(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

static int check(int i) {
  for (size_t k = 0; k < sizes[i]; k++)
    if (blocks[i][k] != (unsigned char)(i * 31 + k)) return 0;
  return 1;
}

static void fill(int i, size_t from) {
  for (size_t k = from; k < sizes[i]; k++) blocks[i][k] = (unsigned char)(i * 31 + k);
}

static long large = 1;

static size_t pick_size(void) {
  uint64_t r = rnd();
  if (large && r % 16 == 0) return 8192 + r % 32768;     /* large: mmap */
  return 1 + (r >> 8) % 600;
}

int main(const char *args) {
  long ops = arg_long(args, "ops", 2000), bad = 0;
  large = arg_long(args, "large", 1);
  for (long n = 0; n < ops; n++) {
    int i = (int)(rnd() % SLOTS);
    uint64_t what = rnd() % 3;
    if (blocks[i] && !check(i)) bad++;
    if (!blocks[i]) {
      sizes[i] = pick_size();
      blocks[i] = malloc(sizes[i]);
      if (!blocks[i]) { printf("mstress: malloc failed\n"); return 1; }
      fill(i, 0);
    } else if (what == 0) {
      free(blocks[i]);
      blocks[i] = 0;
    } else {
      size_t old = sizes[i], s = pick_size();
      blocks[i] = realloc(blocks[i], s);
      if (!blocks[i]) { printf("mstress: realloc failed\n"); return 1; }
      sizes[i] = s;
      for (size_t k = 0; k < (old < s ? old : s); k++)
        if (blocks[i][k] != (unsigned char)(i * 31 + k)) { bad++; break; }
      fill(i, old < s ? old : s);
    }
  }
  for (int i = 0; i < SLOTS; i++) if (blocks[i]) { if (!check(i)) bad++; free(blocks[i]); }
  printf("mstress: %ld operations, %lu small %lu large, %lu coalesced, heap %lu bytes, %s\n", ops,
         malloc_stats.small_allocs, malloc_stats.large_allocs, malloc_stats.coalesces, malloc_stats.brk_bytes,
         bad ? "CORRUPTED" : "ok");
  return bad != 0;
}
