/* HSM hart_suspend (SBI 2.0 chapter 9.4): PAGODA-FLAGS: --harts 2
   Default retentive suspend returns once an IPI from hart 1 arrives (hart 1 sees
   hart 0 SUSPENDED meanwhile); default non-retentive suspend resumes at resume_addr
   in S-mode with a0 = hartid, a1 = opaque and sstatus.SIE = 0; reserved and
   platform suspend types are INVALID_PARAM, a resume address in the firmware
   INVALID_ADDRESS. Remote fences hart 1 asks of the suspended hart complete without
   waking it. QEMU-SKIP */
#include "sbi_rt.h"

#define OPAQUE 0x5e5e0001UL
static volatile uint64_t phase, seen_suspended, wakeups, fences_done, stayed_suspended;

static uint64_t status(uint64_t hart) { return (uint64_t)SBI1(EXT_HSM, 2, hart).value; }

/* Hart 1: whenever hart 0 is SUSPENDED, note it and send it an IPI. */
static void waker(void) {
  while (phase < 3) {
    if (status(0) == HSM_SUSPENDED) {
      seen_suspended++;
      /* A remote fence is served by the suspended hart without waking it. */
      if (SBI2(EXT_RFENCE, 0, 1, 0).error == 0 && sbi_call(EXT_RFENCE, 1, 1, 0, 0, 0, 0).error == 0)
        fences_done++;
      for (volatile int i = 0; i < 20000; i++) { }
      if (status(0) == HSM_SUSPENDED) stayed_suspended++;
      SBI2(EXT_IPI, 0, 1, 0);
      while (status(0) == HSM_SUSPENDED) { }
      wakeups++;
    }
  }
}

static void resumed(uint64_t hart, uint64_t opaque) {
  check("non-retentive: resumed at resume_addr", 1, 1);
  check("  a0 = hartid", hart, 0);
  check("  a1 = opaque", opaque, OPAQUE);
  check("  sstatus.SIE = 0", CSR_READ(sstatus) & SSTATUS_SIE, 0);
  check("  the IPI is pending", (CSR_READ(sip) & SIP_SSIP) != 0, 1);
  CSR_CLEAR(sip, SIP_SSIP);
  check("hart 1 saw hart 0 SUSPENDED twice", seen_suspended, 2);
  check("  its remote fences on the suspended hart completed", fences_done, 2);
  check("  and did not end the suspension", stayed_suspended, 2);
  check("hart 0 is STARTED", status(0), HSM_STARTED);
  phase = 3;
  sbi_exit(finish("sbi/suspend"));
}

void secondary_main(uint64_t hart, uint64_t opaque) {
  if (hart == 0) resumed(hart, opaque);   /* hart 0 resuming from non-retentive suspend */
  waker();
}

int main(void) {
  struct sbiret r;
  uint64_t bad[] = { 1, 0x0FFFFFFF, 0x10000000, 0x7FFFFFFF, 0x80000001, 0x90000000, 0xFFFFFFFF, 0x100000000UL };
  for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    r = SBI3(EXT_HSM, 3, bad[i], (uint64_t)sbi_secondary_start, 0);
    check("reserved or platform suspend type: INVALID_PARAM", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_PARAM);
  }
  r = SBI3(EXT_HSM, 3, 0x80000000UL, FIRMWARE_BASE, 0);
  check("resume address in the firmware: INVALID_ADDRESS", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_ADDRESS);

  SBI3(EXT_HSM, 0, 1, (uint64_t)sbi_secondary_start, 0);
  CSR_SET(sie, SIP_SSIP);     /* the IPI is the wake-up; SIE stays 0, so no trap */
  phase = 1;
  r = SBI3(EXT_HSM, 3, 0, 0, 0);
  check("retentive suspend returns SUCCESS", (uint64_t)r.error, 0);
  check("  after the IPI", (CSR_READ(sip) & SIP_SSIP) != 0, 1);
  CSR_CLEAR(sip, SIP_SSIP);
  while (wakeups < 1) { }
  check("  hart 1 saw hart 0 SUSPENDED", seen_suspended, 1);
  check("hart 0 is STARTED again", status(0), HSM_STARTED);

  phase = 2;
  CSR_SET(sstatus, SSTATUS_SIE);   /* must read 0 after resuming */
  r = SBI3(EXT_HSM, 3, 0x80000000UL, (uint64_t)sbi_secondary_start, OPAQUE);
  CSR_CLEAR(sstatus, SSTATUS_SIE);
  check("non-retentive suspend returned", (uint64_t)r.error, 0x999);
  return finish("sbi/suspend");
}
