/* System Reset (SBI 2.0 chapter 10) under Pagoda's firmware: reserved reset types and
   reasons are INVALID_PARAM; a cold and then a warm reboot restart the machine (a
   counter outside the image, which a reset keeps, tells the boots apart); shutdown
   then ends the test with success. QEMU-SKIP */
#include "sbi_rt.h"

#define MARK ((volatile uint64_t *)0x81000000UL)   /* outside the image */
#define COUNT ((volatile uint64_t *)0x81000008UL)
#define MAGIC 0x5b1b007b5b1b007bULL
static volatile uint64_t initialised = 42;          /* .data: reloaded by the reset */

int main(void) {
  if (*MARK != MAGIC) {
    struct sbiret r = SBI2(EXT_SRST, 0, 3, 0);
    check("reserved reset type: INVALID_PARAM", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_PARAM);
    r = SBI2(EXT_SRST, 0, 0xF0000000UL, 0);
    check("vendor reset type: INVALID_PARAM", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_PARAM);
    r = SBI2(EXT_SRST, 0, 0, 2);
    check("reserved reset reason: INVALID_PARAM", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_PARAM);
    r = SBI2(EXT_SRST, 1, 0, 0);
    check("unknown SRST function: NOT_SUPPORTED", (uint64_t)r.error, (uint64_t)SBI_ERR_NOT_SUPPORTED);
    if (failures) return finish("sbi/srst");
    puts_("first boot: cold reboot\n");
    *MARK = MAGIC;
    *COUNT = 1;
    initialised = 7;
    SBI2(EXT_SRST, 0, 1, 0);
    puts_("FAIL cold reboot returned\n");
    return 1;
  }
  if (*COUNT == 1) {
    check("second boot: .data reloaded", initialised, 42);
    puts_("second boot: warm reboot\n");
    *COUNT = 2;
    initialised = 8;
    SBI2(EXT_SRST, 0, 2, 0);
    puts_("FAIL warm reboot returned\n");
    return 1;
  }
  check("third boot: after two reboots", *COUNT, 2);
  check("third boot: .data reloaded", initialised, 42);
  *MARK = 0;
  return finish("sbi/srst");
}
