/* Zicsr and Zifencei: csrrw, csrrs, csrrc and their immediate forms on mscratch (rd
   gets the old value, the CSR the new one); csrrs/csrrc with rs1 = x0 or uimm = 0 do
   not write, so they may read read-only CSRs; rd = x0 discards the old value; the
   counters cycle, time and instret count up; fence.i makes a store to code visible to
   fetches (self-modifying code), and fence orders nothing observable on one hart. */
#include "asm_test.h"

TEST_BEGIN
  li t0, 0x1234
  csrw mscratch, t0
  li t1, 0xff00
  csrrw t2, mscratch, t1
  CHECK("csrrw old", t2, 0x1234)
  csrr t2, mscratch
  CHECK("csrrw new", t2, 0xff00)
  li t1, 0x00ff
  csrrs t2, mscratch, t1
  CHECK("csrrs old", t2, 0xff00)
  csrr t2, mscratch
  CHECK("csrrs new", t2, 0xffff)
  li t1, 0x0ff0
  csrrc t2, mscratch, t1
  CHECK("csrrc old", t2, 0xffff)
  csrr t2, mscratch
  CHECK("csrrc new", t2, 0xf00f)
  csrrwi t2, mscratch, 31
  CHECK("csrrwi old", t2, 0xf00f)
  csrr t2, mscratch
  CHECK("csrrwi new", t2, 31)
  csrrsi t2, mscratch, 0x20 >> 1
  csrr t2, mscratch
  CHECK("csrrsi", t2, 31)
  csrrci t2, mscratch, 5
  CHECK("csrrci old", t2, 31)
  csrr t2, mscratch
  CHECK("csrrci new", t2, 26)
  csrrw zero, mscratch, t1
  csrr t2, mscratch
  CHECK("csrrw rd=x0 writes", t2, 0x0ff0)
  csrrs t2, mscratch, zero
  CHECK("csrrs rs1=x0 reads", t2, 0x0ff0)
  csrrci t2, mscratch, 0
  csrr t2, mscratch
  CHECK("csrrci uimm=0 does not write", t2, 0x0ff0)
  /* Read-only CSRs read with csrrs x0: no write, so no trap. */
  csrr t2, mhartid
  CHECK("mhartid", t2, 0)
  csrr t2, misa
  srli t2, t2, 62
  CHECK("misa MXL = 64", t2, 2)
  csrr t2, misa
  li t3, (1 << 0) | (1 << 2) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20)
  and t2, t2, t3
  CHECK("misa has A C I M S U", t2, (1 << 0) | (1 << 2) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20))
  /* Counters count up. */
  rdcycle t3
  rdinstret t4
  rdtime t5
  li t0, 2000
1:addi t0, t0, -1
  bnez t0, 1b
  rdcycle t2
  sltu t2, t3, t2
  CHECK("cycle counts up", t2, 1)
  rdinstret t2
  sub t2, t2, t4
  li t6, 4000
  sltu t2, t2, t6
  xori t2, t2, 1
  CHECK("instret counts the loop", t2, 1)
  csrr t2, mcycle
  sltu t2, t3, t2
  CHECK("mcycle counts up", t2, 1)

  /* fence.i and self-modifying code: patch "li a3, 1" into "li a3, 2". */
  fence
  fence rw, rw
  fence.i
  call patched
  CHECK("before the patch", a3, 1)
  la t0, patch_site
  li t1, 0x00200693          /* addi a3, zero, 2 */
  sw t1, 0(t0)
  fence.i
  call patched
  CHECK("after fence.i the new instruction runs", a3, 2)
  TEST_END("csr_fence")

  .align 2
  .option push
  .option norvc            /* 4-byte encodings, so the patch replaces exactly one instruction */
patched:
patch_site:
  addi a3, zero, 1
  jalr zero, 0(ra)
  .option pop
