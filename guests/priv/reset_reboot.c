/* A reset through the SiFive test device (0x7777) restarts the machine at the reset
   vector with the image loaded again, while RAM outside the image keeps its contents
   (as on QEMU): the first boot leaves a mark past the image and asks for a reset; the
   second boot finds the mark, sees its .data reloaded, and passes. */
#include "guest.h"

#define MARK ((volatile uint64_t *)0x80f00000UL)   /* outside the image */
#define MAGIC 0x5eb0075eb0075eb0ULL
static volatile uint64_t initialised = 42;          /* .data: reloaded by the reset */

int main(void) {
  if (*MARK != MAGIC) {
    puts_("first boot: asking for a reset\n");
    *MARK = MAGIC;
    initialised = 7;
    *(volatile uint32_t *)TEST_BASE = 0x7777;
    for (;;) { }
  }
  puts_("second boot after reset\n");
  check(".data reloaded", initialised, 42);
  *MARK = 0;
  return finish("reset_reboot");
}
