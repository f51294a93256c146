/* Code that changes under the hart without a store of the hart's own: a device's DMA
   (or a debugger) writes it. The guest keeps calling a function in RAM that returns 1;
   the test suite (Tests/GuestTests/BlockEngineTests.swift) stops the machine in the
   middle, writes the function's middle instruction into RAM the way a DMA device does
   and calls Machine.noteDMAWrite, and the guest must then see 2 returned. Run on its
   own (or on QEMU) nobody patches it, so after ROUNDS calls the guest patches it itself. */
#include "guest.h"

#define ADDI_A0(imm) (0x00050513u | ((uint32_t)(imm) << 20))   /* addi a0, a0, imm */
#define LI_A0_0      0x00000513u
#define RET          0x00008067u
#define ROUNDS 100000
uint32_t patched_code[8] __attribute__((aligned(64)));

static uint64_t call_code(void) {
  register uint64_t a0 asm("a0");
  asm volatile("jalr %1" : "=r"(a0) : "r"((uint64_t)patched_code) : "ra", "memory");
  return a0;
}

int main(void) {
  volatile uint32_t *c = patched_code;
  c[0] = LI_A0_0; c[1] = ADDI_A0(1); c[2] = RET;
  asm volatile("fence.i" ::: "memory");
  uint64_t v = 0;
  int i;
  for (i = 0; i < ROUNDS; i++) {
    asm volatile("fence.i" ::: "memory");
    v = call_code();
    if (v != 1) break;
  }
  if (i == ROUNDS) {
    puts_("nobody patched the code: patching it here\n");
    c[1] = ADDI_A0(2);
    asm volatile("fence.i" ::: "memory");
    v = call_code();
  } else {
    puts_("the code was patched from outside\n");
  }
  check("the patched function runs", v, 2);
  return finish("code_patched_outside");
}
