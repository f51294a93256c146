/* Benchmark: integer matrix multiply, 96x96, repeated, with a checksum of the result. */
#include "bench.h"

#define D 96
#define ROUNDS 112
static int32_t A[D][D], B[D][D], C[D][D];

int main(void) {
  uint64_t seed = 4242, sum = 0;
  for (int i = 0; i < D; i++)
    for (int j = 0; j < D; j++) { A[i][j] = (int32_t)(bench_next(&seed) % 201) - 100; B[i][j] = (int32_t)(bench_next(&seed) % 201) - 100; }
  for (int r = 0; r < ROUNDS; r++) {
    for (int i = 0; i < D; i++)
      for (int j = 0; j < D; j++) {
        int32_t acc = 0;
        for (int k = 0; k < D; k++) acc += A[i][k] * B[k][j];
        C[i][j] = acc;
      }
    for (int i = 0; i < D; i++) { A[i][r % D] ^= C[i][(r * 7) % D] & 0x3F; }
    for (int i = 0; i < D; i++) for (int j = 0; j < D; j++) sum = sum * 31 + (uint32_t)C[i][j];
  }
  return bench_result("matmul", sum, 0xafce876b9b8134b8ULL);
}
