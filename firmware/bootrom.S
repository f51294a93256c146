# Pagoda boot ROM.
#
# Mapped at 0x1000, the reset vector: every hart starts here in M-mode with
# nothing else initialised. The ROM hands the hart to the loaded program with
# the boot convention Linux, OpenSBI and the guest runtime expect:
#
#   a0 = mhartid
#   a1 = physical address of the flattened device tree
#   a2 = the argument word (0 unless the emulator sets it)
#   pc = the kernel entry point
#
# The code only reads the three 64-bit words that follow it, addressing them
# relative to its own pc (auipc), so it runs wherever it is mapped. The
# emulator fills the words in when it builds the ROM image:
#
#   offset 0x18  kernel_entry   where to jump
#   offset 0x20  dtb_address    passed in a1
#   offset 0x28  argument       passed in a2 (spare, e.g. OpenSBI's fw_dynamic_info)
#
# Instructions are kept uncompressed so the layout is fixed at six 32-bit
# instructions; tools/check-firmware.sh rebuilds this file and checks that
# Sources/PagodaDevices/BootROM.swift still matches it.

  .option norvc
  .option norelax

  # Offsets of the data words from the start of the ROM.
  .equ KERNEL_ENTRY, 0x18
  .equ DTB_ADDRESS,  0x20
  .equ ARGUMENT,     0x28
  .equ ROM_SIZE,     0x30

  .section .text.bootrom, "ax"
  .globl _start
_start:
  auipc t0, 0                             # t0 = address of _start
  csrr  a0, mhartid
  ld    a1, DTB_ADDRESS(t0)
  ld    a2, ARGUMENT(t0)
  ld    t0, KERNEL_ENTRY(t0)
  jr    t0

  # .org fails the build if the code above ever grows into the data words.
  .org KERNEL_ENTRY
  .globl kernel_entry, dtb_address, argument, bootrom_end
kernel_entry:
  .dword 0
  .org DTB_ADDRESS
dtb_address:
  .dword 0
  .org ARGUMENT
argument:
  .dword 0
  .org ROM_SIZE
bootrom_end:
