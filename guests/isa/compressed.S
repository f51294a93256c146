/* Every RV64C instruction, written explicitly with its c. mnemonic, checked against
   the base instruction it expands to ("C" Standard Extension, RVC Instruction Set
   Listings): immediates at their extremes, the x8-x15 register forms, stack-pointer
   forms, jumps and branches with their link values. c.ebreak is in the trap tests. */
#include "asm_test.h"
  .option rvc

TEST_BEGIN
  /* c.li, c.lui, c.addi, c.addiw, c.addi16sp, c.addi4spn */
  c.li a3, -32
  CHECK("c.li -32", a3, 0xffffffffffffffe0)
  c.li a3, 31
  CHECK("c.li 31", a3, 31)
  c.lui a3, 0xfffe0
  CHECK("c.lui 0xfffe0", a3, 0xfffffffffffe0000)
  c.lui a3, 1
  CHECK("c.lui 1", a3, 0x1000)
  c.li a3, 10
  c.addi a3, -11
  CHECK("c.addi -11", a3, 0xffffffffffffffff)
  li a3, 0x7fffffff
  c.addiw a3, 1
  CHECK("c.addiw sign-extends", a3, 0xffffffff80000000)
  c.addiw a3, 0
  CHECK("c.addiw 0 (sext.w)", a3, 0xffffffff80000000)
  mv s1, sp
  c.addi16sp sp, -512
  sub t2, s1, sp
  CHECK("c.addi16sp -512", t2, 512)
  c.addi16sp sp, 496
  sub t2, sp, s1
  CHECK("c.addi16sp 496", t2, 0xfffffffffffffff0)
  c.addi16sp sp, 16
  c.addi4spn a4, sp, 1020
  sub t2, a4, sp
  CHECK("c.addi4spn 1020", t2, 1020)
  c.addi4spn a4, sp, 4
  sub t2, a4, sp
  CHECK("c.addi4spn 4", t2, 4)

  /* c.mv, c.add, c.sub, c.xor, c.or, c.and, c.andi, c.subw, c.addw */
  li t0, 0x1234
  c.mv a3, t0
  CHECK("c.mv", a3, 0x1234)
  li a3, 5
  li t0, 7
  c.add a3, t0
  CHECK("c.add", a3, 12)
  li a4, 20
  li a5, 30
  c.sub a4, a5
  CHECK("c.sub", a4, 0xfffffffffffffff6)
  li a4, 0xff00
  li a5, 0x0ff0
  c.xor a4, a5
  CHECK("c.xor", a4, 0xf0f0)
  li a4, 0xff00
  c.or a4, a5
  CHECK("c.or", a4, 0xfff0)
  li a4, 0xff00
  c.and a4, a5
  CHECK("c.and", a4, 0x0f00)
  li a4, -1
  c.andi a4, -32
  CHECK("c.andi -32", a4, 0xffffffffffffffe0)
  li a4, 0xff
  c.andi a4, 15
  CHECK("c.andi 15", a4, 15)
  li a4, 0x80000000
  li a5, 1
  c.subw a4, a5
  CHECK("c.subw", a4, 0x7fffffff)
  li a4, 0x7fffffff
  c.addw a4, a5
  CHECK("c.addw", a4, 0xffffffff80000000)

  /* c.slli, c.srli, c.srai (6-bit shift amounts) */
  li a4, 1
  c.slli a4, 63
  CHECK("c.slli 63", a4, 0x8000000000000000)
  c.srai a4, 62
  CHECK("c.srai 62", a4, 0xfffffffffffffffe)
  c.srli a4, 32
  CHECK("c.srli 32", a4, 0xffffffff)
  li a3, 3
  c.slli a3, 1
  CHECK("c.slli 1", a3, 6)

  /* Loads and stores: c.lw, c.ld, c.sw, c.sd (x8-x15, scaled offsets), and the
     stack-pointer forms c.lwsp, c.ldsp, c.swsp, c.sdsp. */
  la a4, area
  li a5, 0x8877665544332211
  c.sd a5, 248(a4)
  c.ld a3, 248(a4)
  CHECK("c.sd/c.ld 248", a3, 0x8877665544332211)
  li a5, 0x80000001
  c.sw a5, 124(a4)
  c.lw a3, 124(a4)
  CHECK("c.sw/c.lw 124 sign-extends", a3, 0xffffffff80000001)
  c.lw a3, 0(a4)
  CHECK("c.lw 0", a3, 0)
  mv s1, sp
  la sp, area
  li t0, 0x1122334455667788
  c.sdsp t0, 504(sp)
  c.ldsp a3, 504(sp)
  CHECK("c.sdsp/c.ldsp 504", a3, 0x1122334455667788)
  li t0, 0xfffffff0
  c.swsp t0, 252(sp)
  c.lwsp a3, 252(sp)
  CHECK("c.swsp/c.lwsp 252", a3, 0xfffffffffffffff0)
  ld t0, 504(sp)
  CHECK("c.sdsp wrote 8 bytes at 504", t0, 0x1122334455667788)
  mv sp, s1

  /* c.j, c.jal is RV32-only; c.jr, c.jalr (link pc + 2), c.beqz, c.bnez */
  li t2, 0
  c.j 1f
  li t2, 99
1:CHECK("c.j", t2, 0)
  la t0, 2f
  c.jalr t0
3:j 4f
2:mv s1, ra
  la t1, 3b
  sub t2, ra, t1
  CHECK("c.jalr link is pc+2", t2, 0)
  jr s1
4:la t0, 5f
  li t2, 1
  c.jr t0
  li t2, 0
5:CHECK("c.jr", t2, 1)
  li a4, 0
  li t2, 0
  c.beqz a4, 6f
  li t2, 1
6:CHECK("c.beqz taken", t2, 0)
  li a4, 1
  c.beqz a4, 7f
  li t2, 2
7:CHECK("c.beqz not taken", t2, 2)
  c.bnez a4, 8f
  li t2, 3
8:CHECK("c.bnez taken", t2, 2)
  li a4, -1
  li t2, 0
  c.bnez a4, 9f
  li t2, 1
9:CHECK("c.bnez negative", t2, 0)
  c.nop
  /* A 4-byte instruction at a 2-byte-aligned address runs normally. */
  c.nop
  li t2, 42
  CHECK("32-bit instruction at an odd halfword", t2, 42)
  TEST_END("compressed")

  .data
  .align 4
area:
  .space 512
