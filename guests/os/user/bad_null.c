/* Misbehaving: writes through a null pointer (under paging, page 0 is never mapped). */
#include "lib/ulib.h"

int main(const char *args) {
  (void)args;
  volatile int *p = 0;
  *p = 1;
  printf("bad_null: still running after a null pointer write\n");
  return 0;
}
