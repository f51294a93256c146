/* Failing on purpose: the SiFive test device's "fail" command, 0x3333 with the exit
   code in bits 31:16, ends the machine with that code; the harness expects 7. */
#include "guest.h"

int main(void) {
  puts_("exiting with code 7\n");
  *(volatile uint32_t *)TEST_BASE = (7u << 16) | 0x3333;
  for (;;) asm volatile("wfi");
}
