/* The System Reset extension (EID 0x53525354 "SRST", SBI 2.0 chapter 10), through
 * the SiFive test device: 0x5555 powers off with success, 0x3333 | code << 16 with
 * failure code `code`, 0x7777 resets the machine. */
#include "sbi.h"

#define TEST ((volatile u32 *)TEST_BASE)
#define RESET_SHUTDOWN    0
#define RESET_COLD_REBOOT 1
#define RESET_WARM_REBOOT 2
#define REASON_NONE           0
#define REASON_SYSTEM_FAILURE 1
extern volatile u64 boot_ready;

void __attribute__((noreturn)) system_shutdown(int failure) {
  *TEST = failure ? (0x3333U | (1U << 16)) : 0x5555U;
  for (;;) asm volatile("wfi");
}

void __attribute__((noreturn)) system_reboot(void) {
  /* The reset reloads the image, but clear the flag anyway so that the next boot's
     waiting harts wait for the new boot hart even if RAM were kept as it is. */
  boot_ready = 0;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  *TEST = 0x7777U;
  for (;;) asm volatile("wfi");
}

struct sbiret sbi_srst(u64 fid, struct trap_frame *f) {
  if (fid != 0) return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
  u64 type = REG_A(f, 0), reason = REG_A(f, 1);
  /* Types 3..0xEFFFFFFF and reasons 2..0xDFFFFFFF are reserved; the SBI- and
     vendor-specific ranges are not implemented here. Both are INVALID_PARAM. */
  if (type > RESET_WARM_REBOOT || reason > REASON_SYSTEM_FAILURE)
    return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
  if (type == RESET_SHUTDOWN) system_shutdown(reason == REASON_SYSTEM_FAILURE);
  system_reboot();
}
