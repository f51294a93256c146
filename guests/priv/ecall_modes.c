/* ecall from each privilege mode raises "environment call from U/S/M-mode" (exception
   codes 8, 9 and 11, privileged spec 3.1.15 Table 3.6) with mepc = the address of the
   ecall and mtval = 0 (3.1.16: mtval is zero for exceptions that do not set it);
   with medeleg[8] set, an ecall from U-mode is taken by S-mode instead (3.1.8), with
   scause = 8, sepc = the ecall's address, stval = 0 and sstatus.SPP = U. */
#include "priv.h"

/* Executes an ecall (a7 = 0: not the closing ecall of priv_run) and returns its address. */
static uint64_t ecall_here(uint64_t unused) {
  (void)unused;
  uint64_t pc;
  asm volatile("li a7, 0\n la %0, 1f\n1: ecall" : "=&r"(pc) :: "a7", "memory");
  return pc;
}

int main(void) {
  priv_init();

  puts_("ecall from M-mode\n");
  trap_reset();
  uint64_t pc = ecall_here(0);
  check_one_trap("ecall from M", CAUSE_ECALL_M, MODE_M, MODE_M, pc, 0);

  puts_("ecall from S-mode\n");
  trap_reset();
  pc = priv_run(MODE_S, ecall_here, 0);
  check_one_trap("ecall from S", CAUSE_ECALL_S, MODE_M, MODE_S, pc, 0);

  puts_("ecall from U-mode\n");
  trap_reset();
  pc = priv_run(MODE_U, ecall_here, 0);
  check_one_trap("ecall from U", CAUSE_ECALL_U, MODE_M, MODE_U, pc, 0);

  puts_("ecall from U-mode delegated to S-mode\n");
  CSR_WRITE(medeleg, 1UL << CAUSE_ECALL_U);
  check("medeleg[8] is writable", CSR_READ(medeleg), 1UL << CAUSE_ECALL_U);
  trap_reset();
  pc = priv_run(MODE_U, ecall_here, 0);
  check_one_trap("delegated ecall from U", CAUSE_ECALL_U, MODE_S, MODE_U, pc, 0);

  puts_("ecall from S-mode is still taken by M-mode\n");
  trap_reset();
  pc = priv_run(MODE_S, ecall_here, 0);
  check_one_trap("ecall from S with medeleg[8]", CAUSE_ECALL_S, MODE_M, MODE_S, pc, 0);
  CSR_WRITE(medeleg, 0);

  return finish("ecall_modes");
}
