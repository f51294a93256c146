/* Benchmark: CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), bit by bit and
   table-driven, over a generated buffer; both must agree. */
#include "bench.h"

#define SIZE 65536
#define ROUNDS 320
static uint8_t buffer[SIZE];
static uint32_t table[256];

static uint32_t crc_bitwise(const uint8_t *p, long n) {
  uint32_t crc = 0xFFFFFFFFu;
  for (long i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

static uint32_t crc_table(const uint8_t *p, long n) {
  uint32_t crc = 0xFFFFFFFFu;
  for (long i = 0; i < n; i++) crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

int main(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    table[i] = c;
  }
  check("crc32(\"123456789\")", crc_table((const uint8_t *)"123456789", 9), 0xCBF43926u);
  uint64_t seed = 777, sum = 0;
  for (int r = 0; r < ROUNDS; r++) {
    for (int i = 0; i < SIZE; i++) buffer[i] = (uint8_t)bench_next(&seed);
    uint32_t x = crc_bitwise(buffer, SIZE), y = 0;
    for (int k = 0; k < 8; k++) y = crc_table(buffer, SIZE);
    if (x != y) { puts_("crc mismatch\n"); return 1; }
    sum = sum * 1000003 + x;
  }
  return bench_result("crc32", sum, 0x63475cfb05166c4bULL);
}
