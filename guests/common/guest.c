#include "guest.h"

int guest_failures;
int guest_checks;

static volatile uint8_t *const uart = (volatile uint8_t *)UART_BASE;

void putch(char c) {
  while ((uart[5] & 0x20) == 0) { }
  uart[0] = (uint8_t)c;
}

void puts_(const char *s) { while (*s) putch(*s++); }

void print_hex(uint64_t v) {
  puts_("0x");
  for (int i = 60; i >= 0; i -= 4) putch("0123456789abcdef"[(v >> i) & 15]);
}

void print_udec(uint64_t v) {
  char buf[24];
  int n = 0;
  do { buf[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) putch(buf[--n]);
}

void print_dec(int64_t v) {
  if (v < 0) { putch('-'); print_udec((uint64_t)0 - (uint64_t)v); }
  else print_udec((uint64_t)v);
}

int getch(void) {
  if ((uart[5] & 0x01) == 0) return -1;
  return uart[0];
}

void guest_exit(int code) {
  volatile uint32_t *test = (volatile uint32_t *)TEST_BASE;
  if (code == 0) *test = 0x5555;
  else *test = ((uint32_t)code << 16) | 0x3333;
  for (;;) asm volatile("wfi");
}

void check(const char *label, uint64_t got, uint64_t want) {
  guest_checks++;
  if (got == want) return;
  guest_failures++;
  puts_("FAIL ");
  puts_(label);
  puts_(": got ");
  print_hex(got);
  puts_(" want ");
  print_hex(want);
  putch('\n');
}

int finish(const char *name) {
  if (guest_failures == 0) {
    puts_("PASS ");
    puts_(name);
    putch('\n');
    return 0;
  }
  puts_("FAIL ");
  puts_(name);
  puts_(" (");
  print_dec(guest_failures);
  puts_(" failures)\n");
  return 1;
}

void guest_unexpected_trap(uint64_t cause, uint64_t epc, uint64_t tval) {
  puts_("unexpected trap: mcause=");
  print_hex(cause);
  puts_(" mepc=");
  print_hex(epc);
  puts_(" mtval=");
  print_hex(tval);
  putch('\n');
}

extern char guest_secondary_start[];

void release_hart(int hart, uint64_t arg) {
  volatile uint64_t *slot = (volatile uint64_t *)(MAILBOX_BASE + 0x100 + 32 * (uint64_t)hart);
  slot[0] = (uint64_t)guest_secondary_start;
  slot[1] = arg;
  *(volatile uint32_t *)((uintptr_t)slot + 0x14) = 1;
}

int hart_state(int hart) {
  return (int)*(volatile uint32_t *)(MAILBOX_BASE + 0x110 + 32 * (uint64_t)hart);
}

int mailbox_harts(void) { return (int)*(volatile uint32_t *)MAILBOX_BASE; }

__attribute__((weak)) void secondary_main(uint64_t hart, uint64_t arg) { (void)hart; (void)arg; }
