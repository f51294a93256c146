/* Trap delegation (privileged spec 3.1.8, 4.1.1): with medeleg bit n set, exception n
   raised in S- or U-mode is taken in S-mode: scause = n, sepc = the faulting
   instruction, stval = the bad address or instruction bits, sstatus.SPP = the mode it
   came from, SPIE = the old SIE and SIE = 0.
   Exceptions that are not delegated go to M-mode and leave the S-mode CSRs alone.
   "Traps never transition from a more-privileged mode to a less-privileged mode": an
   exception in M-mode is taken in M-mode whatever medeleg says. With mideleg bit 1
   set, the supervisor software interrupt is taken in S-mode when enabled there
   (sstatus.SIE in S-mode, always in U-mode) and never in M-mode (3.1.9). */
#include "priv.h"

#define UNMAPPED 0x08000000UL   /* no device and no memory here on the virt board */
#define ILLEGAL_BITS 0x00000077UL

/* Faulting instructions; each returns its own address. The S-mode variants set
   sstatus.SIE first, so the trap shows SPIE = 1. */
static uint64_t load_unmapped(uint64_t addr) {
  uint64_t pc;
  asm volatile("la %0, 1f\n1: lw t0, 0(%1)" : "=&r"(pc) : "r"(addr) : "t0", "memory");
  return pc;
}
static uint64_t store_unmapped(uint64_t addr) {
  uint64_t pc;
  asm volatile("la %0, 1f\n1: sw zero, 0(%1)" : "=&r"(pc) : "r"(addr) : "memory");
  return pc;
}
static uint64_t illegal_here(uint64_t unused) {
  (void)unused;
  uint64_t pc;
  asm volatile("la %0, 1f\n1: .4byte 0x00000077" : "=&r"(pc) :: "memory");
  return pc;
}
static uint64_t ebreak_here(uint64_t unused) {
  (void)unused;
  uint64_t pc;
  asm volatile("la %0, 1f\n1: ebreak" : "=&r"(pc) :: "memory");
  return pc;
}
static uint64_t s_load_unmapped_sie(uint64_t addr) {
  CSR_SET(sstatus, MSTATUS_SIE);
  uint64_t pc = load_unmapped(addr);
  CSR_CLEAR(sstatus, MSTATUS_SIE);
  return pc;
}
static uint64_t s_illegal_sie(uint64_t unused) {
  CSR_SET(sstatus, MSTATUS_SIE);
  uint64_t pc = illegal_here(unused);
  CSR_CLEAR(sstatus, MSTATUS_SIE);
  return pc;
}

static void check_sstatus(const char *label, uint64_t spie, uint64_t spp) {
  uint64_t status = last_trap()->status;
  check(label, (status & MSTATUS_SIE) != 0, 0);
  check(label, (status & MSTATUS_SPIE) != 0, spie);
  check(label, (status & MSTATUS_SPP) != 0, spp == MODE_S);
}

/* In S- or U-mode: enable the software interrupt (SIE as asked, in S-mode) and wait a
   while for it; returns the number of traps seen. */
static uint64_t wait_for_ssi(uint64_t sie_bit) {
  if (sie_bit) CSR_SET(sstatus, MSTATUS_SIE);
  for (volatile int i = 0; i < 1000 && trap_count == 0; i++) { }
  if (sie_bit) CSR_CLEAR(sstatus, MSTATUS_SIE);
  return trap_count;
}

int main(void) {
  priv_init();
  uint64_t delegated = 1UL << CAUSE_ILLEGAL | 1UL << CAUSE_LOAD_ACCESS | 1UL << CAUSE_STORE_ACCESS;
  CSR_WRITE(medeleg, delegated);
  check("medeleg bits 2, 5, 7 writable", CSR_READ(medeleg) & delegated, delegated);

  puts_("delegated exceptions from U-mode\n");
  trap_reset();
  uint64_t pc = priv_run(MODE_U, illegal_here, 0);
  check_one_trap("illegal from U to S", CAUSE_ILLEGAL, MODE_S, MODE_U, pc, ILLEGAL_BITS);
  check_sstatus("illegal from U: sstatus", 0, MODE_U);
  trap_reset();
  pc = priv_run(MODE_U, load_unmapped, UNMAPPED + 8);
  check_one_trap("load fault from U to S", CAUSE_LOAD_ACCESS, MODE_S, MODE_U, pc, UNMAPPED + 8);
  trap_reset();
  pc = priv_run(MODE_U, store_unmapped, UNMAPPED + 12);
  check_one_trap("store fault from U to S", CAUSE_STORE_ACCESS, MODE_S, MODE_U, pc, UNMAPPED + 12);

  puts_("delegated exceptions from S-mode\n");
  trap_reset();
  pc = priv_run(MODE_S, s_load_unmapped_sie, UNMAPPED + 16);
  check_one_trap("load fault from S to S", CAUSE_LOAD_ACCESS, MODE_S, MODE_S, pc, UNMAPPED + 16);
  check_sstatus("load fault from S: sstatus", 1, MODE_S);
  trap_reset();
  pc = priv_run(MODE_S, s_illegal_sie, 0);
  check_one_trap("illegal from S to S", CAUSE_ILLEGAL, MODE_S, MODE_S, pc, ILLEGAL_BITS);
  check_sstatus("illegal from S: sstatus", 1, MODE_S);

  puts_("exceptions not delegated go to M-mode\n");
  CSR_WRITE(sepc, 0x80000200);
  CSR_WRITE(scause, 0);
  CSR_WRITE(stval, 0x5678);
  trap_reset();
  pc = priv_run(MODE_S, ebreak_here, 0);
  check("ebreak from S to M", trap_count, 1);
  check("ebreak from S to M: cause", last_trap()->cause, CAUSE_BREAKPOINT);
  check("ebreak from S to M: handler", last_trap()->handler, MODE_M);
  check("ebreak from S to M: from", last_trap()->from, MODE_S);
  check("ebreak from S to M: mepc", last_trap()->epc, pc);
  check("sepc untouched", CSR_READ(sepc), 0x80000200);
  check("scause untouched", CSR_READ(scause), 0);
  check("stval untouched", CSR_READ(stval), 0x5678);

  puts_("exceptions in M-mode are never delegated\n");
  trap_reset();
  pc = illegal_here(0);
  check_one_trap("illegal in M", CAUSE_ILLEGAL, MODE_M, MODE_M, pc, ILLEGAL_BITS);
  trap_reset();
  pc = load_unmapped(UNMAPPED + 4);
  check_one_trap("load fault in M", CAUSE_LOAD_ACCESS, MODE_M, MODE_M, pc, UNMAPPED + 4);
  CSR_WRITE(medeleg, 0);

  puts_("supervisor software interrupt delegated to S-mode\n");
  CSR_WRITE(mideleg, MIP(IRQ_S_SOFT));
  check("mideleg bit 1 writable", CSR_READ(mideleg) & MIP(IRQ_S_SOFT), MIP(IRQ_S_SOFT));
  CSR_WRITE(mie, MIP(IRQ_S_SOFT));
  CSR_SET(mip, MIP(IRQ_S_SOFT));
  check("sip shows SSIP", CSR_READ(sip) & MIP(IRQ_S_SOFT), MIP(IRQ_S_SOFT));
  check("sie shows SSIE", CSR_READ(sie) & MIP(IRQ_S_SOFT), MIP(IRQ_S_SOFT));
  trap_reset();
  CSR_SET(mstatus, MSTATUS_MIE);
  for (volatile int i = 0; i < 1000; i++) { }
  CSR_CLEAR(mstatus, MSTATUS_MIE);
  check_no_trap("delegated SSI not taken in M-mode");
  check("delegated SSI not taken in S-mode with SIE = 0", priv_run(MODE_S, wait_for_ssi, 0), 0);
  check("delegated SSI taken in S-mode with SIE = 1", priv_run(MODE_S, wait_for_ssi, 1), 1);
  check("SSI in S: scause", last_trap()->cause, CAUSE_INTERRUPT | IRQ_S_SOFT);
  check("SSI in S: handler", last_trap()->handler, MODE_S);
  check("SSI in S: from", last_trap()->from, MODE_S);
  check_sstatus("SSI in S: sstatus", 1, MODE_S);
  CSR_WRITE(mie, MIP(IRQ_S_SOFT));
  trap_reset();
  check("delegated SSI taken in U-mode", priv_run(MODE_U, wait_for_ssi, 0), 1);
  check("SSI in U: scause", last_trap()->cause, CAUSE_INTERRUPT | IRQ_S_SOFT);
  check("SSI in U: handler", last_trap()->handler, MODE_S);
  check("SSI in U: from", last_trap()->from, MODE_U);

  puts_("supervisor software interrupt not delegated\n");
  CSR_WRITE(mideleg, 0);
  CSR_WRITE(mie, MIP(IRQ_S_SOFT));
  trap_reset();
  check("SSI from S to M", priv_run(MODE_S, wait_for_ssi, 1), 1);
  check("SSI to M: mcause", last_trap()->cause, CAUSE_INTERRUPT | IRQ_S_SOFT);
  check("SSI to M: handler", last_trap()->handler, MODE_M);
  check("SSI to M: from", last_trap()->from, MODE_S);
  CSR_CLEAR(mip, MIP(IRQ_S_SOFT));
  CSR_WRITE(mie, 0);

  return finish("delegation");
}
