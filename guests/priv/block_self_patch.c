// QEMU-SKIP: without fence.i QEMU may run the old instruction; Pagoda runs the new one
/* A store into the block that is running, to an instruction after it, with no fence.i
   in between. The architecture lets a hart run either the old or the new instruction
   until it executes fence.i (Zifencei chapter of the unprivileged spec); Pagoda, which
   runs pre-decoded blocks, promises the new one, as an interpreter that fetches every
   instruction afresh would: a store into decoded code drops the blocks and ends the
   batch, and the next instruction is decoded from memory. */
#include "guest.h"

#define ADDI_A0(imm) (0x00050513u | ((uint32_t)(imm) << 20))   /* addi a0, a0, imm */
#define SW_T1_12_T0  0x0062a623u                               /* sw t1, 12(t0) */
#define LI_A0_0      0x00000513u                               /* addi a0, zero, 0 */
#define RET          0x00008067u
/* sw t1, 12(t0); li a0, 0; addi a0, a0, 1; addi a0, a0, 7 (rewritten by the sw); ret */
static uint32_t code[8] __attribute__((aligned(64)));

static uint64_t call_patching(uint32_t insn) {
  register uint64_t a0 asm("a0");
  asm volatile("mv t0, %1\n mv t1, %2\n jalr t0" : "=r"(a0) : "r"((uint64_t)code), "r"((uint64_t)insn)
               : "ra", "t0", "t1", "memory");
  return a0;
}

int main(void) {
  volatile uint32_t *c = code;
  c[0] = SW_T1_12_T0; c[1] = LI_A0_0; c[2] = ADDI_A0(1); c[3] = ADDI_A0(7); c[4] = RET;
  asm volatile("fence.i" ::: "memory");
  check("unchanged", call_patching(ADDI_A0(7)), 8);
  check("unchanged, again", call_patching(ADDI_A0(7)), 8);
  check("the store rewrote an instruction of its own block", call_patching(ADDI_A0(100)), 101);
  check("and back", call_patching(ADDI_A0(7)), 8);
  for (int i = 0; i < 100; i++) {
    if (call_patching(ADDI_A0(i)) != (uint64_t)(1 + i)) { check("patched in a loop", i, -1); break; }
  }
  return finish("block_self_patch");
}
