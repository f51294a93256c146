// QEMU-SKIP: releases harts through Pagoda's hart mailbox
/* The demo: hart 0 boots alone, reads the device tree it was handed, releases every
   other hart through the hart mailbox, and each hart in turn says hello and does a
   share of the work (counting primes). */
#include "guest.h"

#define MAX_HARTS 64
static volatile uint64_t turn;              /* whose turn it is to print */
static volatile uint64_t primes[MAX_HARTS];
static volatile uint64_t finished;
static uint64_t harts;

static uint32_t be32(const volatile uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static uint64_t count_primes(uint64_t from, uint64_t to) {
  uint64_t n = 0;
  for (uint64_t k = from; k < to; k++) {
    if (k < 2) continue;
    int prime = 1;
    for (uint64_t d = 2; d * d <= k; d++) if (k % d == 0) { prime = 0; break; }
    n += prime;
  }
  return n;
}

static void work(uint64_t hart) {
  const uint64_t span = 20000;
  primes[hart] = count_primes(hart * span, (hart + 1) * span);
  while (turn != hart) { }
  puts_("hart ");
  print_udec(hart);
  puts_(": hello, ");
  print_udec(primes[hart]);
  puts_(" primes in [");
  print_udec(hart * span);
  puts_(", ");
  print_udec((hart + 1) * span);
  puts_(")\n");
  __atomic_fetch_add(&turn, 1, __ATOMIC_SEQ_CST);
  __atomic_fetch_add(&finished, 1, __ATOMIC_SEQ_CST);
}

void secondary_main(uint64_t hart, uint64_t arg) { (void)arg; work(hart); }

int main(uint64_t hartid, uint64_t dtb) {
  harts = (uint64_t)mailbox_harts();
  puts_("Pagoda demo: hart ");
  print_udec(hartid);
  puts_(" of ");
  print_udec(harts);
  puts_(", device tree magic ");
  print_hex(be32((const volatile uint8_t *)dtb));
  putch('\n');
  for (uint64_t h = 1; h < harts && h < MAX_HARTS; h++) release_hart((int)h, 0);
  work(0);
  while (finished < harts) { }
  uint64_t total = 0;
  for (uint64_t h = 0; h < harts; h++) total += primes[h];
  puts_("all harts done: ");
  print_udec(total);
  puts_(" primes below ");
  print_udec(harts * 20000);
  putch('\n');
  check("primes below 20000 on hart 0", primes[0], 2262);
  return finish("demo");
}
