/* The firmware enters the kernel where fw_dynamic_info's next_addr says (here the ELF
   entry, next_addr_entry, not the start of the image at 0x80200000), in S-mode, with
   a0 = the boot hart's id and a1 = the device tree. QEMU-SKIP */
#include "sbi_rt.h"

static volatile uint64_t entered = 1;   /* .data: next_addr_entry sets 2 before _start */
static volatile uint64_t illegal;

asm(".section .text\n"
    ".globl next_addr_entry\n"
    "next_addr_entry:\n"
    "  la t0, entered\n"
    "  li t1, 2\n"
    "  sd t1, 0(t0)\n"
    "  j _start\n");

static void on_trap(struct s_frame *f) {
  if (f->scause != 2) { puts_("unexpected trap\n"); sbi_exit(1); }
  illegal++;
  f->sepc += 4;
}

int main(uint64_t hart, uint64_t dtb) {
  trap_handler = on_trap;
  check("entered at next_addr", entered, 2);
  check("a0 = boot hart", hart, 0);
  const volatile uint8_t *p = (const volatile uint8_t *)dtb;
  check("a1 = the device tree (magic)", (uint64_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3], 0xd00dfeed);
  uint64_t v;
  asm volatile(".option push\n.option norvc\ncsrr %0, mscratch\n.option pop" : "=r"(v));
  check("in S-mode: mscratch is out of reach", illegal, 1);
  check("satp = 0", CSR_READ(satp), 0);
  return finish("sbi/next_addr");
}
