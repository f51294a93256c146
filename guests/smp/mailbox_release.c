// QEMU-SKIP: the hart mailbox is Pagoda's own device
// PAGODA-FLAGS: --harts 4
/* Secondary harts are held until the mailbox releases them: STATE reads 0 before and
   1 after, each starts at START with a0 = its hart id and a1 = ARG, and ringing a
   running hart's doorbell again does nothing. */
#include "guest.h"

#define HARTS 4
static volatile uint64_t seen_hart[HARTS], seen_arg[HARTS], arrivals[HARTS];

void secondary_main(uint64_t hart, uint64_t arg) {
  seen_hart[hart] = hart;
  seen_arg[hart] = arg;
  __atomic_fetch_add(&arrivals[hart], 1, __ATOMIC_SEQ_CST);
}

int main(void) {
  check("NHARTS", mailbox_harts(), HARTS);
  for (int h = 1; h < HARTS; h++) check("held before release", hart_state(h), 0);
  check("hart 0 runs", hart_state(0), 1);

  /* A held hart executes nothing: give it time, nothing arrives. */
  for (volatile int i = 0; i < 10000; i++) { }
  for (int h = 1; h < HARTS; h++) check("no arrival while held", arrivals[h], 0);

  for (int h = 1; h < HARTS; h++) {
    release_hart(h, 0x5a5a0000ULL + (uint64_t)h);
    while (arrivals[h] == 0) { }
    check("running after release", hart_state(h), 1);
    check("a0 is the hart id", seen_hart[h], (uint64_t)h);
    check("a1 is ARG", seen_arg[h], 0x5a5a0000ULL + (uint64_t)h);
  }
  /* Ringing a running hart does nothing: no second arrival. */
  release_hart(1, 0x1234);
  for (volatile int i = 0; i < 10000; i++) { }
  check("second ring ignored", arrivals[1], 1);
  check("ARG unchanged in effect", seen_arg[1], 0x5a5a0001ULL);
  return finish("mailbox_release");
}
