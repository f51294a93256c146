// QEMU-SKIP: harts are released through Pagoda's hart mailbox
// PAGODA-FLAGS: --harts 4
/* A fixed total amount of work shared by however many harts the machine has
   (NHARTS from the mailbox): each hart takes an equal share of the rounds, doing
   integer work on its own data and adding its results to a shared total with amoadd.
   The answer is the same for any number of harts; the benchmark runs it on 1, 2 and
   4 harts to see how the machine scales. WORK_ROUNDS is small here so the test suite
   runs it quickly; the benchmark builds it with more. */
#include "guest.h"

#ifndef WORK_ROUNDS
#define WORK_ROUNDS 4096
#endif
#define MAX_HARTS 64
static volatile uint64_t total, finished;
static uint64_t harts;

static uint64_t round_work(uint64_t r) {
  uint64_t x = r * 0x9E3779B97F4A7C15ULL + 1, acc = 0;
  for (int i = 0; i < 64; i++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    acc += (x % 1000003) ^ (acc >> 3);
  }
  return acc;
}

static void work(uint64_t hart) {
  uint64_t sum = 0;
  for (uint64_t r = hart; r < WORK_ROUNDS; r += harts) {
    sum += round_work(r);
    if ((r & 15) == 0) { __atomic_fetch_add(&total, sum, __ATOMIC_RELAXED); sum = 0; }
  }
  __atomic_fetch_add(&total, sum, __ATOMIC_RELAXED);
  __atomic_fetch_add(&finished, 1, __ATOMIC_SEQ_CST);
}

void secondary_main(uint64_t hart, uint64_t arg) { (void)arg; work(hart); }

int main(void) {
  harts = (uint64_t)mailbox_harts();
  if (harts > MAX_HARTS) harts = MAX_HARTS;
  for (uint64_t h = 1; h < harts; h++) release_hart((int)h, 0);
  work(0);
  while (finished < harts) { }
  uint64_t expected = 0;
  for (uint64_t r = 0; r < WORK_ROUNDS; r++) expected += round_work(r);
  check("total independent of the number of harts", total, expected);
  return finish("shared_work");
}
