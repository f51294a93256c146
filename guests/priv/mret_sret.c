/* Trap returns (privileged spec 3.1.6.1 and 3.3.2): "when executing an xRET
   instruction, supposing xPP holds the value y, xIE is set to xPIE; the privilege mode
   is changed to y; xPIE is set to 1; and xPP is set to the least-privileged supported
   mode (U if U-mode is implemented, else M)." (That MRET to S or U also clears MPRV
   is tested by mret_clears_mprv.) MRET enters M, S or U as MPP says; SRET enters S or U as SPP says. SRET in U-mode,
   SRET in S-mode with mstatus.TSR = 1 (3.1.6.5) and WFI in S-mode with mstatus.TW = 1
   (3.1.6.5: raised when WFI does not complete at once; here nothing wakes it) are
   illegal instructions. */
#include "priv.h"

#define SRET_BITS 0x10200073UL
#define WFI_BITS  0x10500073UL

/* mret with MPP = M, the given MIE/MPIE/MPRV bits; returns mstatus after it. */
static uint64_t mret_to_m(uint64_t bits) {
  uint64_t status = CSR_READ(mstatus) & ~(MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPRV | MSTATUS_MPP);
  uint64_t after;
  asm volatile("csrw mstatus, %1\n"
               "la t0, 1f\n"
               "csrw mepc, t0\n"
               "mret\n"
               "1: csrr %0, mstatus\n"
               : "=r"(after) : "r"(status | bits | MSTATUS_MPP) : "t0", "memory");
  CSR_CLEAR(mstatus, MSTATUS_MPRV | MSTATUS_MIE);
  return after;
}

/* In S-mode: sret with SPP = S and the given SIE/SPIE bits; returns sstatus after it. */
static uint64_t sret_to_s(uint64_t bits) {
  uint64_t status = CSR_READ(sstatus) & ~(MSTATUS_SIE | MSTATUS_SPIE);
  uint64_t after;
  asm volatile("csrw sstatus, %1\n"
               "la t0, 1f\n"
               "csrw sepc, t0\n"
               "sret\n"
               "1: csrr %0, sstatus\n"
               : "=r"(after) : "r"(status | bits | MSTATUS_SPP) : "t0", "memory");
  CSR_CLEAR(sstatus, MSTATUS_SIE);
  return after;
}

static uint64_t ecall_here(uint64_t unused) {
  (void)unused;
  uint64_t pc;
  asm volatile("li a7, 0\n la %0, 1f\n1: ecall" : "=&r"(pc) :: "a7", "memory");
  return pc;
}

/* In S-mode: sret to U-mode with SPIE as given (SIE clear), where U-mode ecalls. */
static uint64_t sret_to_u(uint64_t spie) {
  CSR_CLEAR(sstatus, MSTATUS_SIE | MSTATUS_SPIE);
  CSR_SET(sstatus, spie);
  priv_sret_run(MODE_U, ecall_here, 0);
}

#define AT(name, insn)                                              \
  static uint64_t name(uint64_t unused) {                           \
    (void)unused;                                                   \
    uint64_t pc;                                                    \
    asm volatile("la %0, 1f\n1: " insn : "=&r"(pc) :: "memory");    \
    return pc;                                                      \
  }
AT(do_sret, "sret")
AT(do_wfi, "wfi")

static uint64_t field(uint64_t status, uint64_t bit) { return (status & bit) != 0; }

int main(void) {
  priv_init();

  puts_("mret to M-mode\n");
  uint64_t s = mret_to_m(MSTATUS_MPIE);
  check("mret M: MIE = old MPIE (1)", field(s, MSTATUS_MIE), 1);
  check("mret M: MPIE = 1", field(s, MSTATUS_MPIE), 1);
  check("mret M: MPP = U", MPP_FIELD(s), MODE_U);
  s = mret_to_m(MSTATUS_MIE | MSTATUS_MPRV);
  check("mret M: MIE = old MPIE (0)", field(s, MSTATUS_MIE), 0);
  check("mret M: MPIE = 1", field(s, MSTATUS_MPIE), 1);
  check("mret M: MPRV kept", field(s, MSTATUS_MPRV), 1);

  puts_("mret to S-mode and U-mode\n");
  static const uint64_t modes[2] = {MODE_S, MODE_U};
  for (int i = 0; i < 2; i++) {
    uint64_t mode = modes[i];
    for (uint64_t mpie = 0; mpie <= 1; mpie++) {
      /* The ecall in the lower mode saves its MIE (set from MPIE by mret) in MPIE. */
      CSR_CLEAR(mstatus, MSTATUS_MIE | MSTATUS_MPIE);
      CSR_SET(mstatus, mpie ? MSTATUS_MPIE : 0);
      trap_reset();
      uint64_t pc = priv_run(mode, ecall_here, 0);
      check_one_trap("mret to lower mode", mode == MODE_S ? CAUSE_ECALL_S : CAUSE_ECALL_U, MODE_M, mode, pc, 0);
      check("mret lower: MIE = old MPIE", field(last_trap()->status, MSTATUS_MPIE), mpie);
    }
  }

  puts_("sret to S-mode\n");
  s = priv_run(MODE_S, sret_to_s, MSTATUS_SPIE);
  check("sret S: SIE = old SPIE (1)", field(s, MSTATUS_SIE), 1);
  check("sret S: SPIE = 1", field(s, MSTATUS_SPIE), 1);
  check("sret S: SPP = U", field(s, MSTATUS_SPP), 0);
  s = priv_run(MODE_S, sret_to_s, MSTATUS_SIE);
  check("sret S: SIE = old SPIE (0)", field(s, MSTATUS_SIE), 0);
  check("sret S: SPIE = 1", field(s, MSTATUS_SPIE), 1);

  puts_("sret to U-mode\n");
  for (uint64_t spie = 0; spie <= 1; spie++) {
    trap_reset();
    priv_run(MODE_S, sret_to_u, spie ? MSTATUS_SPIE : 0);
    check("sret to U: one ecall from U", trap_count, 1);
    check("sret to U: cause", last_trap()->cause, CAUSE_ECALL_U);
    check("sret U: SIE = old SPIE", field(last_trap()->status, MSTATUS_SIE), spie);
    check("sret U: SPIE = 1", field(last_trap()->status, MSTATUS_SPIE), 1);
    check("sret U: SPP = U", field(last_trap()->status, MSTATUS_SPP), 0);
  }

  puts_("sret from U-mode is illegal\n");
  trap_reset();
  uint64_t pc = priv_run(MODE_U, do_sret, 0);
  check_one_trap("sret from U", CAUSE_ILLEGAL, MODE_M, MODE_U, pc, SRET_BITS);

  puts_("mstatus.TSR makes sret in S-mode illegal\n");
  CSR_SET(mstatus, MSTATUS_TSR);
  trap_reset();
  pc = priv_run(MODE_S, do_sret, 0);
  check_one_trap("sret from S with TSR", CAUSE_ILLEGAL, MODE_M, MODE_S, pc, SRET_BITS);
  CSR_CLEAR(mstatus, MSTATUS_TSR);

  puts_("mstatus.TW makes wfi in S-mode illegal\n");
  CSR_SET(mstatus, MSTATUS_TW);
  trap_reset();
  pc = priv_run(MODE_S, do_wfi, 0);
  check_one_trap("wfi from S with TW", CAUSE_ILLEGAL, MODE_M, MODE_S, pc, WFI_BITS);
  /* TW leaves M-mode alone: wfi with an enabled interrupt pending (MIE = 0) completes. */
  CLINT_MSIP(0) = 1;
  CSR_WRITE(mie, MIP(IRQ_M_SOFT));
  trap_reset();
  do_wfi(0);
  check_no_trap("wfi in M with TW");
  CSR_WRITE(mie, 0);
  CLINT_MSIP(0) = 0;
  CSR_CLEAR(mstatus, MSTATUS_TW);

  return finish("mret_sret");
}
