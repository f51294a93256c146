/* FENCE (RV64I, 2.7 Memory Ordering Instructions): every predecessor/successor
   combination used in practice, FENCE.TSO and the PAUSE hint (FENCE W,0) run without
   a trap, and a single hart still sees its own stores in program order around them.
   The unused rd and rs1 fields are ignored ("base implementations shall ignore these
   fields"): rd is not written. Reserved fm and pred/succ settings are "normal fences
   with fm=0000". Any trap ends the test through the default handler. */
#include "asm_test.h"

/* fence with fm, pred, succ, rs1 and rd given numerically. */
#define FENCE_RAW(fm, pred, succ, rs1, rd) \
  .word ((fm) << 28) | ((pred) << 24) | ((succ) << 20) | ((rs1) << 15) | ((rd) << 7) | 0x0f

TEST_BEGIN
  la t0, cell
  li t1, 1
  sd t1, 0(t0)
  fence
  ld t2, 0(t0)
  CHECK("fence (iorw, iorw)", t2, 1)
  li t1, 2
  sd t1, 0(t0)
  fence rw, rw
  ld t2, 0(t0)
  CHECK("fence rw, rw", t2, 2)
  li t1, 3
  sw t1, 0(t0)
  fence w, r
  lw t2, 0(t0)
  CHECK("fence w, r", t2, 3)
  fence r, r
  fence w, w
  fence r, w
  fence i, o
  fence o, i
  fence io, rw
  fence rw, io
  li t1, 4
  sb t1, 0(t0)
  fence.tso
  lbu t2, 0(t0)
  CHECK("fence.tso", t2, 4)
  FENCE_RAW(0, 1, 0, 0, 0)                /* pause */
  FENCE_RAW(0, 0, 0, 0, 0)                /* empty predecessor and successor sets */

  /* Unused fields: rd = t2 is not written, rs1 = t1 is not read. */
  li t2, 0x77
  FENCE_RAW(0, 3, 3, 6, 7)                /* fence rw, rw with rs1 = t1, rd = t2 */
  CHECK("fence does not write rd", t2, 0x77)
  li t2, 0x78
  FENCE_RAW(1, 15, 15, 0, 7)              /* reserved fm = 0001, rd = t2 */
  CHECK("fence with a reserved fm", t2, 0x78)

  /* Ordinary loads and stores across fences to two addresses. */
  li t1, 0x1111
  sd t1, 0(t0)
  li t1, 0x2222
  sd t1, 8(t0)
  fence rw, rw
  ld t2, 0(t0)
  ld t3, 8(t0)
  add t2, t2, t3
  CHECK("stores before a fence seen after it", t2, 0x3333)
  TEST_END("fence")

  .data
  .align 3
cell:
  .dword 0, 0
