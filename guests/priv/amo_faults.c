// QEMU-SKIP: QEMU 7.2 reports AMO faults as load faults (5, 4) and lets a misaligned SC without a reservation fail silently
/* AMOs and store-conditionals raise store/AMO exceptions (privileged spec 3.1.15,
   Table 3.6: "Store/AMO access fault", "Store/AMO address misaligned"): an AMO at an
   address with neither memory nor a device raises a store/AMO access fault (7), and
   an AMO or SC that is not naturally aligned raises "an address-misaligned
   exception or an access-fault exception" (unprivileged spec 8.2, 8.4): store/AMO
   address misaligned (6) here, as nothing supports misaligned atomics (no Zam). mtval
   is the address, and memory is left unchanged. */
#include "priv.h"

#define UNMAPPED 0x08000000UL   /* between the platform bus and the PLIC: nothing there */

#define MEM_OP(name, insn)                                                        \
  static uint64_t name(uint64_t addr) {                                          \
    uint64_t pc;                                                                 \
    asm volatile("li t0, 1\n la %0, 1f\n1: " insn : "=&r"(pc) : "r"(addr) : "t0", "t1", "memory"); \
    return pc;                                                                   \
  }
MEM_OP(do_amoadd_w, "amoadd.w t1, t0, (%1)")
MEM_OP(do_amoswap_d, "amoswap.d t1, t0, (%1)")
MEM_OP(do_amoor_w, "amoor.w t1, t0, (%1)")
MEM_OP(do_sc_w, "sc.w t1, t0, (%1)")
MEM_OP(do_sc_d, "sc.d t1, t0, (%1)")

static uint64_t data[2] __attribute__((aligned(16)));

static void expect(const char *label, uint64_t (*op)(uint64_t), uint64_t mode, uint64_t addr, uint64_t cause) {
  trap_reset();
  uint64_t pc = mode == MODE_M ? op(addr) : priv_run(mode, op, addr);
  check_one_trap(label, cause, MODE_M, mode, pc, addr);
}

int main(void) {
  priv_init();
  puts_("AMO access faults\n");
  expect("amoadd.w unmapped", do_amoadd_w, MODE_M, UNMAPPED + 0x100, CAUSE_STORE_ACCESS);
  expect("amoswap.d unmapped", do_amoswap_d, MODE_M, UNMAPPED + 0x108, CAUSE_STORE_ACCESS);
  expect("amoor.w unmapped from U", do_amoor_w, MODE_U, UNMAPPED + 0x10c, CAUSE_STORE_ACCESS);

  puts_("misaligned AMOs and SC\n");
  uint64_t base = (uint64_t)data;
  expect("amoadd.w misaligned", do_amoadd_w, MODE_M, base + 2, CAUSE_MISALIGNED_STORE);
  expect("amoswap.d misaligned", do_amoswap_d, MODE_M, base + 4, CAUSE_MISALIGNED_STORE);
  expect("amoor.w misaligned from S", do_amoor_w, MODE_S, base + 1, CAUSE_MISALIGNED_STORE);
  expect("sc.w misaligned", do_sc_w, MODE_M, base + 1, CAUSE_MISALIGNED_STORE);
  expect("sc.d misaligned", do_sc_d, MODE_M, base + 12, CAUSE_MISALIGNED_STORE);
  check("memory unchanged", data[0] | data[1], 0);

  return finish("amo_faults");
}
