# Runs the boot ROM on QEMU and checks its hand-off: a0 = mhartid, a1 = the DTB
# word, a2 = the argument word, and arrival at the kernel entry word.
#
# The ROM's code is included byte for byte from build/bootrom.bin and placed in
# RAM at 0x80200000 (away from 0x1000, which also shows it is position-independent),
# followed by its three data words. QEMU (-bios none) starts every hart at
# 0x80000000, where `start` points mtvec at a failure exit and jumps to the copy;
# the ROM must land each hart on `kernel` with the right registers. Hart 0 waits
# for hart 1 to check in, then exits through the SiFive test device: status 0 on
# success, 1 on a wrong register, 2 on a trap (the jump went astray).

  .equ TEST_DEVICE, 0x100000
  .equ PASS, 0x5555
  .equ FAIL_REGISTERS, 0x13333
  .equ FAIL_TRAP, 0x23333
  .equ DTB_WORD, 0x87e00000
  .equ ARGUMENT_WORD, 0x0123456789abcdef

  .section .rom, "ax"
  .globl rom_copy
rom_copy:
  .incbin BOOTROM_BIN, 0, 0x18            # the code, up to KERNEL_ENTRY
  .dword kernel                           # KERNEL_ENTRY
  .dword DTB_WORD                         # DTB_ADDRESS
  .dword ARGUMENT_WORD                    # ARGUMENT

  .section .text, "ax"
  .globl start
start:
  la t0, trapped
  csrw mtvec, t0
  la t0, rom_copy
  jr t0

  .balign 16
kernel:
  csrr t0, mhartid
  bne a0, t0, wrong_registers
  li t0, DTB_WORD
  bne a1, t0, wrong_registers
  li t0, ARGUMENT_WORD
  bne a2, t0, wrong_registers
  la t0, checked_in
  bnez a0, secondary
  # Hart 0: wait for the other hart, then pass.
1:ld t1, 0(t0)
  beqz t1, 1b
  li t1, PASS
  j exit
secondary:
  li t1, 1
  fence
  sd t1, 0(t0)
2:wfi
  j 2b

wrong_registers:
  li t1, FAIL_REGISTERS
  j exit
  .balign 4
trapped:
  li t1, FAIL_TRAP
exit:
  li t0, TEST_DEVICE
  sw t1, 0(t0)
3:j 3b

  .section .data
  .balign 8
checked_in:
  .dword 0
