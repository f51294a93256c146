/* HSM (SBI 2.0 chapter 9) on harts the mailbox holds: PAGODA-FLAGS: --harts 4
   Held harts are STOPPED; hart_start releases one through the mailbox and it enters
   the given address in S-mode with a0 = hartid, a1 = opaque, satp = 0 and
   sstatus.SIE = 0; starting a started hart is ALREADY_AVAILABLE; a bad hartid is
   INVALID_PARAM and a start address in the firmware or outside RAM is
   INVALID_ADDRESS; a hart that returns from secondary_main stops (hart_stop) and is
   STOPPED, and starts again (through an IPI to the firmware now) with a new opaque.
   QEMU-SKIP */
#include "sbi_rt.h"

#define HARTS 4
static volatile uint64_t seen_hart[HARTS], seen_opaque[HARTS], seen_satp[HARTS], seen_sie[HARTS];
static volatile uint64_t starts[HARTS], release[HARTS];

void secondary_main(uint64_t hart, uint64_t opaque) {
  uint64_t me = opaque & 0xF;
  seen_hart[me] = hart;
  seen_opaque[me] = opaque;
  seen_satp[me] = CSR_READ(satp);
  seen_sie[me] = CSR_READ(sstatus) & SSTATUS_SIE;
  __atomic_fetch_add(&starts[me], 1, __ATOMIC_SEQ_CST);
  while (!release[me]) { }
  release[me] = 0;
  /* returning stops the hart (crt: sbi_stop_self) */
}

static uint64_t status(uint64_t hart) { return (uint64_t)SBI1(EXT_HSM, 2, hart).value; }

static int wait_for(volatile uint64_t *v, uint64_t want) {
  for (int i = 0; i < 10000000; i++) if (*v == want) return 1;
  return 0;
}

static int wait_status(uint64_t hart, uint64_t want) {
  for (int i = 0; i < 1000000; i++) if (status(hart) == want) return 1;
  return 0;
}

int main(void) {
  uint64_t entry = (uint64_t)sbi_secondary_start;
  check("hart 0 is STARTED", status(0), HSM_STARTED);
  for (uint64_t h = 1; h < HARTS; h++) check("a held hart is STOPPED", status(h), HSM_STOPPED);
  struct sbiret r = SBI1(EXT_HSM, 2, HARTS);
  check("get_status of a missing hart: INVALID_PARAM", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_PARAM);

  r = SBI3(EXT_HSM, 0, 1, entry, 0x1101);
  check("hart_start(1) succeeds", (uint64_t)r.error, 0);
  check("hart 1 runs", wait_for(&starts[1], 1), 1);
  check("  a0 = hartid", seen_hart[1], 1);
  check("  a1 = opaque", seen_opaque[1], 0x1101);
  check("  satp = 0", seen_satp[1], 0);
  check("  sstatus.SIE = 0", seen_sie[1], 0);
  check("hart 1 is STARTED", status(1), HSM_STARTED);
  r = SBI3(EXT_HSM, 0, 1, entry, 0);
  check("starting it again: ALREADY_AVAILABLE", (uint64_t)r.error, (uint64_t)SBI_ERR_ALREADY_AVAILABLE);
  r = SBI3(EXT_HSM, 0, 0, entry, 0);
  check("starting hart 0: ALREADY_AVAILABLE", (uint64_t)r.error, (uint64_t)SBI_ERR_ALREADY_AVAILABLE);
  r = SBI3(EXT_HSM, 0, HARTS, entry, 0);
  check("a missing hart: INVALID_PARAM", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_PARAM);
  r = SBI3(EXT_HSM, 0, ~0UL, entry, 0);
  check("hartid -1: INVALID_PARAM", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_PARAM);
  r = SBI3(EXT_HSM, 0, 2, FIRMWARE_BASE + 0x100, 0);
  check("start address in the firmware: INVALID_ADDRESS", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_ADDRESS);
  r = SBI3(EXT_HSM, 0, 2, 0x1000, 0);
  check("start address in the boot ROM: INVALID_ADDRESS", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_ADDRESS);
  r = SBI3(EXT_HSM, 0, 2, 0x80000000UL + (128UL << 20), 0);
  check("start address past RAM: INVALID_ADDRESS", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_ADDRESS);
  check("hart 2 still STOPPED", status(2), HSM_STOPPED);

  release[1] = 1;
  check("hart 1 stops", wait_status(1, HSM_STOPPED), 1);
  r = SBI3(EXT_HSM, 0, 1, entry, 0x2201);
  check("hart_start(1) again succeeds", (uint64_t)r.error, 0);
  check("hart 1 runs again", wait_for(&starts[1], 2), 1);
  check("  a0 = hartid", seen_hart[1], 1);
  check("  a1 = the new opaque", seen_opaque[1], 0x2201);
  check("hart 1 is STARTED again", status(1), HSM_STARTED);

  for (uint64_t h = 2; h < HARTS; h++) {
    r = SBI3(EXT_HSM, 0, h, entry, 0x3300 | h);
    check("hart_start(2, 3) succeeds", (uint64_t)r.error, 0);
  }
  for (uint64_t h = 2; h < HARTS; h++) {
    check("harts 2, 3 run", wait_for(&starts[h], 1), 1);
    check("  a0 = hartid", seen_hart[h], h);
    check("  a1 = opaque", seen_opaque[h], 0x3300 | h);
    check("  STARTED", status(h), HSM_STARTED);
  }
  for (uint64_t h = 1; h < HARTS; h++) release[h] = 1;
  for (uint64_t h = 1; h < HARTS; h++) check("every hart stops", wait_status(h, HSM_STOPPED), 1);
  r = SBI2(EXT_IPI, 0, 0xE, 0);
  check("send_ipi to stopped harts succeeds (nothing to interrupt)", (uint64_t)r.error, 0);
  r = sbi_call(EXT_RFENCE, 1, 0, ~0UL, 0, 0, 0);
  check("remote_sfence_vma on all harts, 3 stopped, completes", (uint64_t)r.error, 0);
  check("  they stay STOPPED", status(1) == HSM_STOPPED && status(2) == HSM_STOPPED && status(3) == HSM_STOPPED, 1);
  r = SBI0(EXT_HSM, 4);
  check("unknown HSM function: NOT_SUPPORTED", (uint64_t)r.error, (uint64_t)SBI_ERR_NOT_SUPPORTED);
  return finish("sbi/hsm");
}
