/* The console (MOS 4th ed. 5.2.2 "Programmed I/O": polling the UART): the
   kernel's printing, one lock so lines from different harts never mix, and power-off. */
#include "kernel.h"

static struct tas_lock console_lock;

static void putc_raw(char c) {
  volatile u8 *uart = (volatile u8 *)UART_BASE;
  while ((uart[5] & 0x20) == 0) { }
  uart[0] = (u8)c;
}

void console_write(const char *s, u64 n) {
  tas_acquire(&console_lock);
  for (u64 i = 0; i < n; i++) putc_raw(s[i]);
  tas_release(&console_lock);
}

void kprintf(const char *fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vformat(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n > (int)sizeof buf - 1) n = sizeof buf - 1;
  console_write(buf, (u64)n);
}

void power_off(int code) {
  volatile u32 *test = (volatile u32 *)TEST_BASE;
  *test = code == 0 ? 0x5555 : (((u32)code << 16) | 0x3333);
  for (;;) asm volatile("wfi");
}

void panic(const char *msg) {
  kprintf("[kernel] panic: %s\n", msg);
  power_off(98);
}
