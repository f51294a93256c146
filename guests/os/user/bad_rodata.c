/* Misbehaving: writes into its own code (a read-only page under paging). */
#include "lib/ulib.h"

int main(const char *args) {
  (void)args;
  volatile unsigned *code = (volatile unsigned *)(uintptr_t)main;
  *code = 0;
  printf("bad_rodata: still running after writing to its code\n");
  return 0;
}
