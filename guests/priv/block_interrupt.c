// QEMU-SKIP: QEMU takes interrupts only between its translation blocks, never inside one
/* A timer interrupt that falls due in the middle of a block of straight-line code is
   taken there, at an instruction boundary inside the block: mepc is the first
   instruction that has not run, everything before it has retired exactly once, and
   the block resumes there after mret ("Machine Interrupt Registers" and precise
   interrupts in the privileged spec). Each trial sets the timer a little later, so the
   interrupt lands at different points of the 32-instruction block. */
#include "priv.h"

extern char block_start[], block_end[];

/* Runs the block until an interrupt has been taken; returns 0 if every pass counted
   exactly 32, else the count of the first pass that did not. */
static uint64_t run_until_interrupt(void) {
  register uint64_t bad asm("a5") = 0;
  asm volatile(
      "1: li a0, 0\n"
      "   j block_start\n"
      "block_start:\n"
      ".rept 32\n addi a0, a0, 1\n .endr\n"
      "block_end:\n"
      "   li a1, 32\n"
      "   beq a0, a1, 2f\n"
      "   mv %0, a0\n"
      "   j 3f\n"
      "2: ld a2, 0(%1)\n"
      "   beqz a2, 1b\n"
      "3:\n"
      : "+r"(bad) : "r"(&trap_count) : "a0", "a1", "a2", "memory");
  return bad;
}

int main(void) {
  priv_init();
  uint64_t inside = 0, start = (uint64_t)block_start, end = (uint64_t)block_end;
  for (int trial = 0; trial < 24; trial++) {
    trap_reset();
    CLINT_MTIMECMP(0) = CLINT_MTIME + 1 + (uint64_t)trial;
    CSR_SET(mie, MIP(IRQ_M_TIMER));
    CSR_SET(mstatus, MSTATUS_MIE);
    uint64_t bad = run_until_interrupt();
    CSR_CLEAR(mstatus, MSTATUS_MIE);
    check("every pass counted 32", bad, 0);
    check("one interrupt", trap_count, 1);
    check("a timer interrupt", trap_at(0)->cause, CAUSE_INTERRUPT | IRQ_M_TIMER);
    uint64_t epc = trap_at(0)->epc;
    if (epc > start && epc < end) inside++;
  }
  check("some interrupts were taken inside the block", inside >= 8, 1);
  return finish("block_interrupt");
}
