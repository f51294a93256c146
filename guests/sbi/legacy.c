/* The legacy SBI calls Pagoda's firmware keeps (SBI 2.0 chapter 5): console_putchar
   (0x01), console_getchar (0x02; the test feeds "L" on the console), set_timer (0x00)
   raising a supervisor timer interrupt, and shutdown (0x08), which ends the test.
   QEMU-SKIP */
#include "sbi_rt.h"

static volatile int timer_interrupts;

static void on_trap(struct s_frame *f) {
  if (f->scause != IRQ_S_TIMER) { puts_("unexpected trap\n"); sbi_exit(1); }
  timer_interrupts++;
  sbi_legacy(0x00, ~0UL);   /* no further timer interrupt; clears STIP */
}

int main(void) {
  trap_handler = on_trap;
  const char *text = "legacy putchar\n";
  long r = 0;
  for (const char *p = text; *p; p++) r |= sbi_legacy(0x01, (uint8_t)*p);
  check("console_putchar returns 0", (uint64_t)r, 0);

  long c = -1;
  for (int i = 0; i < 2000 && c < 0; i++) c = sbi_legacy(0x02, 0);
  check("console_getchar reads the input", (uint64_t)c, 'L');
  check("console_getchar with nothing waiting", (uint64_t)sbi_legacy(0x02, 0), (uint64_t)-1L);

  CSR_SET(sie, SIP_STIP);
  CSR_SET(sstatus, SSTATUS_SIE);
  uint64_t deadline = read_time() + 100000;
  check("set_timer returns 0", (uint64_t)sbi_legacy(0x00, deadline), 0);
  check("no interrupt before the deadline", (uint64_t)timer_interrupts, 0);
  for (int i = 0; i < 100000000 && !timer_interrupts; i++) { }
  check("set_timer: one timer interrupt", (uint64_t)timer_interrupts, 1);
  check("it came at the deadline", read_time() >= deadline, 1);
  CSR_CLEAR(sstatus, SSTATUS_SIE);

  if (failures) return finish("sbi/legacy");
  puts_("PASS sbi/legacy (legacy shutdown next)\n");
  sbi_legacy(0x08, 0);
  puts_("FAIL legacy shutdown returned\n");
  return 1;
}
