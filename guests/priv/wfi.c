/* WFI (privileged spec 3.3.3): "If an enabled interrupt is present or later occurs
   while the hart is stalled, the interrupt trap will be taken on the following
   instruction", and "the hart also resumes execution for locally enabled interrupts
   pending at any privilege level, regardless of the global interrupt enable at each
   privilege level" (then execution continues after the WFI). When the interrupt trap
   is taken, "the xepc is set to the instruction following the WFI". The spec lets WFI
   return at any time; this machine, like QEMU, stalls until mip & mie != 0, so a WFI
   that returns finds the awaited interrupt pending. */
#include "priv.h"

/* Far enough ahead that the wfi is reached first, even on a busy host (5 ms). */
#define DELAY_TICKS 50000UL

/* Executes a wfi; returns its address. */
static uint64_t wfi_here(uint64_t unused) {
  (void)unused;
  uint64_t pc;
  asm volatile("la %0, 1f\n1: wfi" : "=&r"(pc) :: "memory");
  return pc;
}

int main(void) {
  priv_init();
  CSR_WRITE_NUM(CSR_MENVCFG, 0);

  puts_("wfi with MIE = 0 wakes on the timer, then MIE = 1 takes it\n");
  CSR_WRITE(mie, MIP(IRQ_M_TIMER));
  trap_reset();
  uint64_t deadline = CLINT_MTIME + DELAY_TICKS;
  CLINT_MTIMECMP(0) = deadline;
  wfi_here(0);
  check("woke with MTIP pending", CSR_READ(mip) & MIP(IRQ_M_TIMER), MIP(IRQ_M_TIMER));
  check("woke at mtime >= mtimecmp", CLINT_MTIME >= deadline, 1);
  check_no_trap("no trap while MIE = 0");
  CSR_SET(mstatus, MSTATUS_MIE);
  for (volatile int i = 0; i < 100 && trap_count == 0; i++) { }
  CSR_CLEAR(mstatus, MSTATUS_MIE);
  check("trap once MIE = 1", trap_count, 1);
  check("MTI", last_trap()->cause, CAUSE_INTERRUPT | IRQ_M_TIMER);

  puts_("wfi with MIE = 1 takes the timer interrupt with mepc after the wfi\n");
  CSR_WRITE(mie, MIP(IRQ_M_TIMER));
  trap_reset();
  CLINT_MTIMECMP(0) = CLINT_MTIME + DELAY_TICKS;
  CSR_SET(mstatus, MSTATUS_MIE);
  uint64_t pc = wfi_here(0);
  CSR_CLEAR(mstatus, MSTATUS_MIE);
  check_one_trap("MTI at wfi", CAUSE_INTERRUPT | IRQ_M_TIMER, MODE_M, MODE_M, pc + 4, 0);

  puts_("wfi in S-mode wakes on an M-mode interrupt\n");
  CSR_WRITE(mie, MIP(IRQ_M_TIMER));
  CSR_CLEAR(mstatus, MSTATUS_MPIE);
  trap_reset();
  CLINT_MTIMECMP(0) = CLINT_MTIME + DELAY_TICKS;
  pc = priv_run(MODE_S, wfi_here, 0);
  check_one_trap("MTI at wfi in S", CAUSE_INTERRUPT | IRQ_M_TIMER, MODE_M, MODE_S, pc + 4, 0);
  CLINT_MTIMECMP(0) = ~0UL;

  puts_("wfi in M-mode wakes on an interrupt delegated to S-mode\n");
  CSR_WRITE_NUM(CSR_MENVCFG, MENVCFG_STCE);
  CSR_WRITE(mideleg, MIP(IRQ_S_TIMER));
  CSR_WRITE(mie, MIP(IRQ_S_TIMER));
  trap_reset();
  CSR_SET(mstatus, MSTATUS_MIE);   /* delegated interrupts are never taken in M-mode */
  CSR_WRITE_NUM(CSR_STIMECMP, CSR_READ(time) + DELAY_TICKS);
  wfi_here(0);
  CSR_CLEAR(mstatus, MSTATUS_MIE);
  check("woke with STIP pending", CSR_READ(mip) & MIP(IRQ_S_TIMER), MIP(IRQ_S_TIMER));
  check_no_trap("delegated STI not taken in M");
  CSR_WRITE_NUM(CSR_STIMECMP, ~0UL);
  CSR_WRITE(mie, 0);
  CSR_WRITE(mideleg, 0);
  CSR_WRITE_NUM(CSR_MENVCFG, 0);

  return finish("wfi");
}
