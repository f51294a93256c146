# Boot: where every hart enters the kernel (MOS 4th ed. 8.1.2, "Multiprocessor Operating
# System Types": one kernel image in shared memory, run by every CPU).
#
# How this kernel boots (a deliberate choice): it runs bare, without SBI firmware.
# Pagoda's boot ROM enters _start in M-mode on hart 0 only (a0 = hart id, a1 = the
# device tree). Every hart first runs the small M-mode layer (mlayer.c: delegation, PMP,
# Sstc timers, IPI forwarding) and then drops to S-mode at s_entry. Hart 0 alone sets up
# memory, the run queue and the first processes, and then starts every other hart
# itself through Pagoda's hart mailbox (smp.c), at this same _start: the mechanism the
# chapter describes, one boot CPU starting the others. User programs run in U-mode.
  .section .text.init, "ax"
  .globl _start
_start:
  .option push
  .option norelax
  # An M-mode stack per hart (4 KiB each); mscratch keeps its top for M-mode traps.
  la sp, m_stack_top
  slli t0, a0, 12
  sub sp, sp, t0
  csrw mscratch, sp
  bnez a0, 2f
  # Hart 0: clear .bss (nothing has used the stacks yet).
  la t0, __bss_start
  la t1, __bss_end
1:bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:call m_setup          # returns to S-mode at s_entry with a0, a1 unchanged
  .option pop
3:j 3b

# S-mode entry for every hart: a kernel stack of 16 KiB per hart, tp = hart id.
  .globl s_entry
s_entry:
  la sp, k_stack_top
  slli t0, a0, 14
  sub sp, sp, t0
  mv tp, a0
  call s_main
4:j 4b

# M-mode trap entry: switch to the hart's M stack, save the caller-saved registers,
# and let m_trap (mlayer.c) decide; every register a user program sees is preserved.
  .align 4
  .globl m_trap_entry
m_trap_entry:
  csrrw sp, mscratch, sp
  addi sp, sp, -128
  sd ra, 0(sp)
  sd t0, 8(sp)
  sd t1, 16(sp)
  sd t2, 24(sp)
  sd t3, 32(sp)
  sd t4, 40(sp)
  sd t5, 48(sp)
  sd t6, 56(sp)
  sd a0, 64(sp)
  sd a1, 72(sp)
  sd a2, 80(sp)
  sd a3, 88(sp)
  sd a4, 96(sp)
  sd a5, 104(sp)
  sd a6, 112(sp)
  sd a7, 120(sp)
  call m_trap
  ld ra, 0(sp)
  ld t0, 8(sp)
  ld t1, 16(sp)
  ld t2, 24(sp)
  ld t3, 32(sp)
  ld t4, 40(sp)
  ld t5, 48(sp)
  ld t6, 56(sp)
  ld a0, 64(sp)
  ld a1, 72(sp)
  ld a2, 80(sp)
  ld a3, 88(sp)
  ld a4, 96(sp)
  ld a5, 104(sp)
  ld a6, 112(sp)
  ld a7, 120(sp)
  addi sp, sp, 128
  csrrw sp, mscratch, sp
  mret

  .section .bss
  .align 12
m_stacks:
  .space 4096 * 8
m_stack_top:
k_stacks:
  .space 16384 * 8
  .globl k_stack_top
k_stack_top:
