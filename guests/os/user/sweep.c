/* The working-set sweeper (MOS 4th ed. 3.5.1 and 3.4.8 "The Working Set Page
   Replacement Algorithm", thrashing): loops over more pages than frames=N allows, writing
   a pattern and checking it on every pass, so every page that went to swap must come
   back intact. pages=P, passes=K. */
#include "lib/ulib.h"

int main(const char *args) {
  long pages = arg_long(args, "pages", 24), passes = arg_long(args, "passes", 3);
  uint64_t *mem = sbrk(pages * 4096);
  if ((long)mem == -1) { printf("sweep: sbrk failed\n"); return 1; }
  long words = pages * 512, bad = 0;
  uint64_t sum = 0;
  for (long pass = 0; pass < passes; pass++)
    for (long i = 0; i < words; i += 64) {
      if (pass > 0 && mem[i] != (uint64_t)(i * 7 + pass - 1)) bad++;
      mem[i] = (uint64_t)(i * 7 + pass);
      sum += mem[i];
    }
  printf("sweep: %ld pages x %ld passes, sum %lu, %s\n", pages, passes, sum, bad ? "CORRUPTED" : "ok");
  return bad != 0;
}
