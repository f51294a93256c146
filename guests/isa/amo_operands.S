/* AMO operand handling ("A" Standard Extension, Atomic Memory Operations): the .w forms
   use only the low 32 bits of rs2 and of memory ("for RV64, 32-bit AMOs always
   sign-extend the value placed in rd, and ignore the upper 32 bits of the original
   value of rs2"), so signed and unsigned min/max compare 32-bit values and the other
   half of the doubleword is never touched; rd may equal rs2 or rs1 (rd gets the old
   memory value, the operation uses the old register values); rs2 = x0 reads as 0 and
   rd = x0 discards the old value while memory is still updated. */
#include "asm_test.h"

/* The doubleword at cell <- init; t2 <- op with t1 = src at cell (+ offset);
   check the old value and the whole doubleword afterwards. */
#define TEST_AMO_AT(op, offset, init, src, old, after) \
  la t0, cell; li t3, init; sd t3, 0(t0); addi t0, t0, offset; li t1, src; \
  op t2, t1, (t0); CHECK(STR(op +offset src: rd), t2, old); \
  la t0, cell; ld t2, 0(t0); CHECK(STR(op +offset src: memory), t2, after)

TEST_BEGIN
  /* Upper 32 bits of rs2 are ignored by the .w forms. */
  TEST_AMO_AT(amomin.w, 0, 0x5, 0x0000000180000000, 0x5, 0x80000000)
  TEST_AMO_AT(amominu.w, 0, 0x5, 0xffffffff00000001, 0x5, 0x1)
  TEST_AMO_AT(amomax.w, 0, 0x5, 0xffffffff00000007, 0x5, 0x7)
  TEST_AMO_AT(amomaxu.w, 0, 0x80000000, 0x0000000100000001, 0xffffffff80000000, 0x80000000)
  TEST_AMO_AT(amoadd.w, 0, 0x5, 0x1234567800000001, 0x5, 0x6)
  TEST_AMO_AT(amoxor.w, 0, 0x1111111122222222, 0xffffffff00000003, 0x22222222, 0x1111111122222221)
  TEST_AMO_AT(amoswap.w, 0, 0x1111111122222222, 0xffffffff00000003, 0x22222222, 0x1111111100000003)
  /* Memory is compared as a signed or unsigned 32-bit value, whatever the upper word. */
  TEST_AMO_AT(amomin.w, 0, 0x00000000ffffffff, 0x0, 0xffffffffffffffff, 0xffffffff)
  TEST_AMO_AT(amomax.w, 0, 0x00000000ffffffff, 0x0, 0xffffffffffffffff, 0x0)
  TEST_AMO_AT(amominu.w, 0, 0x7fffffff80000000, 0x7fffffff, 0xffffffff80000000, 0x7fffffff7fffffff)
  TEST_AMO_AT(amomaxu.w, 0, 0x8000000000000001, 0x2, 0x1, 0x8000000000000002)
  /* The upper word of a doubleword as a .w target: the lower word stays. */
  TEST_AMO_AT(amoadd.w, 4, 0x8000000000000001, 0x1, 0xffffffff80000000, 0x8000000100000001)
  TEST_AMO_AT(amoand.w, 4, 0xf0f0f0f0ffffffff, 0x0ff00ff0, 0xfffffffff0f0f0f0, 0x00f000f0ffffffff)
  TEST_AMO_AT(amoor.w, 4, 0x0000000012345678, 0x80000000, 0x0, 0x8000000012345678)
  TEST_AMO_AT(amominu.w, 4, 0x7fffffffffffffff, 0xffffffff, 0x7fffffff, 0x7fffffffffffffff)
  /* .d forms at the signed and unsigned extremes. */
  TEST_AMO_AT(amomax.d, 0, 0xfffffffffffffffb, 0xfffffffffffffffd, 0xfffffffffffffffb, 0xfffffffffffffffd)
  TEST_AMO_AT(amomin.d, 0, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000)
  TEST_AMO_AT(amominu.d, 0, 0xffffffffffffffff, 0x0, 0xffffffffffffffff, 0x0)
  TEST_AMO_AT(amomaxu.d, 0, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000)

  /* rd = rs2: memory gets the old register value, rd the old memory value. */
  la t0, cell
  li t1, 0x1111
  sd t1, 0(t0)
  li t1, 0x2222
  amoswap.d t1, t1, (t0)
  CHECK("amoswap.d rd = rs2: rd", t1, 0x1111)
  ld t2, 0(t0)
  CHECK("amoswap.d rd = rs2: memory", t2, 0x2222)
  li t1, 0xcccccccc7fffffff
  sd t1, 0(t0)
  li t1, 1
  amoadd.w t1, t1, (t0)
  CHECK("amoadd.w rd = rs2: rd", t1, 0x7fffffff)
  ld t2, 0(t0)
  CHECK("amoadd.w rd = rs2: memory", t2, 0xcccccccc80000000)
  /* rd = rs1: the address is the old rs1. */
  li t1, 5
  sd t1, 0(t0)
  li t1, 3
  amoadd.d t0, t1, (t0)
  CHECK("amoadd.d rd = rs1: rd", t0, 5)
  la t0, cell
  ld t2, 0(t0)
  CHECK("amoadd.d rd = rs1: memory", t2, 8)
  /* rs2 = x0 reads 0. */
  amoor.d t2, zero, (t0)
  CHECK("amoor.d x0: rd", t2, 8)
  ld t2, 0(t0)
  CHECK("amoor.d x0: memory unchanged", t2, 8)
  li t1, 0xddddddddeeeeeeee
  sd t1, 0(t0)
  amoswap.w t2, zero, (t0)
  CHECK("amoswap.w x0: rd", t2, 0xffffffffeeeeeeee)
  ld t2, 0(t0)
  CHECK("amoswap.w x0: memory", t2, 0xdddddddd00000000)
  /* rd = x0: memory still updated. */
  li t1, 7
  amoadd.w zero, t1, (t0)
  amoxor.d zero, t1, (t0)
  ld t2, 0(t0)
  CHECK("amoadd.w and amoxor.d to x0 update memory", t2, 0xdddddddd00000000)
  li t1, 0x10
  amoor.w zero, t1, (t0)
  ld t2, 0(t0)
  CHECK("amoor.w to x0 updates memory", t2, 0xdddddddd00000010)
  CHECK("x0 stays zero", zero, 0)
  TEST_END("amo_operands")

  .data
  .align 3
cell:
  .dword 0
