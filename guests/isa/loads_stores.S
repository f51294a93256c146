/* Loads and stores of every width: sign extension (lb, lh, lw) and zero extension
   (lbu, lhu, lwu) of values with the top bit set and clear, little-endian byte order,
   stores writing exactly their width, x0 as the destination of a load, negative
   offsets, and misaligned accesses, which the hart carries out (also across a page
   boundary) instead of trapping. */
#include "asm_test.h"

#define LOAD(op, offset, want) la t0, data; op t2, offset(t0); CHECK(STR(op offset), t2, want)

TEST_BEGIN
  LOAD(lb, 0, 0xffffffffffffff81)
  LOAD(lbu, 0, 0x81)
  LOAD(lb, 1, 0x7f)
  LOAD(lh, 0, 0x7f81)
  LOAD(lh, 2, 0xffffffffffffff80)
  LOAD(lhu, 2, 0xff80)
  LOAD(lw, 4, 0x7ffffffe)
  LOAD(lwu, 0, 0xff807f81)
  LOAD(ld, 0, 0x7ffffffeff807f81)
  LOAD(ld, 8, 0x8000000000000001)
  /* Sign extension proper. */
  la t0, data
  lw t2, 0(t0)
  CHECK("lw sign-extends", t2, 0xffffffffff807f81)
  /* Negative offset. */
  la t0, data + 16
  ld t2, -8(t0)
  CHECK("ld negative offset", t2, 0x8000000000000001)
  /* A load into x0 is performed and discarded. */
  la t0, data
  ld zero, 0(t0)
  CHECK("ld to x0", zero, 0)

  /* Stores write exactly their width. */
  la t0, buffer
  li t1, -1
  sd t1, 0(t0)
  sd t1, 8(t0)
  li t1, 0x1122334455667788
  sb t1, 0(t0)
  ld t2, 0(t0)
  CHECK("sb", t2, 0xffffffffffffff88)
  sh t1, 2(t0)
  ld t2, 0(t0)
  CHECK("sh", t2, 0xffffffff7788ff88)
  sw t1, 4(t0)
  ld t2, 0(t0)
  CHECK("sw", t2, 0x556677887788ff88)
  sd t1, 8(t0)
  ld t2, 8(t0)
  CHECK("sd", t2, 0x1122334455667788)
  lbu t2, 15(t0)
  CHECK("little-endian byte order", t2, 0x11)

  /* Misaligned loads and stores. */
  la t0, data
  lh t2, 1(t0)
  CHECK("misaligned lh sign", t2, 0xffffffffffff807f)
  lw t2, 1(t0)
  CHECK("misaligned lw", t2, 0xfffffffffeff807f)
  lwu t2, 3(t0)
  CHECK("misaligned lwu", t2, 0xfffffeff)
  ld t2, 3(t0)
  CHECK("misaligned ld", t2, 0x017ffffffeff)
  la t0, buffer
  li t1, 0x0102030405060708
  sd t1, 3(t0)
  ld t2, 0(t0)
  CHECK("misaligned sd", t2, 0x040506070888ff88)
  ld t2, 8(t0)
  CHECK("misaligned sd high", t2, 0x1122334455010203)
  /* Across a page boundary. */
  la t0, page_end
  li t1, 0xa1a2a3a4a5a6a7a8
  sd t1, -3(t0)
  ld t2, -3(t0)
  CHECK("page-crossing sd/ld", t2, 0xa1a2a3a4a5a6a7a8)
  lw t2, -2(t0)
  CHECK("page-crossing lw", t2, 0xffffffffa4a5a6a7)
  TEST_END("loads_stores")

  .data
  .align 3
data:
  .byte 0x81, 0x7f, 0x80, 0xff, 0xfe, 0xff, 0xff, 0x7f
  .dword 0x8000000000000001
  .dword 0
buffer:
  .dword 0, 0, 0
  .align 12
  .space 4096 - 8
  .dword 0
page_end:
  .dword 0
