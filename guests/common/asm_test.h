/* Macros for assembly guest tests: each case computes a value with the exact
   instruction under test and hands it to check(label, got, want) from guest.c, which
   prints a FAIL line on a mismatch. main() ends with finish(name). CHECK sets a0-a2
   and calls check() through crt.S's check_preserving, so every other register keeps
   its value across it. */
#ifndef ASM_TEST_H
#define ASM_TEST_H

#define TEST_BEGIN \
  .text; .globl main; .align 2; main: addi sp, sp, -16; sd ra, 8(sp); sd s1, 0(sp)

#define TEST_END(name) \
  la a0, 9f; call finish; ld ra, 8(sp); ld s1, 0(sp); addi sp, sp, 16; ret; \
  .pushsection .rodata; 9: .asciz name; .popsection

/* check(label, reg, want) */
#define CHECK(label, reg, want) \
  mv a1, reg; li a2, want; la a0, 8f; call check_preserving; \
  .pushsection .rodata; 8: .asciz label; .popsection

#define STR_(...) #__VA_ARGS__
#define STR(...) STR_(__VA_ARGS__)

/* Register-register and register-immediate operations. */
#define TEST_RR(op, x, y, want) \
  li t0, x; li t1, y; op t2, t0, t1; CHECK(STR(op x y), t2, want)
#define TEST_RI(op, x, imm, want) \
  li t0, x; op t2, t0, imm; CHECK(STR(op x imm), t2, want)
/* The result written to x0 is discarded and x0 still reads 0. */
#define TEST_RR_X0(op, x, y) \
  li t0, x; li t1, y; op zero, t0, t1; CHECK(STR(op to x0), zero, 0)
/* x0 as a source reads 0. */
#define TEST_RR_SRC_X0(op, y, want) \
  li t1, y; op t2, zero, t1; CHECK(STR(op x0 y), t2, want)

#endif
