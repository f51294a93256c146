// QEMU-SKIP: harts are released through Pagoda's hart mailbox
// PAGODA-FLAGS: --harts 2 --quantum 50
/* Code written by another hart: hart 0 keeps calling a function in RAM (so it runs
   from pre-decoded blocks) while hart 1 rewrites the function's middle instruction.
   Hart 0 must come to run the new instruction, and each value the function returns
   must be one of the two versions. Hart 0 executes fence.i each round, as the
   architecture asks of a hart that wants to see another hart's stores to code
   (Zifencei chapter of the unprivileged spec). */
#include "guest.h"

#define ADDI_A0(imm) (0x00050513u | ((uint32_t)(imm) << 20))   /* addi a0, a0, imm */
#define LI_A0_0      0x00000513u
#define RET          0x00008067u
static uint32_t code[8] __attribute__((aligned(64)));
static volatile uint64_t go, written;

static uint64_t call_code(void) {
  register uint64_t a0 asm("a0");
  asm volatile("jalr %1" : "=r"(a0) : "r"((uint64_t)code) : "ra", "memory");
  return a0;
}

void secondary_main(uint64_t hart, uint64_t arg) {
  (void)hart; (void)arg;
  while (!go) { }
  for (volatile int i = 0; i < 2000; i++) { }
  ((volatile uint32_t *)code)[2] = ADDI_A0(40);   /* 1 + 2 -> 1 + 40 */
  written = 1;
}

int main(void) {
  volatile uint32_t *c = code;
  c[0] = LI_A0_0; c[1] = ADDI_A0(1); c[2] = ADDI_A0(2); c[3] = RET;
  asm volatile("fence.i" ::: "memory");
  release_hart(1, 0);
  uint64_t old = 0, odd = 0, rounds = 0, v = 0;
  go = 1;
  for (rounds = 0; rounds < 1000000; rounds++) {
    asm volatile("fence.i" ::: "memory");
    v = call_code();
    if (v == 3) old++;
    else if (v != 41) odd++;
    if (v == 41) break;
  }
  while (!written) { }
  check("hart 0 ran the code hart 1 wrote", v, 41);
  check("the old code ran before it", old > 0, 1);
  check("no other value", odd, 0);
  check("hart 1 wrote it", written, 1);
  return finish("code_from_other_hart");
}
