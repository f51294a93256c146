/* Supervisor timer interrupts under Pagoda's firmware (SBI 2.0 chapter 6, and Sstc,
   which the firmware hands to S-mode through menvcfg.STCE): TIME set_timer raises
   one at its deadline, a later set_timer clears a pending one, and S-mode can use
   stimecmp directly. QEMU-SKIP */
#include "sbi_rt.h"

#define STIMECMP 0x14D
static volatile int interrupts, use_stimecmp;
static volatile uint64_t at;

static void on_trap(struct s_frame *f) {
  if (f->scause != IRQ_S_TIMER) { puts_("unexpected trap\n"); sbi_exit(1); }
  interrupts++;
  at = read_time();
  if (use_stimecmp) asm volatile("csrw 0x14D, %0" :: "r"(~0UL));
  else SBI1(EXT_TIME, 0, ~0UL);
}

static void wait_interrupt(void) {
  for (int i = 0; i < 10000000 && !interrupts; i++) { }
}

int main(void) {
  trap_handler = on_trap;
  CSR_SET(sie, SIP_STIP);

  uint64_t deadline = read_time() + 3000;
  CSR_SET(sstatus, SSTATUS_SIE);
  struct sbiret r = SBI1(EXT_TIME, 0, deadline);
  check("TIME set_timer succeeds", (uint64_t)r.error, 0);
  wait_interrupt();
  CSR_CLEAR(sstatus, SSTATUS_SIE);
  check("TIME set_timer: one interrupt", (uint64_t)interrupts, 1);
  check("at or after the deadline", at >= deadline, 1);

  /* A deadline in the past makes STIP pending at once; a new set_timer clears it. */
  SBI1(EXT_TIME, 0, 0);
  check("a past deadline: STIP pending", (CSR_READ(sip) & SIP_STIP) != 0, 1);
  SBI1(EXT_TIME, 0, ~0UL);
  check("set_timer(-1) clears STIP", (CSR_READ(sip) & SIP_STIP) != 0, 0);
  check("no interrupt taken meanwhile", (uint64_t)interrupts, 1);

  /* stimecmp directly (Sstc enabled for S-mode by the firmware). */
  use_stimecmp = 1;
  interrupts = 0;
  deadline = read_time() + 3000;
  asm volatile("csrw 0x14D, %0" :: "r"(deadline));
  uint64_t readback;
  asm volatile("csrr %0, 0x14D" : "=r"(readback));
  check("stimecmp reads back", readback, deadline);
  CSR_SET(sstatus, SSTATUS_SIE);
  wait_interrupt();
  CSR_CLEAR(sstatus, SSTATUS_SIE);
  check("stimecmp: one interrupt", (uint64_t)interrupts, 1);
  check("stimecmp: at or after the deadline", at >= deadline, 1);
  return finish("sbi/timer");
}
