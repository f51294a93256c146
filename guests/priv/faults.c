/* Access faults, misaligned atomics and breakpoints (privileged spec 3.1.15-3.1.16):
   a load, store or AMO, or an instruction fetch, at an address where the virt board
   has neither memory nor a device raises a load (5), store (7) or instruction (1)
   access fault with mtval = the faulting address (for a fetch, mepc = mtval = the
   target); LR is a load. A misaligned LR raises a load address-misaligned exception
   (4) with mtval = the address (unprivileged spec 8.2). AMOs and SC: amo_faults.
   With the C extension, IALIGN = 16: a jump to an address with bit 1 set is no
   misaligned fetch, and JALR clears bit 0 of its target (unprivileged spec 2.5).
   EBREAK and C.EBREAK raise breakpoint exceptions (3) with mepc = their address; mtval
   is "either set to the virtual address of the instruction or zero": zero here, as on
   QEMU 7.2. */
#include "priv.h"

#define UNMAPPED 0x08000000UL   /* between the platform bus and the PLIC: nothing there */

#define MEM_OP(name, insn)                                                        \
  static uint64_t name(uint64_t addr) {                                          \
    uint64_t pc;                                                                 \
    asm volatile("li t0, 1\n la %0, 1f\n1: " insn : "=&r"(pc) : "r"(addr) : "t0", "t1", "memory"); \
    return pc;                                                                   \
  }
MEM_OP(do_lb, "lb t1, 0(%1)")
MEM_OP(do_lhu, "lhu t1, 0(%1)")
MEM_OP(do_lw, "lw t1, 0(%1)")
MEM_OP(do_ld, "ld t1, 0(%1)")
MEM_OP(do_sb, "sb t0, 0(%1)")
MEM_OP(do_sh, "sh t0, 0(%1)")
MEM_OP(do_sw, "sw t0, 0(%1)")
MEM_OP(do_sd, "sd t0, 0(%1)")
MEM_OP(do_lr_w, "lr.w t1, (%1)")
MEM_OP(do_lr_d, "lr.d t1, (%1)")

/* Calls the code at `target` (the handler resumes a faulting fetch at ra). */
static uint64_t call_at(uint64_t target) {
  register uint64_t a0 asm("a0") = 0;
  asm volatile("jalr %1" : "+r"(a0) : "r"(target) : "ra", "t0", "t1", "t2", "a1", "memory");
  return a0;
}

static uint64_t ebreak_here(uint64_t unused) {
  (void)unused;
  uint64_t pc;
  asm volatile("la %0, 1f\n1: ebreak" : "=&r"(pc) :: "memory");
  return pc;
}
static uint64_t c_ebreak_here(uint64_t unused) {
  (void)unused;
  uint64_t pc;
  asm volatile("la %0, 1f\n1: c.ebreak\n c.nop" : "=&r"(pc) :: "memory");
  return pc;
}

/* Code written at a 2-byte offset: "addi a0, zero, 42" and "jalr zero, 0(ra)". */
static uint16_t code[8] __attribute__((aligned(8)));
#define ADDI_A0_42 0x02a00513u
#define RET        0x00008067u

static uint64_t data[2] __attribute__((aligned(16)));

static void expect(const char *label, uint64_t (*op)(uint64_t), uint64_t mode, uint64_t addr, uint64_t cause) {
  trap_reset();
  uint64_t pc = mode == MODE_M ? op(addr) : priv_run(mode, op, addr);
  check_one_trap(label, cause, MODE_M, mode, pc, addr);
}

int main(void) {
  priv_init();

  puts_("load access faults\n");
  expect("lb unmapped", do_lb, MODE_M, UNMAPPED + 3, CAUSE_LOAD_ACCESS);
  expect("lhu unmapped", do_lhu, MODE_M, UNMAPPED + 0x102, CAUSE_LOAD_ACCESS);
  expect("lw unmapped", do_lw, MODE_M, UNMAPPED + 0x2004, CAUSE_LOAD_ACCESS);
  expect("ld unmapped", do_ld, MODE_M, UNMAPPED, CAUSE_LOAD_ACCESS);
  expect("ld unmapped from U", do_ld, MODE_U, UNMAPPED + 0x40, CAUSE_LOAD_ACCESS);
  expect("lr.w unmapped", do_lr_w, MODE_M, UNMAPPED + 0x10, CAUSE_LOAD_ACCESS);

  puts_("store access faults\n");
  expect("sb unmapped", do_sb, MODE_M, UNMAPPED + 1, CAUSE_STORE_ACCESS);
  expect("sh unmapped", do_sh, MODE_M, UNMAPPED + 0x22, CAUSE_STORE_ACCESS);
  expect("sw unmapped", do_sw, MODE_M, UNMAPPED + 0x44, CAUSE_STORE_ACCESS);
  expect("sd unmapped", do_sd, MODE_M, UNMAPPED + 0x88, CAUSE_STORE_ACCESS);
  expect("sd unmapped from S", do_sd, MODE_S, UNMAPPED + 0x90, CAUSE_STORE_ACCESS);

  puts_("instruction access faults\n");
  trap_reset();
  call_at(UNMAPPED);
  check_one_trap("fetch unmapped", CAUSE_FETCH_ACCESS, MODE_M, MODE_M, UNMAPPED, UNMAPPED);
  trap_reset();
  priv_run(MODE_U, call_at, UNMAPPED + 0x1000);
  check_one_trap("fetch unmapped from U", CAUSE_FETCH_ACCESS, MODE_M, MODE_U, UNMAPPED + 0x1000, UNMAPPED + 0x1000);

  puts_("misaligned LR\n");
  uint64_t base = (uint64_t)data;
  expect("lr.w misaligned", do_lr_w, MODE_M, base + 2, CAUSE_MISALIGNED_LOAD);
  expect("lr.d misaligned", do_lr_d, MODE_M, base + 4, CAUSE_MISALIGNED_LOAD);

  puts_("jumps to 2-byte aligned code\n");
  code[1] = ADDI_A0_42 & 0xffff;
  code[2] = ADDI_A0_42 >> 16;
  code[3] = RET & 0xffff;
  code[4] = RET >> 16;
  asm volatile("fence.i" ::: "memory");
  trap_reset();
  check("call to address with bit 1 set", call_at((uint64_t)&code[1]), 42);
  check("jalr clears bit 0 of the target", call_at((uint64_t)&code[1] + 1), 42);
  check_no_trap("no misaligned fetch with C");

  puts_("breakpoints\n");
  expect("ebreak", ebreak_here, MODE_M, 0, CAUSE_BREAKPOINT);
  expect("c.ebreak", c_ebreak_here, MODE_M, 0, CAUSE_BREAKPOINT);
  expect("ebreak from S", ebreak_here, MODE_S, 0, CAUSE_BREAKPOINT);
  expect("c.ebreak from U", c_ebreak_here, MODE_U, 0, CAUSE_BREAKPOINT);

  return finish("faults");
}
