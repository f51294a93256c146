/* Misaligned loads and stores: the hart performs them (no trap) with the little-endian
   result, at every misaligned offset of every width, including accesses that straddle
   an 8-byte boundary and a page boundary (the unprivileged spec leaves misaligned
   ordinary accesses to the execution environment; the virt board and Pagoda carry
   them out, as QEMU does). Loads sign- or zero-extend as when aligned. LR is never
   performed misaligned: it raises a load address-misaligned exception (cause 4) with
   mtval = the address and leaves rd alone (misaligned AMOs and SC: amo_misaligned.S). */
#include "asm_test.h"

/* t2 <- op at data + offset. */
#define LOAD(op, offset, want) \
  la t0, data; op t2, offset(t0); CHECK(STR(op at +offset), t2, want)
/* Two doublewords of 0xa5 bytes; op stores 0x8877665544332211 (truncated) at
   offset; both doublewords are then checked. */
#define STORE(op, offset, want_lo, want_hi) \
  la t0, buffer; li t1, 0xa5a5a5a5a5a5a5a5; sd t1, 0(t0); sd t1, 8(t0); \
  li t1, 0x8877665544332211; op t1, offset(t0); \
  ld t2, 0(t0); CHECK(STR(op at +offset low), t2, want_lo); \
  ld t2, 8(t0); CHECK(STR(op at +offset high), t2, want_hi)

TEST_BEGIN
  LOAD(lh, 1, 0x2382)
  LOAD(lh, 3, 0x4594)
  LOAD(lh, 5, 0xffffffffffffa736)
  LOAD(lh, 7, 0xffffffffffffc958)
  LOAD(lhu, 1, 0x2382)
  LOAD(lhu, 3, 0x4594)
  LOAD(lhu, 5, 0xa736)
  LOAD(lhu, 7, 0xc958)
  LOAD(lw, 1, 0x45942382)
  LOAD(lw, 2, 0x36459423)
  LOAD(lw, 3, 0xffffffffa7364594)
  LOAD(lw, 5, 0xffffffffc958a736)
  LOAD(lw, 6, 0x7ac958a7)
  LOAD(lw, 7, 0xffffffffeb7ac958)
  LOAD(lwu, 1, 0x45942382)
  LOAD(lwu, 2, 0x36459423)
  LOAD(lwu, 3, 0xa7364594)
  LOAD(lwu, 5, 0xc958a736)
  LOAD(lwu, 6, 0x7ac958a7)
  LOAD(lwu, 7, 0xeb7ac958)
  LOAD(ld, 1, 0xc958a73645942382)
  LOAD(ld, 2, 0x7ac958a736459423)
  LOAD(ld, 3, 0xeb7ac958a7364594)
  LOAD(ld, 4, 0x1ceb7ac958a73645)
  LOAD(ld, 5, 0x8d1ceb7ac958a736)
  LOAD(ld, 6, 0x2e8d1ceb7ac958a7)
  LOAD(ld, 7, 0xff2e8d1ceb7ac958)
  STORE(sh, 1, 0xa5a5a5a5a52211a5, 0xa5a5a5a5a5a5a5a5)
  STORE(sh, 3, 0xa5a5a52211a5a5a5, 0xa5a5a5a5a5a5a5a5)
  STORE(sh, 5, 0xa52211a5a5a5a5a5, 0xa5a5a5a5a5a5a5a5)
  STORE(sh, 7, 0x11a5a5a5a5a5a5a5, 0xa5a5a5a5a5a5a522)
  STORE(sw, 1, 0xa5a5a544332211a5, 0xa5a5a5a5a5a5a5a5)
  STORE(sw, 2, 0xa5a544332211a5a5, 0xa5a5a5a5a5a5a5a5)
  STORE(sw, 3, 0xa544332211a5a5a5, 0xa5a5a5a5a5a5a5a5)
  STORE(sw, 5, 0x332211a5a5a5a5a5, 0xa5a5a5a5a5a5a544)
  STORE(sw, 6, 0x2211a5a5a5a5a5a5, 0xa5a5a5a5a5a54433)
  STORE(sw, 7, 0x11a5a5a5a5a5a5a5, 0xa5a5a5a5a5443322)
  STORE(sd, 1, 0x77665544332211a5, 0xa5a5a5a5a5a5a588)
  STORE(sd, 2, 0x665544332211a5a5, 0xa5a5a5a5a5a58877)
  STORE(sd, 3, 0x5544332211a5a5a5, 0xa5a5a5a5a5887766)
  STORE(sd, 4, 0x44332211a5a5a5a5, 0xa5a5a5a588776655)
  STORE(sd, 5, 0x332211a5a5a5a5a5, 0xa5a5a58877665544)
  STORE(sd, 6, 0x2211a5a5a5a5a5a5, 0xa5a5887766554433)
  STORE(sd, 7, 0x11a5a5a5a5a5a5a5, 0xa588776655443322)

  /* The base register as destination, and x0 as destination. */
  la t0, data
  lw t0, 3(t0)
  CHECK("lw rd = rs1", t0, 0xffffffffa7364594)
  la t0, data
  ld zero, 1(t0)
  CHECK("misaligned ld to x0", zero, 0)
  /* Compressed loads and stores with a misaligned base. */
  la a4, data + 5
  c.lw a3, 0(a4)
  CHECK("c.lw at +5", a3, 0xffffffffc958a736)
  c.ld a3, 0(a4)
  CHECK("c.ld at +5", a3, 0x8d1ceb7ac958a736)
  la a4, buffer + 3
  li a5, 0x0102030405060708
  c.sd a5, 0(a4)
  c.lw a3, 4(a4)
  CHECK("c.sd then c.lw at +3", a3, 0x01020304)

  /* Across a page boundary: every width straddling it. */
  la t0, page_end
  li t1, 0x1122334455667788
  sd t1, -4(t0)
  ld t2, -4(t0)
  CHECK("sd/ld across a page", t2, 0x1122334455667788)
  lw t2, -2(t0)
  CHECK("lw across a page", t2, 0x33445566)
  lhu t2, -1(t0)
  CHECK("lhu across a page", t2, 0x4455)
  li t1, 0xfedcba98
  sw t1, -3(t0)
  lwu t2, -3(t0)
  CHECK("sw/lwu across a page", t2, 0xfedcba98)
  li t1, 0x8180
  sh t1, -1(t0)
  lh t2, -1(t0)
  CHECK("sh/lh across a page", t2, 0xffffffffffff8180)
  ld t2, -4(t0)
  CHECK("the page-crossing bytes together", t2, 0x1122338180ba9888)

  /* LR at a misaligned address traps. */
  la t0, record_trap
  csrw mtvec, t0
  la t0, data
  li t2, 0x55
  li s1, 0
  addi t5, t0, 2
  lr.w t2, (t5)
  CHECK("lr.w at +2: cause", s1, 4)
  csrr t1, mtval
  sub t1, t1, t5
  CHECK("lr.w at +2: mtval", t1, 0)
  CHECK("lr.w at +2: rd unchanged", t2, 0x55)
  li s1, 0
  addi t5, t0, 4
  lr.d t2, (t5)
  CHECK("lr.d at +4: cause", s1, 4)
  csrr t1, mtval
  sub t1, t1, t5
  CHECK("lr.d at +4: mtval", t1, 0)
  CHECK("lr.d at +4: rd unchanged", t2, 0x55)
  la t0, guest_default_trap
  csrw mtvec, t0
  TEST_END("misaligned")

/* Records mcause in s1 and resumes after the (4-byte) trapping instruction. */
  .align 2
record_trap:
  csrr s1, mcause
  csrr t6, mepc
  addi t6, t6, 4
  csrw mepc, t6
  mret

  .data
  .align 3
data:
  .byte 0x01, 0x82, 0x23, 0x94, 0x45, 0x36, 0xa7, 0x58
  .byte 0xc9, 0x7a, 0xeb, 0x1c, 0x8d, 0x2e, 0xff, 0x60
buffer:
  .dword 0, 0
  .align 12
  .space 4096 - 8
  .dword 0
page_end:
  .dword 0
