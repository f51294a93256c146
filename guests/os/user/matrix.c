/* A matrix program: multiplies two n x n integer matrices held in malloc'd memory and
   checks the product against a row-by-row recomputation. n=N. */
#include "lib/ulib.h"

int main(const char *args) {
  long n = arg_long(args, "n", 24);
  int64_t *a = malloc(n * n * 8), *b = malloc(n * n * 8), *c = malloc(n * n * 8);
  if (!a || !b || !c) { printf("matrix: out of memory\n"); return 1; }
  for (long i = 0; i < n * n; i++) { a[i] = i % 7 - 3; b[i] = (i * 5) % 11 - 5; }
  for (long i = 0; i < n; i++)
    for (long j = 0; j < n; j++) {
      int64_t s = 0;
      for (long k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
      c[i * n + j] = s;
    }
  int64_t trace = 0, bad = 0;
  for (long i = 0; i < n; i++) {
    trace += c[i * n + i];
    int64_t s = 0;
    for (long k = 0; k < n; k++) s += a[i * n + k] * b[k * n + (n - 1 - i)];
    if (s != c[i * n + n - 1 - i]) bad++;
  }
  free(a); free(b); free(c);
  printf("matrix: %ldx%ld trace %ld, %s\n", n, n, trace, bad ? "WRONG" : "ok");
  return bad != 0;
}
