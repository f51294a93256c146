// QEMU-SKIP: QEMU 7.2 keeps bits 63:54 of pmpaddr as written
/* On RV64 a pmpaddr register "encodes bits 55-2 of a 56-bit physical address"
   (privileged spec 3.7.1, Figure "PMP address register format, RV64"): bits 53:0 hold
   the address and bits 63:54 are WARL zero, so writing all ones reads back 2^54 - 1. */
#include "priv.h"

int main(void) {
  priv_init();
  puts_("pmpaddr keeps 54 bits\n");
  asm volatile("csrw pmpaddr7, %0" :: "r"(~0UL));
  check("pmpaddr7 = all ones", CSR_READ(pmpaddr7), (1UL << 54) - 1);
  asm volatile("csrw pmpaddr7, %0" :: "r"(0xffc0000000000123UL));
  check("pmpaddr7 upper bits", CSR_READ(pmpaddr7), 0x123);
  asm volatile("csrw pmpaddr7, zero");
  check("pmpaddr15 = NAPOT of everything", CSR_READ(pmpaddr15), (1UL << 54) - 1);
  return finish("pmpaddr_warl");
}
