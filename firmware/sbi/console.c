/* The 16550 UART, the legacy console calls and the Debug Console extension (EID
 * 0x4442434E "DBCN", SBI 2.0 chapter 12). */
#include "sbi.h"

#define UART ((volatile u8 *)UART_BASE)
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20

void uart_putc(u8 c) {
  while (!(UART[5] & LSR_THR_EMPTY)) { }
  UART[0] = c;
}

int uart_getc(void) {
  if (!(UART[5] & LSR_DATA_READY)) return -1;
  return UART[0];
}

void uart_puts(const char *s) { while (*s) uart_putc((u8)*s++); }

void uart_puthex(u64 v) {
  uart_puts("0x");
  for (int i = 60; i >= 0; i -= 4) uart_putc((u8)"0123456789abcdef"[(v >> i) & 15]);
}

/* A buffer the supervisor names by physical address must lie in RAM and outside
   the firmware's region (chapter 12: INVALID_PARAM otherwise). */
static int buffer_ok(u64 lo, u64 hi, u64 len) {
  if (hi != 0) return 0;
  if (len == 0) return 1;
  return address_in_ram(lo, len) && !address_in_firmware(lo, len);
}

struct sbiret sbi_dbcn(u64 fid, struct trap_frame *f) {
  u64 n = REG_A(f, 0), lo = REG_A(f, 1), hi = REG_A(f, 2);
  switch (fid) {
  case 0: {   /* console_write(num_bytes, base_addr_lo, base_addr_hi) */
    if (!buffer_ok(lo, hi, n)) return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    const volatile u8 *p = (const volatile u8 *)lo;
    for (u64 i = 0; i < n; i++) uart_putc(p[i]);
    return (struct sbiret){ SBI_SUCCESS, n };
  }
  case 1: {   /* console_read(num_bytes, base_addr_lo, base_addr_hi) */
    if (!buffer_ok(lo, hi, n)) return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    volatile u8 *p = (volatile u8 *)lo;
    u64 got = 0;
    while (got < n) {
      int c = uart_getc();
      if (c < 0) break;
      p[got++] = (u8)c;
    }
    return (struct sbiret){ SBI_SUCCESS, got };
  }
  case 2:     /* console_write_byte(byte) */
    uart_putc((u8)REG_A(f, 0));
    return (struct sbiret){ SBI_SUCCESS, 0 };
  }
  return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
}
