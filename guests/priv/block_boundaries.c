/* Straight-line code stopped in the middle: the interpreter runs pre-decoded blocks
   (up to a branch, jump or system instruction), so these check that everything the
   architecture makes precise still is, inside a block.
   - A load that faults as the third instruction of a block: the two before it have
     retired, the fault's mepc and mtval are the load's, and the rest runs after the
     handler resumes ("Exceptions, Traps, and Interrupts" in the unprivileged spec:
     precise traps).
   - Code that is rewritten after it ran (with fence.i, Zifencei chapter) runs as
     rewritten: an instruction in the middle of a block, and the block's first one.
   - An ebreak written over the middle of a block that already ran traps there.
   - Straight-line code longer than a block runs through the links from each block's
     end to the next, and as rewritten after that. */
#include "priv.h"

#define UNMAPPED 0x08000000UL

/* Runs: j 1f; 1: li t0,1; li t1,2; ld t2,0(a1) [faults]; li t3,4; and returns t0..t3 and
   the pc of the load. */
static void fault_third(uint64_t out[5]) {
  uint64_t t0v, t1v, t3v, pc;
  asm volatile(
      "li t0, 0\n li t1, 0\n li t3, 0\n la %3, 2f\n"
      "j 1f\n"
      "1: li t0, 1\n"
      "   li t1, 2\n"
      "2: ld t2, 0(%4)\n"
      "   li t3, 4\n"
      "   mv %0, t0\n mv %1, t1\n mv %2, t3\n"
      : "=&r"(t0v), "=&r"(t1v), "=&r"(t3v), "=&r"(pc)
      : "r"(UNMAPPED)
      : "t0", "t1", "t2", "t3", "memory");
  out[0] = t0v; out[1] = t1v; out[3] = t3v; out[4] = pc;
}

/* A function assembled into RAM: a0 = 0; a0 += 1; a0 += 10; a0 += 100; a0 += 1000; ret.
   One block (it ends at the ret). */
#define ADDI_A0(imm) (0x00050513u | ((uint32_t)(imm) << 20))   /* addi a0, a0, imm */
#define LI_A0(imm)   (0x00000513u | ((uint32_t)(imm) << 20))   /* addi a0, zero, imm */
#define EBREAK       0x00100073u
#define RET          0x00008067u
static uint32_t code[8] __attribute__((aligned(64)));

/* A loop assembled into RAM: a0 = 0; a1 = 1000; 1: a0 += 3; a1 -= 1; bnez a1, 1b; ret.
   Its taken branch goes back to a block of its own page, so the engine links the
   branch to that block and runs the loop without looking it up, through the ends of
   several batches. */
#define LI_A1(imm)   (0x00000593u | ((uint32_t)(imm) << 20))   /* addi a1, zero, imm */
#define DEC_A1       0xfff58593u                               /* addi a1, a1, -1 */
#define BNEZ_A1_M8   0xfe059ce3u                               /* bne a1, zero, -8 */
static uint32_t loop_code[8] __attribute__((aligned(64)));

static uint64_t call_loop(void) {
  register uint64_t a0 asm("a0");
  asm volatile("jalr %1" : "=r"(a0) : "r"((uint64_t)loop_code) : "ra", "a1", "memory");
  return a0;
}

/* 100 instructions of straight-line code and a ret: longer than a block, so a block
   ends and the next goes on on the same page, and the engine links the one to the
   next (with the timing model on, blocks end at each cache line too). */
#define LONG_CODE 100
static uint32_t long_code[LONG_CODE + 1] __attribute__((aligned(4096)));

static uint64_t call_long(void) {
  register uint64_t a0 asm("a0");
  asm volatile("li a0, 0\n jalr %1" : "=r"(a0) : "r"((uint64_t)long_code) : "ra", "memory");
  return a0;
}

static uint64_t call_code(void) {
  register uint64_t a0 asm("a0");
  asm volatile("jalr %1" : "=r"(a0) : "r"((uint64_t)code) : "ra", "memory");
  return a0;
}

static void write_code(int i, uint32_t insn) {
  ((volatile uint32_t *)code)[i] = insn;
  asm volatile("fence.i" ::: "memory");
}

int main(void) {
  priv_init();

  puts_("a fault on the third instruction of a block\n");
  uint64_t out[5] = {0};
  trap_reset();
  fault_third(out);
  check_one_trap("ld faults", CAUSE_LOAD_ACCESS, MODE_M, MODE_M, out[4], UNMAPPED);
  check("first instruction retired", out[0], 1);
  check("second instruction retired", out[1], 2);
  check("the rest runs after the handler", out[3], 4);

  puts_("code rewritten after it ran\n");
  write_code(0, LI_A0(0));
  write_code(1, ADDI_A0(1));
  write_code(2, ADDI_A0(10));
  write_code(3, ADDI_A0(100));
  write_code(4, ADDI_A0(1000));
  write_code(5, RET);
  uint64_t first = 0;
  for (int i = 0; i < 3; i++) first = call_code();
  check("as written", first, 1111);
  write_code(2, ADDI_A0(20));
  check("middle instruction rewritten", call_code(), 1121);
  write_code(0, LI_A0(5));
  check("first instruction rewritten", call_code(), 1126);

  puts_("a loop through a linked branch, rewritten\n");
  static const uint32_t loop[] = {LI_A0(0), LI_A1(1000), ADDI_A0(3), DEC_A1, BNEZ_A1_M8, RET};
  for (int i = 0; i < 6; i++) ((volatile uint32_t *)loop_code)[i] = loop[i];
  asm volatile("fence.i" ::: "memory");
  check("the loop as written", call_loop(), 3000);
  check("and again", call_loop(), 3000);
  ((volatile uint32_t *)loop_code)[2] = ADDI_A0(5);
  asm volatile("fence.i" ::: "memory");
  check("its linked block rewritten", call_loop(), 5000);

  puts_("straight-line code through linked block ends, rewritten\n");
  for (int i = 0; i < LONG_CODE; i++) ((volatile uint32_t *)long_code)[i] = ADDI_A0(1);
  ((volatile uint32_t *)long_code)[LONG_CODE] = RET;
  asm volatile("fence.i" ::: "memory");
  uint64_t sum = 0;
  for (int i = 0; i < 50; i++) sum += call_long();
  check("the code as written, 50 times", sum, 50 * LONG_CODE);
  ((volatile uint32_t *)long_code)[80] = ADDI_A0(101);
  asm volatile("fence.i" ::: "memory");
  sum = 0;
  for (int i = 0; i < 50; i++) sum += call_long();
  check("an instruction of a linked block rewritten", sum, 50 * (LONG_CODE + 100));

  puts_("an ebreak written into a block that ran\n");
  write_code(3, EBREAK);
  trap_reset();
  uint64_t v = call_code();
  check_one_trap("ebreak in the block", CAUSE_BREAKPOINT, MODE_M, MODE_M, (uint64_t)&code[3], 0);
  check("the instructions around it ran", v, 1026);
  return finish("block_boundaries");
}
