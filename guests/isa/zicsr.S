/* Zicsr: CSRRW, CSRRS, CSRRC and their immediate forms on mscratch ("Zicsr", CSR
   Instructions): each returns the old value in rd and writes rs1 (CSRRW), old | rs1
   (CSRRS) or old & ~rs1 (CSRRC); the immediate forms zero-extend their 5-bit uimm.
   rd = x0 discards the old value, rd = rs1 reads rs1 before it is overwritten, and
   CSRRS/CSRRC with rs1 = x0 (or CSRRSI/CSRRCI with uimm = 0) do not write at all, so
   they may read the read-only mhartid without an illegal-instruction exception, while
   CSRRW always writes and raises one there. The counters cycle, time and instret (and
   mcycle, minstret) can be read; their values are compared, never printed, as they
   differ between machines. */
#include "asm_test.h"

/* Runs the instructions with the trap recorder in place and checks the cause it saw
   (0: no trap). */
#define EXPECT_CAUSE(label, cause, ...) \
  li s1, 0; __VA_ARGS__; CHECK(label, s1, cause)

#define ILLEGAL_INSTRUCTION 2

TEST_BEGIN
  /* CSRRW: rd <- old, CSR <- rs1. */
  li t0, 0x0123456789abcdef
  csrw mscratch, t0                       /* csrrw x0, mscratch, t0 */
  csrr t1, mscratch                       /* csrrs t1, mscratch, x0 */
  CHECK("csrw/csrr mscratch", t1, 0x0123456789abcdef)
  li t0, 0xfedcba9876543210
  csrrw t1, mscratch, t0
  CHECK("csrrw returns the old value", t1, 0x0123456789abcdef)
  csrr t1, mscratch
  CHECK("csrrw writes rs1", t1, 0xfedcba9876543210)
  /* rd = rs1: the CSR gets the register's value from before the instruction. */
  li t0, 0x5555
  csrrw t0, mscratch, t0
  CHECK("csrrw rd = rs1: rd is the old CSR", t0, 0xfedcba9876543210)
  csrr t1, mscratch
  CHECK("csrrw rd = rs1: CSR is the old rs1", t1, 0x5555)
  /* rs1 = x0 writes zero. */
  csrrw t1, mscratch, zero
  CHECK("csrrw x0 source: old", t1, 0x5555)
  csrr t1, mscratch
  CHECK("csrrw x0 source writes 0", t1, 0)

  /* CSRRS: CSR <- old | rs1. */
  li t0, 0x8000000000000f0f
  csrw mscratch, t0
  li t0, 0x00000000000ff000
  csrrs t1, mscratch, t0
  CHECK("csrrs returns the old value", t1, 0x8000000000000f0f)
  csrr t1, mscratch
  CHECK("csrrs sets bits", t1, 0x80000000000fff0f)
  /* CSRRC: CSR <- old & ~rs1. */
  li t0, 0x8000000000000f00
  csrrc t1, mscratch, t0
  CHECK("csrrc returns the old value", t1, 0x80000000000fff0f)
  csrr t1, mscratch
  CHECK("csrrc clears bits", t1, 0x00000000000ff00f)
  /* rd = x0: the CSR is still written, x0 stays 0. */
  li t0, 0x30
  csrrs zero, mscratch, t0
  csrr t1, mscratch
  CHECK("csrrs rd = x0 writes the CSR", t1, 0x00000000000ff03f)
  CHECK("csrrs rd = x0 leaves x0 zero", zero, 0)
  li t0, 0xff000
  csrrc zero, mscratch, t0
  csrr t1, mscratch
  CHECK("csrrc rd = x0 writes the CSR", t1, 0x3f)
  /* rs1 = x0: no write, the value is only read. */
  csrrs t1, mscratch, zero
  CHECK("csrrs rs1 = x0 reads", t1, 0x3f)
  csrrc t1, mscratch, zero
  CHECK("csrrc rs1 = x0 reads", t1, 0x3f)
  csrr t1, mscratch
  CHECK("csrrs/csrrc rs1 = x0 leave the CSR", t1, 0x3f)
  /* A register holding zero (not x0): the unchanged value is written back. */
  li t0, 0
  csrrs t1, mscratch, t0
  csrrc t1, mscratch, t0
  csrr t1, mscratch
  CHECK("csrrs/csrrc of a zero register", t1, 0x3f)

  /* Immediate forms: uimm is 5 bits, zero-extended (31 is 0x1f, not -1). */
  li t0, -1
  csrw mscratch, t0
  csrrwi t1, mscratch, 31
  CHECK("csrrwi returns the old value", t1, 0xffffffffffffffff)
  csrr t1, mscratch
  CHECK("csrrwi 31 zero-extends", t1, 0x1f)
  csrrwi t1, mscratch, 0
  csrr t1, mscratch
  CHECK("csrrwi 0 writes 0", t1, 0)
  li t0, 0x100
  csrw mscratch, t0
  csrrsi t1, mscratch, 0x1f
  CHECK("csrrsi returns the old value", t1, 0x100)
  csrr t1, mscratch
  CHECK("csrrsi sets bits", t1, 0x11f)
  csrrci t1, mscratch, 0x15
  CHECK("csrrci returns the old value", t1, 0x11f)
  csrr t1, mscratch
  CHECK("csrrci clears bits", t1, 0x10a)
  csrrsi t1, mscratch, 0
  CHECK("csrrsi 0 reads", t1, 0x10a)
  csrrci t1, mscratch, 0
  CHECK("csrrci 0 reads", t1, 0x10a)
  csrwi mscratch, 0x10                    /* csrrwi x0, mscratch, 0x10 */
  csrsi mscratch, 0x3                     /* csrrsi x0 */
  csrci mscratch, 0x11                    /* csrrci x0 */
  csrr t1, mscratch
  CHECK("csrwi/csrsi/csrci", t1, 0x2)
  li t0, 0x40
  csrs mscratch, t0                       /* csrrs x0 */
  li t0, 0x2
  csrc mscratch, t0                       /* csrrc x0 */
  csrr t1, mscratch
  CHECK("csrs/csrc", t1, 0x40)

  /* Read-only CSRs: mhartid (0xf14, bits 11:10 = 11). Reading is legal through every
     form that does not write; CSRRW/CSRRWI always write and raise an exception. */
  la t0, record_trap
  csrw mtvec, t0
  EXPECT_CAUSE("csrr mhartid", 0, csrr t1, mhartid)
  CHECK("mhartid of the hart running main", t1, 0)
  li t1, 77
  EXPECT_CAUSE("csrrs mhartid, x0", 0, csrrs t1, mhartid, zero)
  CHECK("csrrs mhartid, x0 value", t1, 0)
  li t1, 77
  EXPECT_CAUSE("csrrc mhartid, x0", 0, csrrc t1, mhartid, zero)
  CHECK("csrrc mhartid, x0 value", t1, 0)
  li t1, 77
  EXPECT_CAUSE("csrrsi mhartid, 0", 0, csrrsi t1, mhartid, 0)
  CHECK("csrrsi mhartid, 0 value", t1, 0)
  li t1, 77
  EXPECT_CAUSE("csrrci mhartid, 0", 0, csrrci t1, mhartid, 0)
  CHECK("csrrci mhartid, 0 value", t1, 0)
  li t1, 77
  EXPECT_CAUSE("csrrw mhartid, x0", ILLEGAL_INSTRUCTION, csrrw t1, mhartid, zero)
  CHECK("a trapping csrrw leaves rd", t1, 77)
  EXPECT_CAUSE("csrrwi mhartid, 0", ILLEGAL_INSTRUCTION, csrrwi t1, mhartid, 0)
  EXPECT_CAUSE("csrrsi mhartid, 1", ILLEGAL_INSTRUCTION, csrrsi t1, mhartid, 1)
  CHECK("a trapping csrrsi leaves rd", t1, 77)
  EXPECT_CAUSE("csrrw cycle", ILLEGAL_INSTRUCTION, csrrw zero, cycle, zero)

  /* Counters: readable without a trap; instret and cycle advance over a loop, time
     never goes backwards, and the unprivileged views follow the machine counters. */
  EXPECT_CAUSE("read cycle, time, instret", 0, csrr a3, cycle; csrr a4, time; csrr a5, instret)
  li t0, 200
1:addi t0, t0, -1
  bnez t0, 1b
  EXPECT_CAUSE("read them again", 0, csrr a6, cycle; csrr a7, time; csrr t3, instret)
  sltu t2, a3, a6
  CHECK("cycle advances", t2, 1)
  sltu t2, a7, a4
  CHECK("time does not go backwards", t2, 0)
  sltu t2, a5, t3
  CHECK("instret advances", t2, 1)
  sub t2, t3, a5
  sltiu t2, t2, 400
  CHECK("instret counted the loop's 400 instructions", t2, 0)
  EXPECT_CAUSE("read mcycle, minstret", 0, csrr a3, mcycle; csrr a5, minstret; csrr a6, cycle; csrr t3, instret)
  sltu t2, a6, a3
  CHECK("cycle follows mcycle", t2, 0)
  sltu t2, t3, a5
  CHECK("instret follows minstret", t2, 0)

  la t0, guest_default_trap
  csrw mtvec, t0
  TEST_END("zicsr")

/* Records mcause in s1 and resumes after the (4-byte) trapping instruction. */
  .align 2
record_trap:
  csrr s1, mcause
  csrr t6, mepc
  addi t6, t6, 4
  csrw mepc, t6
  mret
