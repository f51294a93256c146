/* The Hart State Management extension (EID 0x48534D "HSM", SBI 2.0 chapter 9).
 *
 * A hart Pagoda's mailbox still holds (STATE 0) has never run: it is STOPPED, and
 * hart_start releases it through the mailbox at secondary_entry (platform.c's
 * warm_boot takes it to S-mode). A hart that stopped, or that waits in the firmware
 * because every hart started together (--boot-all-harts, QEMU), parks in WFI in
 * M-mode with only the machine software interrupt enabled; hart_start wakes it with
 * one. */
#include "sbi.h"

#define SUSPEND_RETENTIVE     0x00000000UL
#define SUSPEND_NON_RETENTIVE 0x80000000UL
#define MODE_S 1
extern char secondary_entry[];

static int supervisor_address_ok(u64 addr) {
  return address_in_ram(addr, 4) && !address_in_firmware(addr, 4);
}

/* Serve IPIs (and, without Sstc, forward the M timer) while waiting in M-mode. */
static void serve_while_waiting(u64 hart) {
  ipi_process(hart);
  if (!has_sstc && (csr_read(mip) & csr_read(mie) & MIP_MTIP)) timer_machine_interrupt();
}

void __attribute__((noreturn)) hart_park(u64 hart) {
  struct hart_state *h = &harts[hart];
  csr_write(mie, MIP_MSIP);
  for (;;) {
    serve_while_waiting(hart);
    if (h->hsm_state == HSM_START_PENDING) break;
    asm volatile("wfi");
  }
  __atomic_thread_fence(__ATOMIC_ACQUIRE);
  u64 addr = h->start_addr, opaque = h->opaque;
  csr_clear(mip, MIP_SSIP);
  if (!has_sstc) csr_clear(mip, MIP_STIP);
  h->hsm_state = HSM_STARTED;
  enter_supervisor(addr, hart, opaque, MODE_S);
}

static s64 hart_start(u64 hart, u64 addr, u64 opaque) {
  if (hart >= hart_count) return SBI_ERR_INVALID_PARAM;
  if (!supervisor_address_ok(addr)) return SBI_ERR_INVALID_ADDRESS;
  struct hart_state *h = &harts[hart];
  u64 expected = HSM_STOPPED;
  /* Claim the hart first, so two callers cannot both start it. */
  if (!__atomic_compare_exchange_n(&h->hsm_state, &expected, HSM_START_PENDING, 0,
                                   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
    /* A hart restarting is START_PENDING; one suspending (or stopping) is not
       available to start either. */
    return SBI_ERR_ALREADY_AVAILABLE;
  }
  /* hart_start's state check and the claim are one step; now the hart is ours. */
  h->start_addr = addr;
  h->opaque = opaque;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if (has_mailbox && *MAILBOX_STATE(hart) == 0) {
    *MAILBOX_START(hart) = (u64)secondary_entry;
    *MAILBOX_ARG(hart) = opaque;
    *MAILBOX_DOORBELL(hart) = 1;
  } else {
    *CLINT_MSIP(hart) = 1;
  }
  return SBI_SUCCESS;
}

static void __attribute__((noreturn)) hart_stop(u64 hart) {
  extern void __attribute__((noreturn)) hart_park_on_fresh_stack(u64 hart);
  harts[hart].hsm_state = HSM_STOP_PENDING;
  if (has_sstc) csr_write(stimecmp, ~0UL);
  csr_write(mie, MIP_MSIP);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  harts[hart].hsm_state = HSM_STOPPED;
  hart_park_on_fresh_stack(hart);
}

/* Default retentive and non-retentive suspend: wait in WFI until an interrupt the
   supervisor has enabled (sie) is pending. IPIs and remote fences posted meanwhile
   are served; only the supervisor's own interrupts end the suspension. */
static struct sbiret hart_suspend(u64 hart, u64 type, u64 resume_addr) {
  if (type != SUSPEND_RETENTIVE && type != SUSPEND_NON_RETENTIVE)
    return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
  if (type == SUSPEND_NON_RETENTIVE && !supervisor_address_ok(resume_addr))
    return (struct sbiret){ SBI_ERR_INVALID_ADDRESS, 0 };
  harts[hart].hsm_state = HSM_SUSPENDED;
  for (;;) {
    asm volatile("wfi");
    serve_while_waiting(hart);
    if (csr_read(mip) & csr_read(mie) & S_INTERRUPTS) break;
  }
  harts[hart].hsm_state = HSM_STARTED;
  return (struct sbiret){ SBI_SUCCESS, 0 };
}

struct sbiret sbi_hsm(u64 fid, struct trap_frame *f) {
  u64 self = hart_id();
  switch (fid) {
  case 0: return (struct sbiret){ hart_start(REG_A(f, 0), REG_A(f, 1), REG_A(f, 2)), 0 };
  case 1: hart_stop(self);
  case 2:
    if (REG_A(f, 0) >= hart_count) return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    return (struct sbiret){ SBI_SUCCESS, harts[REG_A(f, 0)].hsm_state };
  case 3: {
    u64 type = REG_A(f, 0), resume = REG_A(f, 1), opaque = REG_A(f, 2);
    struct sbiret r = hart_suspend(self, type, resume);
    if (r.error || type != SUSPEND_NON_RETENTIVE) return r;
    /* Non-retentive: resume in S-mode at resume_addr with a0 = hartid, a1 = opaque,
       satp = 0 and sstatus.SIE = 0 (the caller writes a0/a1 from the result). */
    f->mepc = resume;
    u64 mstatus = csr_read(mstatus);
    mstatus = (mstatus & ~(MSTATUS_MPP | MSTATUS_SIE)) | (1UL << 11);
    csr_write(mstatus, mstatus);
    csr_write(satp, 0);
    asm volatile("sfence.vma" ::: "memory");
    return (struct sbiret){ (s64)self, opaque };
  }
  }
  return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
}
