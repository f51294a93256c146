/* Benchmark: a branchy integer mix. A generator fills an array, then a pass compares
   neighbours and takes data-dependent branches: unpredictable control flow and plenty
   of loads and stores, the kind of code where QEMU's translation gains least. */
#include "bench.h"

#define N 4096
#define ROUNDS 3000
static uint32_t arr[N];

int main(void) {
  uint64_t sum = 0;
  uint32_t x = 12345;
  for (int it = 0; it < ROUNDS; it++) {
    for (int i = 0; i < N; i++) { x = x * 1103515245u + 12345u; arr[i] = x >> 8; }
    for (int i = 1; i < N; i++) {
      if (arr[i] < arr[i - 1]) sum += arr[i] ^ (uint32_t)i;
      else sum -= arr[i - 1];
    }
  }
  return bench_result("branchy_mix", sum, 0xffffffff999a7a08ULL);
}
