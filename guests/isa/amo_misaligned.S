// QEMU-SKIP: QEMU 7.2 raises cause 4 (load address misaligned) for misaligned AMOs and does not check the alignment of an sc that has no reservation; the spec requires a store/AMO address-misaligned exception (cause 6) for both
/* Misaligned AMOs and sc raise store/AMO address-misaligned exceptions (cause 6) with
   mtval = the address, whether or not the sc would have succeeded, and leave memory
   unchanged ("A" Standard Extension: "If the address is not naturally aligned, an
   address-misaligned exception ... will be generated"). */
#include "asm_test.h"

#define TRAPS(label, ...) \
  li s1, 0; __VA_ARGS__; CHECK(label, s1, 6); csrr t2, mtval; sub t2, t2, t5; CHECK(label, t2, 0)

TEST_BEGIN
  la t0, handler
  csrw mtvec, t0
  la t0, word
  li t1, 1
  addi t5, t0, 2
  TRAPS("amoadd.w at +2", amoadd.w t2, t1, (t5))
  addi t5, t0, 4
  TRAPS("amoor.d at +4", amoor.d t2, t1, (t5))
  addi t5, t0, 1
  TRAPS("amoswap.w at +1", amoswap.w t2, t1, (t5))
  addi t5, t0, 4
  TRAPS("sc.d at +4 without a reservation", sc.d t2, t1, (t5))
  lr.d t2, (t0)
  addi t5, t0, 6
  TRAPS("sc.w at +6 after lr.d", sc.w t2, t1, (t5))
  ld t2, 0(t0)
  CHECK("memory unchanged", t2, 0x0123456789abcdef)
  la t0, guest_default_trap
  csrw mtvec, t0
  TEST_END("amo_misaligned")

  .align 2
handler:
  csrr s1, mcause
  csrr t6, mepc
  addi t6, t6, 4
  csrw mepc, t6
  mret

  .data
  .align 4
word:
  .dword 0x0123456789abcdef, 0
