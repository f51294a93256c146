/* LR/SC rules that hold on every implementation ("A" Standard Extension, Load-Reserved/
   Store-Conditional): an SC right after an LR to the same address succeeds (rd = 0)
   and writes exactly its width; "regardless of success or failure, executing an SC
   instruction invalidates any reservation held by this hart", so a second SC, or an
   SC after a failed one, fails with rd = 1 and leaves memory alone; "the SC must fail
   if the address is not within the reservation set of the most recent LR in program
   order" (the other address here is a page away); LR.W sign-extends; rd = x0 and
   rd = rs2 are allowed; the aq/rl forms behave the same; and an LR/SC retry loop
   completes its increments. */
#include "asm_test.h"

TEST_BEGIN
  /* Start without a reservation: an SC consumes any that might exist. */
  la t0, cell
  sc.d t2, zero, (t0)

  /* sc.d with no reservation fails and leaves memory. */
  li t1, 0x1111
  sd t1, 0(t0)
  li t1, 0x2222
  sc.d t2, t1, (t0)
  CHECK("sc.d without a reservation fails", t2, 1)
  sc.w t2, t1, (t0)
  CHECK("sc.w without a reservation fails", t2, 1)
  ld t2, 0(t0)
  CHECK("failed sc leaves memory", t2, 0x1111)

  /* lr.w/sc.w: sign extension, success, only 32 bits written, second sc.w fails. */
  li t1, 0xaaaaaaaa80000000
  sd t1, 0(t0)
  lr.w t2, (t0)
  CHECK("lr.w sign-extends", t2, 0xffffffff80000000)
  li t1, 0x7777777711223344
  sc.w t2, t1, (t0)
  CHECK("sc.w after lr.w succeeds", t2, 0)
  ld t2, 0(t0)
  CHECK("sc.w writes 32 bits", t2, 0xaaaaaaaa11223344)
  li t1, 0x55
  sc.w t2, t1, (t0)
  CHECK("second sc.w fails", t2, 1)
  ld t2, 0(t0)
  CHECK("second sc.w leaves memory", t2, 0xaaaaaaaa11223344)
  addi t3, t0, 4
  lr.w t2, (t3)
  CHECK("lr.w of the upper word", t2, 0xffffffffaaaaaaaa)
  li t1, 0x01020304
  sc.w t2, t1, (t3)
  CHECK("sc.w to the upper word succeeds", t2, 0)
  ld t2, 0(t0)
  CHECK("sc.w wrote the upper word", t2, 0x0102030411223344)

  /* A failed sc (other address) ends the reservation: the next sc fails too. */
  la t3, far_cell
  lr.d t2, (t0)
  li t1, 0x99
  sc.d t2, t1, (t3)
  CHECK("sc.d to another address fails", t2, 1)
  sc.d t2, t1, (t0)
  CHECK("sc.d after a failed sc.d fails", t2, 1)
  ld t2, 0(t0)
  CHECK("memory after the failed sc.ds", t2, 0x0102030411223344)
  ld t2, 0(t3)
  CHECK("other address untouched", t2, 0)

  /* Only the most recent LR counts. */
  lr.d t2, (t0)
  lr.d t2, (t3)
  sc.d t2, t1, (t0)
  CHECK("sc.d to the older lr's address fails", t2, 1)
  lr.d t2, (t0)
  lr.d t2, (t3)
  sc.d t2, t1, (t3)
  CHECK("sc.d to the newest lr's address succeeds", t2, 0)
  ld t2, 0(t3)
  CHECK("that sc.d stored", t2, 0x99)

  /* rd = x0 and rd = rs2. */
  lr.d t2, (t0)
  li t1, 0x4242
  sc.d zero, t1, (t0)
  ld t2, 0(t0)
  CHECK("sc.d rd = x0 stores", t2, 0x4242)
  CHECK("x0 stays zero", zero, 0)
  lr.d t2, (t0)
  li t1, 0x4343
  sc.d t1, t1, (t0)
  CHECK("sc.d rd = rs2: rd is the result", t1, 0)
  ld t2, 0(t0)
  CHECK("sc.d rd = rs2: the old rs2 is stored", t2, 0x4343)

  /* Ordering bits. */
  lr.d.aq t2, (t0)
  addi t2, t2, 1
  sc.d.rl t4, t2, (t0)
  CHECK("lr.d.aq/sc.d.rl", t4, 0)
  lr.w.aqrl t2, (t0)
  addi t2, t2, 1
  sc.w.aqrl t4, t2, (t0)
  CHECK("lr.w.aqrl/sc.w.aqrl", t4, 0)
  ld t2, 0(t0)
  CHECK("after the ordered pairs", t2, 0x4345)

  /* A retry loop: ten atomic increments. */
  li t1, 10
1:lr.d t2, (t0)
  addi t2, t2, 1
  sc.d t4, t2, (t0)
  bnez t4, 1b
  addi t1, t1, -1
  bnez t1, 1b
  ld t2, 0(t0)
  CHECK("ten lr/sc increments", t2, 0x434f)
  TEST_END("lr_sc")

  .data
  .align 3
cell:
  .dword 0
  .align 12
far_cell:
  .dword 0
