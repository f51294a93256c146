/* mstatus.TVM and the satp WARL rule (privileged spec 3.1.6.5 "Virtualization Support
   in mstatus Register", 4.1.11 "Supervisor Address Translation and Protection (satp)
   Register", 4.2.1 sfence.vma):

   - "When TVM=1, attempts to read or write the satp CSR or execute an SFENCE.VMA ...
     instruction while executing in S-mode will raise an illegal-instruction
     exception. When TVM=0, these operations are permitted in S-mode." Each csrr,
     csrw, csrrw, csrrs with rs1 = x0 (a read only) on satp and each sfence.vma form
     from S-mode with TVM = 1: cause 2, mepc the instruction, mtval the instruction
     bits (3.1.16: mtval "may be written with the first XLEN or ILEN bits of the
     faulting instruction"; both implementations compared here write them), the
     instruction has no effect (satp unchanged, rd unchanged). With TVM = 0 they work.
     M-mode is not affected by TVM. U-mode may never access satp (a supervisor CSR,
     2.1) nor execute sfence.vma, whatever TVM.
   - satp: "If satp is written with an unsupported MODE, the entire write has no
     effect; no fields in satp are modified." The reserved MODE values 1-7 and 11-13
     and 15 (from M- and S-mode); MODE = 9 and 10 (Sv48, Sv57) and 14 (Pagoda's
     base/limit, custom use) depend on what an implementation supports:
     vm/satp_warl.c. */
#include "priv.h"
#include "vm.h"

/* S- or U-mode operations with a0 and a1 as operands; the instruction's address is
   left in op_pc. Each returns a0 (0x5a5a unless the instruction wrote it). */
static volatile uint64_t op_pc;
#define OP(name, insn, bits)                                                                \
  static const uint32_t name##_bits = bits;                                                 \
  static uint64_t name(uint64_t arg) {                                                      \
    register uint64_t a0 asm("a0") = 0x5a5a;                                                \
    register uint64_t a1 asm("a1") = arg;                                                   \
    uint64_t pc;                                                                            \
    asm volatile("lla %[pc], 1f\n1: " insn : "+r"(a0), [pc] "=&r"(pc) : "r"(a1) : "memory"); \
    op_pc = pc;                                                                             \
    return a0;                                                                              \
  }
OP(op_csrr, "csrr a0, satp", 0x18002573)
OP(op_csrw, "csrw satp, a1", 0x18059073)
OP(op_csrrw, "csrrw a0, satp, a1", 0x18059573)
OP(op_csrrs0, "csrrs zero, satp, zero", 0x18002073)
OP(op_sfence, "sfence.vma zero, zero", 0x12000073)
OP(op_sfence_va, "sfence.vma a0, zero", 0x12050073)
OP(op_sfence_asid, "sfence.vma zero, a1", 0x12b00073)
OP(op_sfence_va_asid, "sfence.vma a0, a1", 0x12b50073)

struct op { const char *name; uint64_t (*fn)(uint64_t); const uint32_t *bits; int writes_a0; };
static const struct op ops[] = {
  {"csrr a0, satp", op_csrr, &op_csrr_bits, 1},
  {"csrw satp, a1", op_csrw, &op_csrw_bits, 0},
  {"csrrw a0, satp, a1", op_csrrw, &op_csrrw_bits, 1},
  {"csrrs zero, satp, zero", op_csrrs0, &op_csrrs0_bits, 0},
  {"sfence.vma zero, zero", op_sfence, &op_sfence_bits, 0},
  {"sfence.vma a0, zero", op_sfence_va, &op_sfence_va_bits, 0},
  {"sfence.vma zero, a1", op_sfence_asid, &op_sfence_asid_bits, 0},
  {"sfence.vma a0, a1", op_sfence_va_asid, &op_sfence_va_asid_bits, 0},
};
#define NOPS (sizeof ops / sizeof ops[0])

static void expect_illegal(const char *label, uint64_t mode, const struct op *op, uint64_t arg) {
  trap_reset();
  uint64_t a0 = priv_run(mode, op->fn, arg);
  check(label, a0, 0x5a5a);
  check_one_trap(label, CAUSE_ILLEGAL, MODE_M, mode, op_pc, *op->bits);
}

static uint64_t satp_a, satp_b;

int main(void) {
  priv_init();
  vm_reset();
  vm_map_identity(0);
  satp_a = SATP(SATP_MODE_SV39, 3, (uint64_t)vm_root);
  satp_b = SATP(SATP_MODE_SV39, 4, (uint64_t)vm_root);
  CSR_WRITE(satp, satp_a);
  vm_sfence();

  puts_("TVM = 0: S-mode reads and writes satp and executes sfence.vma\n");
  CSR_CLEAR(mstatus, MSTATUS_TVM);
  trap_reset();
  check("csrr satp", priv_run(MODE_S, op_csrr, 0), satp_a);
  check("csrw satp", priv_run(MODE_S, op_csrw, satp_b), 0x5a5a);
  check("satp written", CSR_READ(satp), satp_b);
  check("csrrw satp: old value", priv_run(MODE_S, op_csrrw, satp_a), satp_b);
  check("satp written back", CSR_READ(satp), satp_a);
  for (unsigned i = 3; i < NOPS; i++) priv_run(MODE_S, ops[i].fn, 3);
  check("no traps", trap_count, 0);

  puts_("TVM = 1: each is an illegal instruction in S-mode\n");
  CSR_SET(mstatus, MSTATUS_TVM);
  for (unsigned i = 0; i < NOPS; i++) {
    expect_illegal(ops[i].name, MODE_S, &ops[i], satp_b);
    check("satp unchanged", CSR_READ(satp), satp_a);
    check("TVM still set", CSR_READ(mstatus) & MSTATUS_TVM, MSTATUS_TVM);
  }

  puts_("TVM = 1: M-mode is not affected\n");
  trap_reset();
  check("M csrr satp", op_csrr(0), satp_a);
  op_csrw(satp_b);
  check("M csrw satp", CSR_READ(satp), satp_b);
  check("M csrrw satp", op_csrrw(satp_a), satp_b);
  for (unsigned i = 4; i < NOPS; i++) ops[i].fn(3);
  check("M: no traps", trap_count, 0);
  check("M csrrw satp wrote", CSR_READ(satp), satp_a);

  puts_("TVM = 1 again after TVM = 0: S-mode works once TVM is cleared\n");
  CSR_CLEAR(mstatus, MSTATUS_TVM);
  trap_reset();
  check("csrr satp", priv_run(MODE_S, op_csrr, 0), satp_a);
  priv_run(MODE_S, op_sfence, 0);
  check("no traps", trap_count, 0);

  puts_("U-mode: illegal whatever TVM\n");
  vm_disable();
  for (int tvm = 0; tvm < 2; tvm++) {
    if (tvm) CSR_SET(mstatus, MSTATUS_TVM); else CSR_CLEAR(mstatus, MSTATUS_TVM);
    for (unsigned i = 0; i < NOPS; i++) {
      expect_illegal(ops[i].name, MODE_U, &ops[i], satp_b);
      check("satp unchanged (Bare)", CSR_READ(satp), 0);
    }
  }
  CSR_CLEAR(mstatus, MSTATUS_TVM);

  puts_("satp: a write with an unsupported MODE has no effect\n");
  static const uint64_t bad_modes[] = {1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 15};
  for (unsigned i = 0; i < sizeof bad_modes / sizeof bad_modes[0]; i++)
    vm_expect_satp_write_ignored(SATP(bad_modes[i], 9, (uint64_t)vm_root), satp_a);
  CSR_WRITE(satp, 0);
  check("Bare is written", CSR_READ(satp), 0);
  CSR_WRITE(satp, satp_b);
  check("Sv39 is written", CSR_READ(satp), satp_b);
  vm_disable();
  return vm_finish("tvm");
}
