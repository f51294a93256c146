/* The 16550's receiver (PC16550D data sheet): LSR bit 0 (DR) is set while a received
   byte waits in RBR, and reading RBR takes it. The test harness feeds "hello\n" to
   the serial line; the guest reads it by polling, echoes it uppercased and checks it. */
#include "guest.h"

static volatile uint8_t *const uart = (volatile uint8_t *)UART_BASE;
#define RBR 0
#define LSR 5
#define LSR_DR 0x01

static char read_byte(void) {
  while ((uart[LSR] & LSR_DR) == 0) { }
  return (char)uart[RBR];
}

int main(void) {
  const char *expected = "hello\n";
  char line[16];
  int n = 0;
  puts_("waiting for a line\n");
  while (n < (int)sizeof line - 1) {
    char c = read_byte();
    line[n++] = c;
    putch(c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c);
    if (c == '\n') break;
  }
  line[n] = 0;
  check("received length", (uint64_t)n, 6);
  for (int i = 0; i < 6 && i < n; i++) check("received byte", (uint8_t)line[i], (uint8_t)expected[i]);
  check("no more data", uart[LSR] & LSR_DR, 0);
  return finish("uart_input");
}
