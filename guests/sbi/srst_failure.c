/* SRST shutdown with reason "system failure" (SBI 2.0 chapter 10) makes the firmware
   fail through the test device with code 1: the machine stops with failure code 1
   (the test expects that). QEMU-SKIP */
#include "sbi_rt.h"

int main(void) {
  puts_("shutting down with reason system failure\n");
  SBI2(EXT_SRST, 0, 0, 1);
  puts_("FAIL shutdown returned\n");
  return 2;
}
