/* The Timer extension (EID 0x54494D45, SBI 2.0 chapter 6) and the legacy set_timer.
 *
 * With Sstc (menvcfg.STCE set, as on Pagoda), the supervisor timer interrupt comes
 * from stimecmp and mip.STIP is read-only, so set_timer writes stimecmp. Without it,
 * set_timer programs the CLINT's mtimecmp, clears STIP and enables the M-mode timer
 * interrupt; when that fires, the handler raises STIP and masks MTIE until the next
 * set_timer. */
#include "sbi.h"

void timer_set(u64 stime) {
  if (has_sstc) {
    csr_write(stimecmp, stime);
    return;
  }
  *CLINT_MTIMECMP(hart_id()) = stime;
  csr_clear(mip, MIP_STIP);
  csr_set(mie, MIP_MTIP);
}

void timer_machine_interrupt(void) {
  csr_clear(mie, MIP_MTIP);
  csr_set(mip, MIP_STIP);
}

struct sbiret sbi_time(u64 fid, struct trap_frame *f) {
  if (fid == 0) {   /* set_timer */
    timer_set(REG_A(f, 0));
    return (struct sbiret){ SBI_SUCCESS, 0 };
  }
  return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
}
