/* The Debug Console extension (SBI 2.0 chapter 12) under Pagoda's firmware:
   console_write, console_write_byte, console_read (the test feeds "abc" on the
   console), and INVALID_PARAM for buffers inside the firmware or outside RAM.
   QEMU-SKIP */
#include "sbi_rt.h"

static char text[] = "dbcn console_write\n";
static char buffer[16];

int main(void) {
  struct sbiret r = SBI3(EXT_DBCN, 0, sizeof text - 1, (uint64_t)text, 0);
  check("console_write succeeds", (uint64_t)r.error, 0);
  check("console_write wrote every byte", (uint64_t)r.value, sizeof text - 1);
  const char *bytes = "write_byte\n";
  for (const char *p = bytes; *p; p++) r = SBI1(EXT_DBCN, 2, (uint8_t)*p);
  check("console_write_byte succeeds", (uint64_t)r.error, 0);
  r = SBI3(EXT_DBCN, 0, 0, (uint64_t)text, 0);
  check("console_write of nothing", (uint64_t)r.value, 0);

  uint64_t got = 0;
  for (int i = 0; i < 2000 && got < 3; i++) {
    r = SBI3(EXT_DBCN, 1, 3 - got, (uint64_t)buffer + got, 0);
    if (r.error) break;
    got += (uint64_t)r.value;
  }
  check("console_read succeeds", (uint64_t)r.error, 0);
  check("console_read: three bytes", got, 3);
  check("console_read: the bytes", (uint64_t)buffer[0] | (uint64_t)buffer[1] << 8 | (uint64_t)buffer[2] << 16,
        'a' | 'b' << 8 | 'c' << 16);
  r = SBI3(EXT_DBCN, 1, sizeof buffer, (uint64_t)buffer, 0);
  check("console_read with nothing waiting", (uint64_t)r.value, 0);
  check("... succeeds", (uint64_t)r.error, 0);

  r = SBI3(EXT_DBCN, 0, 16, FIRMWARE_BASE, 0);
  check("write from the firmware: INVALID_PARAM", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_PARAM);
  r = SBI3(EXT_DBCN, 1, 16, FIRMWARE_BASE + 0x1000, 0);
  check("read into the firmware: INVALID_PARAM", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_PARAM);
  r = SBI3(EXT_DBCN, 0, 0x100, FIRMWARE_BASE + 0x80000 - 0x10, 0);
  check("a buffer overlapping the firmware's end: INVALID_PARAM", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_PARAM);
  r = SBI3(EXT_DBCN, 0, 4, 0x1000, 0);
  check("a buffer outside RAM: INVALID_PARAM", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_PARAM);
  r = SBI3(EXT_DBCN, 0, 4, (uint64_t)text, 1);
  check("base_addr_hi != 0: INVALID_PARAM", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_PARAM);
  return finish("sbi/dbcn");
}
