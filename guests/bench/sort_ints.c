/* Benchmark: sorting. Quicksort and merge sort of pseudo-random arrays, repeated. */
#include "bench.h"

#define N 16384
#define ROUNDS 48
static uint32_t a[N], b[N], tmp[N];

static void quicksort(uint32_t *v, long lo, long hi) {
  while (lo < hi) {
    uint32_t pivot = v[(lo + hi) / 2];
    long i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) { uint32_t t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { quicksort(v, lo, j); lo = i; } else { quicksort(v, i, hi); hi = j; }
  }
}

static void mergesort(uint32_t *v, long n) {
  for (long width = 1; width < n; width *= 2) {
    for (long lo = 0; lo < n; lo += 2 * width) {
      long mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      long i = lo, j = mid, k = lo;
      while (i < mid && j < hi) tmp[k++] = v[i] <= v[j] ? v[i++] : v[j++];
      while (i < mid) tmp[k++] = v[i++];
      while (j < hi) tmp[k++] = v[j++];
    }
    for (long i = 0; i < n; i++) v[i] = tmp[i];
  }
}

int main(void) {
  uint64_t seed = 12345, sum = 0;
  for (int r = 0; r < ROUNDS; r++) {
    for (int i = 0; i < N; i++) { a[i] = (uint32_t)bench_next(&seed); b[i] = a[i]; }
    quicksort(a, 0, N - 1);
    mergesort(b, N);
    for (int i = 0; i < N; i++) {
      if (a[i] != b[i] || (i && a[i - 1] > a[i])) { puts_("sort mismatch\n"); return 1; }
      sum = sum * 31 + a[i];
    }
  }
  return bench_result("sort_ints", sum, 0x5c554586a8907ce6ULL);
}
