/* The timing model's cycles as the guest reads them from mcycle between instructions
   of one block (README "Timing model"; the default machine profile,
   tools/machine-profile.json: ALU 1 cycle, multiply 3, load 2, CSR 3, taken branch 2,
   L1 hits free). A block is charged its instructions' cycles when it ends, so a read
   from inside it must still see exactly the instructions before it.
   Between `csrr a, mcycle` and `csrr b, mcycle`, b - a counts the instructions after
   the first read, up to and including the second, plus each one's cycles beyond one:
   eight ALU instructions give 8 + 1 (the second read) + 2 (its CSR cost) = 11.
   Each sequence runs three times and the last run is checked, so the caches and the
   branch predictor are warm.
   PAGODA-FLAGS: --timing on
   QEMU-SKIP: the cycle counts are those of Pagoda's timing model. */
#include "guest.h"

#define EIGHT(x) x "\n" x "\n" x "\n" x "\n" x "\n" x "\n" x "\n" x "\n"

__attribute__((noinline)) static uint64_t alu(void) {
  uint64_t a, b;
  asm volatile("csrr %0, mcycle\n" EIGHT("add t0, t0, t1") "csrr %1, mcycle" : "=&r"(a), "=r"(b) : : "t0");
  return b - a;
}

__attribute__((noinline)) static uint64_t mul(void) {
  uint64_t a, b;
  asm volatile("csrr %0, mcycle\n" EIGHT("mul t0, t0, t1") "csrr %1, mcycle" : "=&r"(a), "=r"(b) : : "t0");
  return b - a;
}

__attribute__((noinline)) static uint64_t loads(uint64_t *p) {
  uint64_t a, b;
  asm volatile("csrr %0, mcycle\n" EIGHT("ld t0, 0(%2)") "csrr %1, mcycle" : "=&r"(a), "=r"(b) : "r"(p) : "t0");
  return b - a;
}

__attribute__((noinline)) static uint64_t taken_branch(void) {
  uint64_t a, b;
  asm volatile("csrr %0, mcycle\n beq x0, x0, 1f\n nop\n 1: csrr %1, mcycle" : "=&r"(a), "=r"(b));
  return b - a;
}

int main(void) {
  static uint64_t word;
  uint64_t d_alu = 0, d_mul = 0, d_loads = 0, d_branch = 0;
  for (volatile int i = 0; i < 3; i++) {
    d_alu = alu();
    d_mul = mul();
    d_loads = loads(&word);
    d_branch = taken_branch();
  }
  check("8 ALU instructions", d_alu, 11);
  check("8 multiplies: 2 more cycles each", d_mul, 11 + 8 * 2);
  check("8 loads hitting L1D: 1 more cycle each", d_loads, 11 + 8 * 1);
  check("a predicted taken branch: 1 more cycle", d_branch, 2 + 1 + 2);
  return finish("timing_cycles");
}
