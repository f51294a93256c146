/* Interrupts (privileged spec 3.1.9 mip/mie, 3.2.1 mtime/mtimecmp, 3.1.15 mcause):
   - the machine timer interrupt (mcause 2^63 + 7) once mtime >= mtimecmp, and the
     machine software interrupt (2^63 + 3) from the CLINT's msip register;
   - with several interrupts pending and enabled, "multiple simultaneous interrupts
     destined for M-mode are handled in the following decreasing priority order: MEI,
     MSI, MTI, SEI, SSI, STI": MSI before MTI here, SSI before STI in S-mode (the
     order across privilege levels: interrupt_priority);
   - "interrupts for higher-privilege modes are always globally enabled regardless of
     the setting of the global xIE bit for the higher-privilege mode" and those of
     M-mode are disabled in M-mode while mstatus.MIE = 0;
   - the supervisor timer interrupt from Sstc's stimecmp (Sstc 1.0: STIP reflects
     time >= stimecmp when menvcfg.STCE = 1, and is then read-only in mip), delegated
     to S-mode through mideleg;
   - STIP and SSIP written by M-mode software into mip and delegated to S-mode. */
#include "priv.h"

#define TIMEOUT_TICKS 10000000UL   /* 1 s of the 10 MHz timebase */

/* Spins until a trap has been recorded or mtime passes `deadline`; returns the count. */
static uint64_t wait_for_trap_until(uint64_t deadline) {
  while (trap_count == 0 && CLINT_MTIME < deadline) { }
  return trap_count;
}
static uint64_t wait_for_trap(uint64_t unused) {
  (void)unused;
  return wait_for_trap_until(CLINT_MTIME + TIMEOUT_TICKS);
}

/* Spins a while without expecting anything. */
static uint64_t spin(uint64_t ticks) {
  uint64_t end = CLINT_MTIME + ticks;
  while (CLINT_MTIME < end) { }
  return trap_count;
}

static void check_interrupt(const char *label, uint64_t n, uint64_t irq, uint64_t handler, uint64_t from) {
  check(label, trap_at(n)->cause, CAUSE_INTERRUPT | irq);
  check(label, trap_at(n)->handler, handler);
  check(label, trap_at(n)->from, from);
}

/* In S-mode: arm stimecmp `delta` ticks ahead, enable STIE and SIE, and wait. */
static uint64_t s_stimecmp_interrupt(uint64_t delta) {
  uint64_t now = CSR_READ(time);
  CSR_WRITE_NUM(CSR_STIMECMP, now + delta);
  CSR_SET(sie, MIP(IRQ_S_TIMER));
  CSR_SET(sstatus, MSTATUS_SIE);
  uint64_t n = wait_for_trap_until(now + delta + TIMEOUT_TICKS);
  CSR_CLEAR(sstatus, MSTATUS_SIE);
  return n;
}

/* In S-mode: enable interrupts (SIE) and wait for `count` traps. */
static uint64_t s_wait_for(uint64_t count) {
  uint64_t deadline = CLINT_MTIME + TIMEOUT_TICKS;
  CSR_SET(sstatus, MSTATUS_SIE);
  while (trap_count < count && CLINT_MTIME < deadline) { }
  CSR_CLEAR(sstatus, MSTATUS_SIE);
  return trap_count;
}

int main(void) {
  priv_init();
  CSR_WRITE_NUM(CSR_MENVCFG, 0);

  puts_("machine timer interrupt\n");
  trap_reset();
  CLINT_MTIMECMP(0) = CLINT_MTIME + 1000;
  CSR_WRITE(mie, MIP(IRQ_M_TIMER));
  CSR_SET(mstatus, MSTATUS_MIE);
  check("timer interrupt taken", wait_for_trap(0), 1);
  CSR_CLEAR(mstatus, MSTATUS_MIE);
  check_interrupt("MTI", 0, IRQ_M_TIMER, MODE_M, MODE_M);
  check("MTI: MPIE = 1", (trap_at(0)->status & MSTATUS_MPIE) != 0, 1);
  check("MTI: MIE = 0 in the handler", (trap_at(0)->status & MSTATUS_MIE) != 0, 0);
  check("MTIP pending while mtime >= mtimecmp", CSR_READ(mip) & MIP(IRQ_M_TIMER), MIP(IRQ_M_TIMER));
  CLINT_MTIMECMP(0) = ~0UL;
  check("MTIP clear after mtimecmp moves on", CSR_READ(mip) & MIP(IRQ_M_TIMER), 0);

  puts_("machine software interrupt\n");
  trap_reset();
  CLINT_MSIP(0) = 1;
  check("msip reads 1", CLINT_MSIP(0), 1);
  check("MSIP pending", CSR_READ(mip) & MIP(IRQ_M_SOFT), MIP(IRQ_M_SOFT));
  CSR_WRITE(mie, MIP(IRQ_M_SOFT));
  CSR_SET(mstatus, MSTATUS_MIE);
  check("software interrupt taken", wait_for_trap(0), 1);
  CSR_CLEAR(mstatus, MSTATUS_MIE);
  check_interrupt("MSI", 0, IRQ_M_SOFT, MODE_M, MODE_M);

  puts_("enabled interrupt not taken in M-mode with MIE = 0\n");
  CSR_WRITE(mie, MIP(IRQ_M_SOFT));
  trap_reset();
  check("no trap with MIE = 0", spin(1000), 0);
  check("MSIP still pending", CSR_READ(mip) & MIP(IRQ_M_SOFT), MIP(IRQ_M_SOFT));

  puts_("M-mode interrupt taken in S-mode and U-mode with MIE = 0\n");
  static const uint64_t modes[2] = {MODE_S, MODE_U};
  for (int i = 0; i < 2; i++) {
    CSR_WRITE(mie, MIP(IRQ_M_SOFT));
    CSR_CLEAR(mstatus, MSTATUS_MIE | MSTATUS_MPIE);   /* MIE = 0 after the mret */
    trap_reset();
    check("MSI from lower mode", priv_run(modes[i], wait_for_trap, 0), 1);
    check_interrupt("MSI from lower mode", 0, IRQ_M_SOFT, MODE_M, modes[i]);
    check("MSI from lower mode: MIE was 0", (trap_at(0)->status & MSTATUS_MPIE) != 0, 0);
  }
  CLINT_MSIP(0) = 0;
  check("MSIP clear", CSR_READ(mip) & MIP(IRQ_M_SOFT), 0);

  puts_("priority: MSI before MTI\n");
  CLINT_MTIMECMP(0) = 0;
  CLINT_MSIP(0) = 1;
  uint64_t both = MIP(IRQ_M_SOFT) | MIP(IRQ_M_TIMER);
  check("MSIP and MTIP pending", CSR_READ(mip) & both, both);
  CSR_WRITE(mie, both);
  trap_reset();
  CSR_SET(mstatus, MSTATUS_MIE);   /* the handler disables each interrupt it takes */
  for (volatile int i = 0; i < 100; i++) { }
  CSR_CLEAR(mstatus, MSTATUS_MIE);
  check("two interrupts taken", trap_count, 2);
  check_interrupt("first MSI", 0, IRQ_M_SOFT, MODE_M, MODE_M);
  check_interrupt("then MTI", 1, IRQ_M_TIMER, MODE_M, MODE_M);
  CLINT_MSIP(0) = 0;
  CLINT_MTIMECMP(0) = ~0UL;

  puts_("STIP and SSIP set by M-mode, delegated to S-mode\n");
  /* Both pending; SSI is taken before STI. */
  CSR_SET(mip, MIP(IRQ_S_SOFT) | MIP(IRQ_S_TIMER));
  CSR_WRITE(mideleg, MIP(IRQ_S_SOFT) | MIP(IRQ_S_TIMER));
  CSR_WRITE(mie, MIP(IRQ_S_SOFT) | MIP(IRQ_S_TIMER));
  trap_reset();
  check("two delegated interrupts", priv_run(MODE_S, s_wait_for, 2), 2);
  check_interrupt("delegated SSI", 0, IRQ_S_SOFT, MODE_S, MODE_S);
  check_interrupt("delegated STI", 1, IRQ_S_TIMER, MODE_S, MODE_S);
  CSR_CLEAR(mip, MIP(IRQ_S_SOFT) | MIP(IRQ_S_TIMER));
  check("SSIP and STIP cleared by M", CSR_READ(mip) & (MIP(IRQ_S_SOFT) | MIP(IRQ_S_TIMER)), 0);

  puts_("supervisor timer interrupt from stimecmp\n");
  CSR_WRITE_NUM(CSR_MENVCFG, MENVCFG_STCE);
  check("menvcfg.STCE writable", CSR_READ_NUM(CSR_MENVCFG) & MENVCFG_STCE, MENVCFG_STCE);
  CSR_WRITE(mcounteren, MCOUNTEREN_TM);
  CSR_WRITE_NUM(CSR_STIMECMP, ~0UL);
  CSR_SET(mip, MIP(IRQ_S_TIMER));
  check("STIP read-only in mip with STCE = 1", CSR_READ(mip) & MIP(IRQ_S_TIMER), 0);
  CSR_WRITE(mideleg, MIP(IRQ_S_TIMER));
  CSR_WRITE(mie, 0);
  trap_reset();
  check("stimecmp interrupt taken", priv_run(MODE_S, s_stimecmp_interrupt, 1000), 1);
  check_interrupt("stimecmp STI", 0, IRQ_S_TIMER, MODE_S, MODE_S);
  check("STIP pending while time >= stimecmp", CSR_READ(mip) & MIP(IRQ_S_TIMER), MIP(IRQ_S_TIMER));
  CSR_WRITE_NUM(CSR_STIMECMP, ~0UL);
  check("STIP clear after stimecmp moves on", CSR_READ(mip) & MIP(IRQ_S_TIMER), 0);
  CSR_WRITE_NUM(CSR_MENVCFG, 0);
  CSR_WRITE(mideleg, 0);

  return finish("interrupts");
}
