/* The smallest program: says which process it is. */
#include "lib/ulib.h"

int main(const char *args) {
  (void)args;
  printf("hello from pid %d\n", getpid());
  return 0;
}
