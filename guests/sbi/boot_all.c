/* HSM with every hart started at once: PAGODA-FLAGS: --harts 3 --boot-all-harts
   The harts that are not the boot hart wait in the firmware, STOPPED; hart_start
   wakes them (an M-mode software interrupt) at the given address with a0 = hartid
   and a1 = opaque; a stopped hart starts again the same way. QEMU-SKIP */
#include "sbi_rt.h"

#define HARTS 3
static volatile uint64_t seen_hart[HARTS], seen_opaque[HARTS], starts[HARTS], release[HARTS];

void secondary_main(uint64_t hart, uint64_t opaque) {
  uint64_t me = opaque & 0xF;
  seen_hart[me] = hart;
  seen_opaque[me] = opaque;
  __atomic_fetch_add(&starts[me], 1, __ATOMIC_SEQ_CST);
  while (!release[me]) { }
  release[me] = 0;
}

static uint64_t status(uint64_t hart) { return (uint64_t)SBI1(EXT_HSM, 2, hart).value; }

static int wait_for(volatile uint64_t *v, uint64_t want) {
  for (int i = 0; i < 10000000; i++) if (*v == want) return 1;
  return 0;
}

int main(void) {
  uint64_t entry = (uint64_t)sbi_secondary_start;
  for (uint64_t h = 1; h < HARTS; h++) check("a waiting hart is STOPPED", status(h), HSM_STOPPED);
  for (uint64_t h = 1; h < HARTS; h++)
    check("hart_start succeeds", (uint64_t)SBI3(EXT_HSM, 0, h, entry, 0x4400 | h).error, 0);
  for (uint64_t h = 1; h < HARTS; h++) {
    check("the hart runs", wait_for(&starts[h], 1), 1);
    check("  a0 = hartid", seen_hart[h], h);
    check("  a1 = opaque", seen_opaque[h], 0x4400 | h);
    check("  STARTED", status(h), HSM_STARTED);
  }
  check("starting a started hart: ALREADY_AVAILABLE",
        (uint64_t)SBI3(EXT_HSM, 0, 1, entry, 0).error, (uint64_t)SBI_ERR_ALREADY_AVAILABLE);
  release[1] = 1;
  for (int i = 0; i < 1000000 && status(1) != HSM_STOPPED; i++) { }
  check("hart 1 stops", status(1), HSM_STOPPED);
  check("and starts again", (uint64_t)SBI3(EXT_HSM, 0, 1, entry, 0x5501).error, 0);
  check("  it runs", wait_for(&starts[1], 2), 1);
  check("  a1 = the new opaque", seen_opaque[1], 0x5501);
  release[1] = 1;
  release[2] = 1;
  for (uint64_t h = 1; h < HARTS; h++) {
    for (int i = 0; i < 1000000 && status(h) != HSM_STOPPED; i++) { }
    check("every hart stops", status(h), HSM_STOPPED);
  }
  return finish("sbi/boot_all");
}
