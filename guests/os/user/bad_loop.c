/* Misbehaving: loops forever; the kernel kills it when it has used cpulimit time slices. */
#include "lib/ulib.h"

int main(const char *args) {
  (void)args;
  for (volatile long i = 0;; i++) { }
  return 0;
}
