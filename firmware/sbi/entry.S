# Pagoda's SBI firmware: reset entry, secondary-hart entry, the switch to S-mode and
# the M-mode trap vector.
#
# _start            from the boot ROM (or QEMU's reset vector): a0 = hartid,
#                   a1 = device tree, a2 = struct fw_dynamic_info (or 0)
# secondary_entry   a hart released through Pagoda's hart mailbox for hart_start:
#                   a0 = hartid, a1 = the mailbox ARG word
#
# Register use while in M-mode: mscratch holds the top of the hart's M-mode stack
# while the hart runs in S or U mode, and 0 while it runs in M-mode, so a trap taken
# in M-mode itself (a firmware bug) is recognised and reported instead of being
# handled on a wrong stack.

#include "sbi.h"
  .equ FRAME, 34 * 8

  # The implementation id as an absolute symbol, for gen-firmware-swift.sh.
  .globl pagoda_sbi_implementation_id
  .set pagoda_sbi_implementation_id, SBI_IMPL_ID

  .section .text.entry, "ax"
  .globl _start
_start:
  csrw mie, zero
  csrw mscratch, zero
  la t0, trap_vector
  csrw mtvec, t0
  li t0, MAX_HARTS
  bgeu a0, t0, hang
  call set_stack
  call cold_boot                # never returns
hang:
  wfi
  j hang

  .globl secondary_entry
secondary_entry:
  csrw mie, zero
  csrw mscratch, zero
  la t0, trap_vector
  csrw mtvec, t0
  li t0, MAX_HARTS
  bgeu a0, t0, hang
  call set_stack
  call warm_boot                # never returns
  j hang

# sp = _stacks_top - hartid * 4 KiB (a0 = hartid; only t0 is used).
set_stack:
  la sp, _stacks_top
  slli t0, a0, STACK_SHIFT
  sub sp, sp, t0
  ret

# enter_supervisor(addr = a0, a0' = a1, a1' = a2, mode = a3): mret to addr in mode
# (0 U, 1 S, 3 M) with a0 = a1, a1 = a2, satp = 0 and sstatus.SIE = 0, on a fresh
# M-mode stack (mscratch = its top).
  .globl enter_supervisor
enter_supervisor:
  csrw mepc, a0
  li t0, 3 << 11                # MPP
  csrc mstatus, t0
  andi a3, a3, 3
  slli a3, a3, 11
  csrs mstatus, a3
  li t0, (1 << 7) | (1 << 1)    # MPIE, SIE
  csrc mstatus, t0
  csrw satp, zero
  sfence.vma
  csrr t0, mhartid
  la t1, _stacks_top
  slli t0, t0, STACK_SHIFT
  sub t1, t1, t0
  csrw mscratch, t1
  mv a0, a1
  mv a1, a2
  li a2, 0
  li a3, 0
  mret

# hart_park_on_fresh_stack(hart = a0): drop the current stack and park (hsm.c).
  .globl hart_park_on_fresh_stack
hart_park_on_fresh_stack:
  csrw mscratch, zero
  call set_stack
  call hart_park
  j hang

# probe_stimecmp(): a0 = 1 when the hart has stimecmp (Sstc), 0 when reading it
# traps (illegal instruction; the trap lands on the label below with a0 still 0).
# menvcfg.STCE alone is no test: QEMU 7.2 keeps it writable without Sstc.
  .globl probe_stimecmp
probe_stimecmp:
  csrr t1, mtvec
  la t0, 1f
  csrw mtvec, t0
  li a0, 0
  csrr t0, 0x14D
  li a0, 1
  .align 2
1:csrw mtvec, t1
  ret

  .align 2
  .globl trap_vector
trap_vector:
  csrrw sp, mscratch, sp
  beqz sp, trap_from_machine
  addi sp, sp, -FRAME
  sd x1, 1*8(sp)
  sd x3, 3*8(sp)
  sd x4, 4*8(sp)
  sd x5, 5*8(sp)
  sd x6, 6*8(sp)
  sd x7, 7*8(sp)
  sd x8, 8*8(sp)
  sd x9, 9*8(sp)
  sd x10, 10*8(sp)
  sd x11, 11*8(sp)
  sd x12, 12*8(sp)
  sd x13, 13*8(sp)
  sd x14, 14*8(sp)
  sd x15, 15*8(sp)
  sd x16, 16*8(sp)
  sd x17, 17*8(sp)
  sd x18, 18*8(sp)
  sd x19, 19*8(sp)
  sd x20, 20*8(sp)
  sd x21, 21*8(sp)
  sd x22, 22*8(sp)
  sd x23, 23*8(sp)
  sd x24, 24*8(sp)
  sd x25, 25*8(sp)
  sd x26, 26*8(sp)
  sd x27, 27*8(sp)
  sd x28, 28*8(sp)
  sd x29, 29*8(sp)
  sd x30, 30*8(sp)
  sd x31, 31*8(sp)
  csrrw t0, mscratch, zero      # the interrupted sp; mscratch = 0 while in M-mode
  sd t0, 2*8(sp)
  csrr t0, mepc
  sd t0, 32*8(sp)
  mv a0, sp
  call trap_handler
  ld t0, 32*8(sp)
  csrw mepc, t0
  addi t0, sp, FRAME
  csrw mscratch, t0
  ld x1, 1*8(sp)
  ld x3, 3*8(sp)
  ld x4, 4*8(sp)
  ld x5, 5*8(sp)
  ld x6, 6*8(sp)
  ld x7, 7*8(sp)
  ld x8, 8*8(sp)
  ld x9, 9*8(sp)
  ld x10, 10*8(sp)
  ld x11, 11*8(sp)
  ld x12, 12*8(sp)
  ld x13, 13*8(sp)
  ld x14, 14*8(sp)
  ld x15, 15*8(sp)
  ld x16, 16*8(sp)
  ld x17, 17*8(sp)
  ld x18, 18*8(sp)
  ld x19, 19*8(sp)
  ld x20, 20*8(sp)
  ld x21, 21*8(sp)
  ld x22, 22*8(sp)
  ld x23, 23*8(sp)
  ld x24, 24*8(sp)
  ld x25, 25*8(sp)
  ld x26, 26*8(sp)
  ld x27, 27*8(sp)
  ld x28, 28*8(sp)
  ld x29, 29*8(sp)
  ld x30, 30*8(sp)
  ld x31, 31*8(sp)
  ld sp, 2*8(sp)
  mret

# A trap in M-mode: report it on a fresh stack (the hart's own, from its top; sp may
# not be set up yet), and the machine stops.
trap_from_machine:
  csrrw sp, mscratch, sp
  csrr a0, mhartid
  li t0, MAX_HARTS
  bgeu a0, t0, hang
  call set_stack
  la a0, panic_machine_trap
  csrr a1, mcause
  csrr a2, mepc
  csrr a3, mtval
  call panic
  j hang

  .section .rodata
panic_machine_trap:
  .asciz "trap in M-mode"
