/* Illegal-instruction exceptions (cause 2, privileged spec 3.1.15) with mtval = the
   faulting instruction's bits (3.1.16: "the shortest of the actual faulting
   instruction, the first ILEN bits, the first MXLEN bits"; ILEN is 32 here) and mepc
   = its address, for: the all-zero 16-bit parcel (defined illegal, unprivileged spec
   16.1), an all-ones word, a reserved major opcode, a CSR that does not exist, a write
   to a read-only CSR (2.1: CSR address bits 11:10 = 11), CSRs of a higher privilege
   level (2.1: bits 9:8 give the lowest privilege that may access the CSR), and MRET
   from S- and U-mode (3.3.2: MRET is only legal in M-mode). */
#include "priv.h"

#define OPCODE_SYSTEM 0x73
#define REG_A0 10

/* The I-type encoding of a Zicsr instruction (unprivileged spec 9.1). */
static uint64_t csr_insn(uint32_t csr, uint32_t rs1, uint32_t funct3, uint32_t rd) {
  return (uint64_t)csr << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | OPCODE_SYSTEM;
}
#define CSRRW 1
#define CSRRS 2
#define CSRRCI 7

/* Each returns the address of the instruction it runs (after the handler skipped it). */
#define AT(name, insn)                                                  \
  static uint64_t name(uint64_t unused) {                               \
    (void)unused;                                                       \
    uint64_t pc;                                                        \
    asm volatile("la %0, 1f\n1: " insn : "=&r"(pc) :: "a0", "memory"); \
    return pc;                                                          \
  }
AT(zero_parcel, ".2byte 0x0000")
AT(all_ones, ".4byte 0xffffffff")
AT(reserved_opcode, ".4byte 0x00000077")   /* major opcode 1110111: reserved */
AT(missing_csr, "csrrs a0, 0x3ff, zero")   /* no CSR is allocated at 0x3ff */
AT(write_mhartid, "csrrw zero, mhartid, zero")
AT(read_mhartid, "csrrs a0, mhartid, zero")
AT(clear_mhartid_none, "csrrci a0, mhartid, 0")
AT(read_mstatus, "csrrs a0, mstatus, zero")
AT(read_sstatus, "csrrs a0, sstatus, zero")
AT(do_mret, "mret")

static void expect_illegal(const char *label, uint64_t (*fn)(uint64_t), uint64_t mode, uint64_t bits) {
  trap_reset();
  uint64_t pc = mode == MODE_M ? fn(0) : priv_run(mode, fn, 0);
  check_one_trap(label, CAUSE_ILLEGAL, MODE_M, mode, pc, bits);
}

int main(void) {
  priv_init();

  puts_("undefined encodings\n");
  expect_illegal("all-zero parcel", zero_parcel, MODE_M, 0);
  expect_illegal("all-ones word", all_ones, MODE_M, 0xffffffff);
  expect_illegal("reserved opcode", reserved_opcode, MODE_M, 0x00000077);

  puts_("CSR accesses\n");
  expect_illegal("CSR 0x3ff does not exist", missing_csr, MODE_M, csr_insn(0x3ff, 0, CSRRS, REG_A0));
  expect_illegal("csrw mhartid", write_mhartid, MODE_M, csr_insn(0xf14, 0, CSRRW, 0));
  /* Reading a read-only CSR is legal, also through CSRRCI with uimm = 0 (no write). */
  trap_reset();
  read_mhartid(0);
  clear_mhartid_none(0);
  check_no_trap("reading mhartid");

  puts_("M-mode CSR from S and U\n");
  uint64_t mstatus_read = csr_insn(0x300, 0, CSRRS, REG_A0);
  expect_illegal("mstatus from S", read_mstatus, MODE_S, mstatus_read);
  expect_illegal("mstatus from U", read_mstatus, MODE_U, mstatus_read);
  expect_illegal("sstatus from U", read_sstatus, MODE_U, csr_insn(0x100, 0, CSRRS, REG_A0));
  trap_reset();
  priv_run(MODE_S, read_sstatus, 0);
  check_no_trap("sstatus from S");

  puts_("mret below M-mode\n");
  uint64_t mret_bits = 0x302UL << 20 | OPCODE_SYSTEM;
  expect_illegal("mret from S", do_mret, MODE_S, mret_bits);
  expect_illegal("mret from U", do_mret, MODE_U, mret_bits);

  return finish("illegal");
}
