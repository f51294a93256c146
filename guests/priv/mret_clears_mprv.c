// QEMU-SKIP: QEMU 7.2 leaves mstatus.MPRV set on MRET to S- or U-mode (cleared from QEMU 8.0)
/* Privileged spec 1.12, 3.1.6.1: "If y≠M, xRET also sets MPRV=0." MRET to S- or U-mode
   clears mstatus.MPRV; MRET to M-mode keeps it. The lower mode's ecall shows mstatus
   as it was after the MRET (a trap leaves MPRV alone). */
#include "priv.h"

static uint64_t ecall_here(uint64_t unused) {
  (void)unused;
  asm volatile("li a7, 0\n ecall" ::: "a7", "memory");
  return 0;
}

int main(void) {
  priv_init();
  static const uint64_t modes[2] = {MODE_S, MODE_U};
  for (int i = 0; i < 2; i++) {
    puts_(modes[i] == MODE_S ? "mret to S-mode with MPRV = 1\n" : "mret to U-mode with MPRV = 1\n");
    CSR_SET(mstatus, MSTATUS_MPRV);   /* MPP = M here: M-mode accesses are unchanged */
    trap_reset();
    priv_run(modes[i], ecall_here, 0);
    check("one ecall", trap_count, 1);
    check("MPRV cleared by mret", (last_trap()->status & MSTATUS_MPRV) != 0, 0);
    CSR_CLEAR(mstatus, MSTATUS_MPRV);
  }

  puts_("mret to M-mode with MPRV = 1\n");
  uint64_t after;
  CSR_SET(mstatus, MSTATUS_MPRV | MSTATUS_MPP);
  asm volatile("la t0, 1f\n csrw mepc, t0\n mret\n1: csrr %0, mstatus" : "=r"(after) :: "t0", "memory");
  CSR_CLEAR(mstatus, MSTATUS_MPRV);
  check("MPRV kept by mret to M", (after & MSTATUS_MPRV) != 0, 1);
  return finish("mret_clears_mprv");
}
