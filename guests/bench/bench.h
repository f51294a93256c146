/* Shared by the benchmark guests: a fixed-seed generator and the result line. */
#ifndef BENCH_H
#define BENCH_H
#include "guest.h"

static inline uint64_t bench_next(uint64_t *state) {
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return *state >> 17;
}

/* Prints "name: checksum 0x..." and checks it against the value worked out once. */
static inline int bench_result(const char *name, uint64_t checksum, uint64_t expected) {
  puts_(name);
  puts_(": checksum ");
  print_hex(checksum);
  putch('\n');
  check("checksum", checksum, expected);
  return finish(name);
}
#endif
