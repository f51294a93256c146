/* The reference-string replayer (MOS 4th ed. 3.4 "Page Replacement Algorithms" and
   3.4.10 "Summary of Page Replacement Algorithms": comparing them on reference strings). It touches one page of an mmap region per reference,
   storing for a "w" reference, loading otherwise, and calls tick() every `tick`
   references (the clock tick of NRU and aging). The string comes from refs=0,1,2w,...
   or is generated from gen=SEED:LENGTH:PAGES; either way it is printed first, so
   tools/os-oracle.py can replay exactly the same string. The kernel gets the whole string
   (opt_hint) for the optimal policy. */
#include "lib/ulib.h"

#define MAX_REFS 4096
static uint64_t refs[MAX_REFS];
static volatile uint64_t position;

static uint64_t rng;
static uint64_t next_random(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static long parse_list(const char *s) {
  long n = 0;
  while (*s && *s != ' ' && n < MAX_REFS) {
    uint64_t v = 0;
    while (*s >= '0' && *s <= '9') v = v * 10 + (uint64_t)(*s++ - '0');
    if (*s == 'w') { v |= 1UL << 32; s++; }
    refs[n++] = v;
    if (*s == ',') s++;
  }
  return n;
}

/* Mostly local references (a step of -1..2 pages), sometimes a jump; a quarter are writes.
   tools/os-oracle.py generates the same string from the same numbers. */
static long generate(uint64_t seed, long length, uint64_t pages) {
  rng = seed * 2654435761UL + 1;
  uint64_t page = 0;
  for (long i = 0; i < length && i < MAX_REFS; i++) {
    uint64_t r = next_random();
    if (r % 8 == 0) page = (r >> 8) % pages;
    else page = (page + pages + (r >> 4) % 4 - 1) % pages;
    refs[i] = page | ((r >> 20) % 4 == 0 ? 1UL << 32 : 0);
  }
  return length < MAX_REFS ? length : MAX_REFS;
}

int main(const char *args) {
  static char list[600];
  long n = 0;
  if (arg(args, "refs", list, sizeof list)) n = parse_list(list);
  else if (arg(args, "gen", list, sizeof list)) {
    uint64_t f[3] = {1, 100, 8};
    int k = 0;
    for (char *c = list; *c && k < 3; k++) {
      uint64_t v = 0;
      while (*c >= '0' && *c <= '9') v = v * 10 + (uint64_t)(*c++ - '0');
      f[k] = v;
      if (*c == ':') c++;
    }
    n = generate(f[0], (long)f[1], f[2] ? f[2] : 1);
  }
  long every = arg_long(args, "tick", 0);
  uint64_t pages = 0;
  for (long i = 0; i < n; i++) if ((refs[i] & 0xffffffff) + 1 > pages) pages = (refs[i] & 0xffffffff) + 1;
  printf("replay refs:");
  for (long i = 0; i < n; i++) printf(refs[i] >> 32 ? " %luw" : " %lu", refs[i] & 0xffffffff);
  printf("\n");
  if (n == 0) return 0;
  char *region = mmap(pages * 4096);
  if ((long)region == -1) { printf("replay: mmap failed\n"); return 1; }
  opt_hint(refs, n, &position, region);
  for (long i = 0; i < n; i++) {
    position = (uint64_t)i;
    volatile uint64_t *p = (volatile uint64_t *)(region + (refs[i] & 0xffffffff) * 4096);
    if (refs[i] >> 32) *p = (uint64_t)i + 1;
    else (void)*p;
    if (every && (i + 1) % every == 0) tick();
  }
  printf("replay: %ld references over %lu pages, tick every %ld\n", n, pages, every);
  return 0;
}
