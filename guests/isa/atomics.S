/* The A extension: every AMO in its .w and .d forms with signed and unsigned edge
   values (rd gets the old value, sign-extended for .w; memory gets the result), LR/SC
   (sc after lr to the same address succeeds with rd = 0; sc without a reservation, to
   another address, or a second sc, fails with rd = 1 and leaves memory alone), the
   aq/rl forms, and a misaligned lr, which raises a load address-misaligned exception
   (cause 4) with mtval = the address (misaligned sc and AMOs: amo_misaligned.S). */
#include "asm_test.h"

/* mem <- init; t2 <- op(t1 = src, (t0)); check the old value and the memory result. */
#define TEST_AMO(op, init, src, old, result) \
  la t0, word; li t3, init; sd zero, 0(t0); sd zero, 8(t0); sd t3, 0(t0); li t1, src; \
  op t2, t1, (t0); CHECK(STR(op init src old), t2, old); ld t2, 0(t0); CHECK(STR(op init src result), t2, result)

TEST_BEGIN
  TEST_AMO(amoswap.w, 0x1, 0x2, 0x1, 0x2)
  TEST_AMO(amoswap.w, 0xffffffff, 0x1, 0xffffffffffffffff, 0x1)
  TEST_AMO(amoswap.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x7fffffff)
  TEST_AMO(amoswap.w, 0x12345678, 0x87654321, 0x12345678, 0x87654321)
  TEST_AMO(amoswap.w, 0x5, 0xffffffff, 0x5, 0xffffffff)
  TEST_AMO(amoadd.w, 0x1, 0x2, 0x1, 0x3)
  TEST_AMO(amoadd.w, 0xffffffff, 0x1, 0xffffffffffffffff, 0x0)
  TEST_AMO(amoadd.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0xffffffff)
  TEST_AMO(amoadd.w, 0x12345678, 0x87654321, 0x12345678, 0x99999999)
  TEST_AMO(amoadd.w, 0x5, 0xffffffff, 0x5, 0x4)
  TEST_AMO(amoxor.w, 0x1, 0x2, 0x1, 0x3)
  TEST_AMO(amoxor.w, 0xffffffff, 0x1, 0xffffffffffffffff, 0xfffffffe)
  TEST_AMO(amoxor.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0xffffffff)
  TEST_AMO(amoxor.w, 0x12345678, 0x87654321, 0x12345678, 0x95511559)
  TEST_AMO(amoxor.w, 0x5, 0xffffffff, 0x5, 0xfffffffa)
  TEST_AMO(amoand.w, 0x1, 0x2, 0x1, 0x0)
  TEST_AMO(amoand.w, 0xffffffff, 0x1, 0xffffffffffffffff, 0x1)
  TEST_AMO(amoand.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x0)
  TEST_AMO(amoand.w, 0x12345678, 0x87654321, 0x12345678, 0x2244220)
  TEST_AMO(amoand.w, 0x5, 0xffffffff, 0x5, 0x5)
  TEST_AMO(amoor.w, 0x1, 0x2, 0x1, 0x3)
  TEST_AMO(amoor.w, 0xffffffff, 0x1, 0xffffffffffffffff, 0xffffffff)
  TEST_AMO(amoor.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0xffffffff)
  TEST_AMO(amoor.w, 0x12345678, 0x87654321, 0x12345678, 0x97755779)
  TEST_AMO(amoor.w, 0x5, 0xffffffff, 0x5, 0xffffffff)
  TEST_AMO(amomin.w, 0x1, 0x2, 0x1, 0x1)
  TEST_AMO(amomin.w, 0xffffffff, 0x1, 0xffffffffffffffff, 0xffffffff)
  TEST_AMO(amomin.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x80000000)
  TEST_AMO(amomin.w, 0x12345678, 0x87654321, 0x12345678, 0x87654321)
  TEST_AMO(amomin.w, 0x5, 0xffffffff, 0x5, 0xffffffff)
  TEST_AMO(amomax.w, 0x1, 0x2, 0x1, 0x2)
  TEST_AMO(amomax.w, 0xffffffff, 0x1, 0xffffffffffffffff, 0x1)
  TEST_AMO(amomax.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x7fffffff)
  TEST_AMO(amomax.w, 0x12345678, 0x87654321, 0x12345678, 0x12345678)
  TEST_AMO(amomax.w, 0x5, 0xffffffff, 0x5, 0x5)
  TEST_AMO(amominu.w, 0x1, 0x2, 0x1, 0x1)
  TEST_AMO(amominu.w, 0xffffffff, 0x1, 0xffffffffffffffff, 0x1)
  TEST_AMO(amominu.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x7fffffff)
  TEST_AMO(amominu.w, 0x12345678, 0x87654321, 0x12345678, 0x12345678)
  TEST_AMO(amominu.w, 0x5, 0xffffffff, 0x5, 0x5)
  TEST_AMO(amomaxu.w, 0x1, 0x2, 0x1, 0x2)
  TEST_AMO(amomaxu.w, 0xffffffff, 0x1, 0xffffffffffffffff, 0xffffffff)
  TEST_AMO(amomaxu.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x80000000)
  TEST_AMO(amomaxu.w, 0x12345678, 0x87654321, 0x12345678, 0x87654321)
  TEST_AMO(amomaxu.w, 0x5, 0xffffffff, 0x5, 0xffffffff)
  TEST_AMO(amoswap.d, 0x1, 0x2, 0x1, 0x2)
  TEST_AMO(amoswap.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0x1)
  TEST_AMO(amoswap.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
  TEST_AMO(amoswap.d, 0x12345678, 0x87654321, 0x12345678, 0x87654321)
  TEST_AMO(amoswap.d, 0x5, 0xffffffffffffffff, 0x5, 0xffffffffffffffff)
  TEST_AMO(amoadd.d, 0x1, 0x2, 0x1, 0x3)
  TEST_AMO(amoadd.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0x0)
  TEST_AMO(amoadd.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff)
  TEST_AMO(amoadd.d, 0x12345678, 0x87654321, 0x12345678, 0x99999999)
  TEST_AMO(amoadd.d, 0x5, 0xffffffffffffffff, 0x5, 0x4)
  TEST_AMO(amoxor.d, 0x1, 0x2, 0x1, 0x3)
  TEST_AMO(amoxor.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0xfffffffffffffffe)
  TEST_AMO(amoxor.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff)
  TEST_AMO(amoxor.d, 0x12345678, 0x87654321, 0x12345678, 0x95511559)
  TEST_AMO(amoxor.d, 0x5, 0xffffffffffffffff, 0x5, 0xfffffffffffffffa)
  TEST_AMO(amoand.d, 0x1, 0x2, 0x1, 0x0)
  TEST_AMO(amoand.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0x1)
  TEST_AMO(amoand.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x0)
  TEST_AMO(amoand.d, 0x12345678, 0x87654321, 0x12345678, 0x2244220)
  TEST_AMO(amoand.d, 0x5, 0xffffffffffffffff, 0x5, 0x5)
  TEST_AMO(amoor.d, 0x1, 0x2, 0x1, 0x3)
  TEST_AMO(amoor.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0xffffffffffffffff)
  TEST_AMO(amoor.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff)
  TEST_AMO(amoor.d, 0x12345678, 0x87654321, 0x12345678, 0x97755779)
  TEST_AMO(amoor.d, 0x5, 0xffffffffffffffff, 0x5, 0xffffffffffffffff)
  TEST_AMO(amomin.d, 0x1, 0x2, 0x1, 0x1)
  TEST_AMO(amomin.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0xffffffffffffffff)
  TEST_AMO(amomin.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000)
  TEST_AMO(amomin.d, 0x12345678, 0x87654321, 0x12345678, 0x12345678)
  TEST_AMO(amomin.d, 0x5, 0xffffffffffffffff, 0x5, 0xffffffffffffffff)
  TEST_AMO(amomax.d, 0x1, 0x2, 0x1, 0x2)
  TEST_AMO(amomax.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0x1)
  TEST_AMO(amomax.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
  TEST_AMO(amomax.d, 0x12345678, 0x87654321, 0x12345678, 0x87654321)
  TEST_AMO(amomax.d, 0x5, 0xffffffffffffffff, 0x5, 0x5)
  TEST_AMO(amominu.d, 0x1, 0x2, 0x1, 0x1)
  TEST_AMO(amominu.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0x1)
  TEST_AMO(amominu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
  TEST_AMO(amominu.d, 0x12345678, 0x87654321, 0x12345678, 0x12345678)
  TEST_AMO(amominu.d, 0x5, 0xffffffffffffffff, 0x5, 0x5)
  TEST_AMO(amomaxu.d, 0x1, 0x2, 0x1, 0x2)
  TEST_AMO(amomaxu.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0xffffffffffffffff)
  TEST_AMO(amomaxu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000)
  TEST_AMO(amomaxu.d, 0x12345678, 0x87654321, 0x12345678, 0x87654321)
  TEST_AMO(amomaxu.d, 0x5, 0xffffffffffffffff, 0x5, 0xffffffffffffffff)
  /* .w leaves the upper half of the doubleword alone. */
  la t0, word
  li t3, -1
  sd t3, 0(t0)
  li t1, 1
  amoadd.w t2, t1, (t0)
  ld t2, 0(t0)
  CHECK("amoadd.w keeps the upper word", t2, 0xffffffff00000000)
  /* aq/rl forms behave the same. */
  li t3, 10
  sd t3, 0(t0)
  li t1, 5
  amoadd.d.aqrl t2, t1, (t0)
  ld t2, 0(t0)
  CHECK("amoadd.d.aqrl", t2, 15)
  /* amo with rd = x0 still writes memory. */
  amoswap.d zero, t1, (t0)
  ld t2, 0(t0)
  CHECK("amoswap to x0 writes memory", t2, 5)

  /* LR/SC. */
  la t0, word
  li t3, 100
  sd t3, 0(t0)
  lr.d t2, (t0)
  CHECK("lr.d value", t2, 100)
  addi t2, t2, 1
  sc.d t4, t2, (t0)
  CHECK("sc.d after lr.d succeeds", t4, 0)
  ld t2, 0(t0)
  CHECK("sc.d stored", t2, 101)
  li t2, 7
  sc.d t4, t2, (t0)
  CHECK("second sc.d fails", t4, 1)
  ld t2, 0(t0)
  CHECK("failed sc.d leaves memory", t2, 101)
  lr.d t2, (t0)
  la t5, word + 8
  sc.d t4, t2, (t5)
  CHECK("sc.d to another address fails", t4, 1)
  li t3, 0xfffffffe
  sw t3, 0(t0)
  lr.w t2, (t0)
  CHECK("lr.w sign-extends", t2, 0xfffffffffffffffe)
  li t2, 0x7fffffff
  sc.w t4, t2, (t0)
  CHECK("sc.w succeeds", t4, 0)
  lw t2, 0(t0)
  CHECK("sc.w stored", t2, 0x7fffffff)

  /* Misaligned atomics trap. */
  la t0, handler
  csrw mtvec, t0
  la t0, word
  addi t5, t0, 1
  lr.w t2, (t5)
  CHECK("misaligned lr.w: cause 4", s1, 4)
  csrr t2, mtval
  sub t2, t2, t5
  CHECK("misaligned lr.w: mtval", t2, 0)
  la t0, guest_default_trap
  csrw mtvec, t0
  TEST_END("atomics")

/* Records mcause in s1 and skips the (4-byte) faulting instruction. */
  .align 2
handler:
  csrr s1, mcause
  csrr t6, mepc
  addi t6, t6, 4
  csrw mepc, t6
  mret

  .data
  .align 4
word:
  .dword 0, 0
