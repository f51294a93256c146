/* The firmware takes RAM's extent from the device tree's memory node: with 256 MiB
   of RAM (the test runs it so), a DBCN buffer near its top is accepted, one past it
   or crossing its end is INVALID_PARAM, and so is a hart_start address past it.
   QEMU-SKIP */
#include "sbi_rt.h"

#define RAM_END (0x80000000UL + (256UL << 20))

int main(void) {
  char *high = (char *)(RAM_END - 0x100);
  struct sbiret r = SBI3(EXT_DBCN, 1, 4, (uint64_t)high, 0);   /* no input: reads nothing */
  check("console_read into the top of RAM", (uint64_t)r.error, 0);
  if (failures) return finish("sbi/ram_size");
  const char *text = "from high RAM\n";
  unsigned n = 0;
  while (text[n]) { high[n] = text[n]; n++; }
  r = SBI3(EXT_DBCN, 0, n, (uint64_t)high, 0);
  check("console_write from the top of RAM", (uint64_t)r.error, 0);
  check("  all of it", (uint64_t)r.value, n);
  r = SBI3(EXT_DBCN, 0, 16, RAM_END - 8, 0);
  check("a buffer crossing RAM's end: INVALID_PARAM", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_PARAM);
  r = SBI3(EXT_DBCN, 0, 4, RAM_END, 0);
  check("a buffer past RAM: INVALID_PARAM", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_PARAM);
  r = SBI3(EXT_DBCN, 1, 4, RAM_END, 0);
  check("console_read past RAM: INVALID_PARAM", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_PARAM);
  r = SBI3(EXT_HSM, 0, 0, RAM_END, 0);
  check("hart_start past RAM: INVALID_ADDRESS", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_ADDRESS);
  return finish("sbi/ram_size");
}
