# A kernel in the RISC-V Linux Image format (the kernel's boot-image-header.rst): the
# 64-byte header, then code. Linked at RAM base + 2 MiB and turned into a raw binary;
# Pagoda recognises it by its magic and places it by text_offset. Run by
# handoff_firmware.c as a function in S-mode: returns a0 + 0x5a17.
  .option norvc
  .section .text.init, "ax"
  .globl _start
_start:
  j     code                 # code0: jump over the header
  .word 0                    # code1
  .dword 0x200000            # text_offset: 2 MiB
  .dword image_end - _start  # image_size
  .dword 0                   # flags: little-endian
  .word 0x2                  # version 0.2
  .word 0                    # reserved
  .dword 0                   # reserved
  .ascii "RISCV\0\0\0"       # magic (deprecated)
  .ascii "RSC\x05"           # magic2
  .word 0                    # reserved
code:
  li    t0, 0x5a17
  add   a0, a0, t0
  ret
image_end:
