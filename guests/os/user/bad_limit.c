/* Misbehaving: reads far past the end of its memory (past the limit under base/limit,
   outside every segment under paging). */
#include "lib/ulib.h"

int main(const char *args) {
  (void)args;
  volatile int *p = (volatile int *)0x30000000UL;
  int v = *p;
  printf("bad_limit: still running after reading %d past the limit\n", v);
  return 0;
}
