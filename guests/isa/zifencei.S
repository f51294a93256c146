/* Zifencei: after a hart stores new instructions, FENCE.I makes them visible to its
   own later instruction fetches ("Zifencei" Instruction-Fetch Fence). Each case runs
   code, overwrites it, executes FENCE.I and runs it again, expecting the new
   behaviour: a routine patched repeatedly, a compressed instruction, the instruction
   right after the FENCE.I in the same straight-line block, and a routine copied into
   a buffer at run time. FENCE.I ignores its unused fields (imm, rs1, rd): rd is not
   written. The replacement instructions are assembled into .rodata as templates. */
#include "asm_test.h"

TEST_BEGIN
  /* A routine that returns a constant, patched to return others. */
  call patchable
  CHECK("before patching", a0, 1)
  la t0, patchable
  lw t1, tmpl_li_a0_2
  sw t1, 0(t0)
  fence.i
  call patchable
  CHECK("after patching and fence.i", a0, 2)

  /* Patch the same instruction many times: addi a0, zero, k for k = 1..20, summing
     the results (210 when every patch is seen). */
  li s1, 0
  li a3, 1
1:la t0, patchable
  lw t1, tmpl_li_a0_0
  slli t2, a3, 20                         /* the I-type immediate field */
  or t1, t1, t2
  sw t1, 0(t0)
  fence.i
  call patchable
  add s1, s1, a0
  addi a3, a3, 1
  li t0, 21
  bne a3, t0, 1b
  CHECK("twenty patches of one instruction", s1, 210)

  /* A 16-bit instruction: c.li a0, 5 becomes c.li a0, -9. */
  call patchable_rvc
  CHECK("compressed, before", a0, 5)
  la t0, patchable_rvc
  lhu t1, tmpl_c_li_a0_m9
  sh t1, 0(t0)
  fence.i
  call patchable_rvc
  CHECK("compressed, after", a0, 0xfffffffffffffff7)

  /* The instruction just after the fence.i, in the same run of straight-line code. */
  la t0, 2f
  lw t1, tmpl_li_t2_7
  sw t1, 0(t0)
  fence.i
  .option push
  .option norvc
2:addi t2, zero, 3
  .option pop
  CHECK("next instruction patched", t2, 7)

  /* Code written into a buffer at run time: addi a0, a0, 1; ret. */
  la t0, code_buffer
  lw t1, tmpl_addi_a0_1
  sw t1, 0(t0)
  lw t1, tmpl_ret
  sw t1, 4(t0)
  fence.i
  li a0, 41
  jalr t0
  CHECK("generated code", a0, 42)
  /* Rewritten in place: addi a0, a0, 1 becomes slli a0, a0, 1. */
  la t0, code_buffer
  lw t1, tmpl_slli_a0_1
  sw t1, 0(t0)
  fence.i
  li a0, 41
  jalr t0
  CHECK("generated code rewritten", a0, 82)

  /* fence.i with non-zero imm, rs1 and rd fields is still a fence: rd keeps its value. */
  li t0, 0x55
  .word 0x1233928f                        /* fence.i, imm = 0x123, rs1 = t2, rd = t0 */
  CHECK("fence.i does not write rd", t0, 0x55)
  TEST_END("zifencei")

/* The routines that get patched; they live in .text, which M-mode may write. */
  .align 2
  .option push
  .option norvc
patchable:
  addi a0, zero, 1
  ret
  .option rvc
patchable_rvc:
  c.li a0, 5
  c.jr ra
  .option pop

/* Replacement instructions. */
  .section .rodata
  .align 2
  .option push
  .option norvc
tmpl_li_a0_0:   addi a0, zero, 0
tmpl_li_a0_2:   addi a0, zero, 2
tmpl_li_t2_7:   addi t2, zero, 7
tmpl_addi_a0_1: addi a0, a0, 1
tmpl_slli_a0_1: slli a0, a0, 1
tmpl_ret:       jalr zero, 0(ra)
  .option rvc
tmpl_c_li_a0_m9: c.li a0, -9
  .option pop

  .bss
  .align 3
code_buffer:
  .space 16
