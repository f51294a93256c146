/* Every RV64C instruction, written explicitly with its c. mnemonic, checked against
   the base instruction it expands to ("C" Standard Extension, RVC Instruction Set
   Listings): immediates at their extremes, the x8-x15 register forms, stack-pointer
   forms, jumps and branches with their link values, and c.ebreak, whose breakpoint
   exception (cause 3) reports the address of the 2-byte instruction in mepc. */
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
  c.lui a3, 31
  CHECK("c.lui 31", a3, 0x1f000)
  c.lui a3, 0xfffff
  CHECK("c.lui -1", a3, 0xfffffffffffff000)
  c.addi a3, 31
  CHECK("c.addi 31", a3, 0xfffffffffffff01f)
  c.li a3, 10
  c.addi a3, -11
  CHECK("c.addi -11", a3, 0xffffffffffffffff)
  li a3, 0x7fffffff
  c.addiw a3, 1
  CHECK("c.addiw sign-extends", a3, 0xffffffff80000000)
  c.addiw a3, 0
  CHECK("c.addiw 0 (sext.w)", a3, 0xffffffff80000000)
  li a3, 0x1234567800000005
  c.addiw a3, -6
  CHECK("c.addiw ignores the upper word", a3, 0xffffffffffffffff)
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
  li a4, 0x7fffffff00000003
  li a5, 0x0123456700000005
  c.subw a4, a5
  CHECK("c.subw ignores the upper words", a4, 0xfffffffffffffffe)
  li a4, 0x7fffffff00000003
  c.addw a4, a5
  CHECK("c.addw ignores the upper words", a4, 8)

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
  li a4, -1
  c.srli a4, 63
  CHECK("c.srli 63 fills with zeros", a4, 1)
  li a4, 0x8000000000000000
  c.srai a4, 63
  CHECK("c.srai 63 of a negative", a4, 0xffffffffffffffff)
  li a4, 0x4000000000000000
  c.srai a4, 1
  CHECK("c.srai of a positive", a4, 0x2000000000000000)

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
  /* sp points into area until it is restored, so the checks wait until then. */
  mv s1, sp
  la sp, area
  li t0, 0x1122334455667788
  c.sdsp t0, 504(sp)
  c.ldsp a3, 504(sp)
  li t0, 0xfffffff0
  c.swsp t0, 252(sp)
  c.lwsp a5, 252(sp)
  c.ldsp a6, 0(sp)
  mv sp, s1
  CHECK("c.sdsp/c.ldsp 504", a3, 0x1122334455667788)
  CHECK("c.swsp/c.lwsp 252 sign-extends", a5, 0xfffffffffffffff0)
  CHECK("c.ldsp 0", a6, 0)
  la t1, area
  ld t0, 504(t1)
  CHECK("c.sdsp wrote 8 bytes at 504", t0, 0x1122334455667788)
  lwu t0, 252(t1)
  CHECK("c.swsp wrote 4 bytes at 252", t0, 0xfffffff0)
  lwu t0, 256(t1)
  CHECK("c.swsp wrote no more", t0, 0)

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
  la t0, 10f + 1
  li t2, 1
  c.jr t0                                 /* bit 0 of the target is cleared */
  li t2, 0
10:CHECK("c.jr clears bit 0", t2, 1)
  la ra, 11f
  c.jalr ra                               /* target: the old ra; link: pc + 2 */
12:j 13f
11:mv s1, ra
  la t1, 12b
  sub t2, s1, t1
  CHECK("c.jalr ra uses the old ra", t2, 0)
  jr s1
13:
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
  /* Backward c.bnez and c.j: a loop counting a4 down from 5. */
  li a4, 5
  li t2, 0
14:c.addi t2, 1
  c.addi a4, -1
  c.beqz a4, 15f
  c.j 14b
15:CHECK("c.beqz/c.j loop", t2, 5)
  li a4, 3
16:c.addi a4, -1
  c.bnez a4, 16b
  CHECK("c.bnez loop", a4, 0)

  /* c.ebreak: breakpoint (3), mepc = its address; the handler skips 2 bytes. */
  la t0, skip_compressed
  csrw mtvec, t0
  li s1, 0
  la a6, 17f
17:c.ebreak
  sub t2, a5, a6
  CHECK("c.ebreak cause", s1, 3)
  CHECK("c.ebreak mepc", t2, 0)
  la t0, guest_default_trap
  csrw mtvec, t0
  /* c.nop changes nothing; a 4-byte instruction at an address = 2 mod 4 runs normally. */
  li t2, 7
  .balign 4
  c.nop
  .option push
  .option norvc
18:addi t2, t2, 35
  .option pop
  CHECK("c.nop, then a 32-bit instruction at an odd halfword", t2, 42)
  la t0, 18b
  andi t0, t0, 3
  CHECK("that instruction's address mod 4", t0, 2)
  TEST_END("compressed")

/* Records mcause in s1 and mepc in a5, and resumes after the 2-byte instruction
   that trapped. */
  .align 2
skip_compressed:
  csrr s1, mcause
  csrr a5, mepc
  addi t6, a5, 2
  csrw mepc, t6
  mret

  .data
  .align 4
area:
  .space 512
