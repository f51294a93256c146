/* The M-mode trap handler: SBI calls (ecall from S-mode, SBI 2.0 chapter 3: a7 =
 * extension id, a6 = function id, a0-a5 arguments, error in a0 and value in a1),
 * the machine software and timer interrupts, and every other trap from S or U mode,
 * which is passed on to S-mode as if it had been delegated (privileged spec 3.1.7,
 * 4.1.1). */
#include "sbi.h"

#define CAUSE_ECALL_S 9
#define INTERRUPT_BIT (1UL << 63)
#define IRQ_M_SOFT 3
#define IRQ_M_TIMER 7

/* The legacy extensions (SBI 2.0 chapter 5) return their result in a0 only. */
static int legacy_call(u64 eid, struct trap_frame *f) {
  switch (eid) {
  case EXT_LEGACY_SET_TIMER:
    timer_set(REG_A(f, 0));
    REG_A(f, 0) = 0;
    return 1;
  case EXT_LEGACY_PUTCHAR:
    uart_putc((u8)REG_A(f, 0));
    REG_A(f, 0) = 0;
    return 1;
  case EXT_LEGACY_GETCHAR:
    REG_A(f, 0) = (u64)(s64)uart_getc();
    return 1;
  case EXT_LEGACY_SHUTDOWN:
    system_shutdown(0);
  }
  return 0;
}

static struct sbiret dispatch(u64 eid, u64 fid, struct trap_frame *f) {
  switch (eid) {
  case EXT_BASE: return sbi_base(fid, f);
  case EXT_TIME: return sbi_time(fid, f);
  case EXT_IPI: return sbi_ipi(fid, f);
  case EXT_RFENCE: return sbi_rfence(fid, f);
  case EXT_HSM: return sbi_hsm(fid, f);
  case EXT_SRST: return sbi_srst(fid, f);
  case EXT_DBCN: return sbi_dbcn(fid, f);
  }
  return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
}

/* Deliver the trap just taken into M-mode to S-mode instead: what the hart would
   have done had medeleg delegated it. */
static void redirect_to_supervisor(struct trap_frame *f, u64 mcause, u64 mtval) {
  u64 mstatus = csr_read(mstatus);
  u64 from_s = ((mstatus & MSTATUS_MPP) >> 11) == 1;
  u64 sie = (mstatus & MSTATUS_SIE) != 0;
  csr_write(sepc, f->mepc);
  csr_write(scause, mcause);
  csr_write(stval, mtval);
  mstatus &= ~(MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE | MSTATUS_MPP);
  mstatus |= (from_s ? MSTATUS_SPP : 0) | (sie ? MSTATUS_SPIE : 0) | (1UL << 11);
  csr_write(mstatus, mstatus);
  f->mepc = csr_read(stvec) & ~3UL;
}

void trap_handler(struct trap_frame *f) {
  u64 mcause = csr_read(mcause), mtval = csr_read(mtval);
  if (mcause & INTERRUPT_BIT) {
    u64 code = mcause & ~INTERRUPT_BIT;
    if (code == IRQ_M_SOFT) ipi_process(hart_id());
    else if (code == IRQ_M_TIMER) timer_machine_interrupt();
    return;
  }
  u64 mpp = (csr_read(mstatus) & MSTATUS_MPP) >> 11;
  if (mpp == 3) panic("trap from M-mode", mcause, f->mepc, mtval);
  if (mcause != CAUSE_ECALL_S) {
    redirect_to_supervisor(f, mcause, mtval);
    return;
  }
  f->mepc += 4;
  u64 eid = REG_A(f, 7), fid = REG_A(f, 6);
  if (legacy_call(eid, f)) return;
  struct sbiret ret = dispatch(eid, fid, f);
  REG_A(f, 0) = (u64)ret.error;
  REG_A(f, 1) = ret.value;
}
