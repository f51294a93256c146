# Start-up code for the S-mode test kernels run under Pagoda's SBI firmware.
#
# _start              the boot hart, from the firmware: a0 = hartid, a1 = device tree
# sbi_secondary_start where hart_start (and non-retentive suspend) sends a hart:
#                     a0 = hartid, a1 = opaque
# Each hart gets a 16 KiB stack (sp = __stack_top - hartid * 16 KiB) and the S-mode
# trap vector s_trap_vector, which saves every register in a struct s_frame on the
# stack and calls s_trap(frame).
  .section .text.init, "ax"
  .globl _start
_start:
  la sp, __stack_top
  slli t0, a0, 14
  sub sp, sp, t0
  la t0, s_trap_vector
  csrw stvec, t0
  la t0, __bss_start
  la t1, __bss_end
1:bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:call main
  call sbi_exit

  .globl sbi_secondary_start
sbi_secondary_start:
  la sp, __stack_top
  slli t0, a0, 14
  sub sp, sp, t0
  la t0, s_trap_vector
  csrw stvec, t0
  call secondary_main
  call sbi_stop_self

  .align 2
  .globl s_trap_vector
s_trap_vector:
  addi sp, sp, -36*8
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
  addi t0, sp, 36*8
  sd t0, 2*8(sp)
  csrr t0, sepc
  sd t0, 32*8(sp)
  csrr t0, scause
  sd t0, 33*8(sp)
  csrr t0, stval
  sd t0, 34*8(sp)
  csrr t0, sstatus
  sd t0, 35*8(sp)
  mv a0, sp
  call s_trap
  ld t0, 32*8(sp)
  csrw sepc, t0
  ld t0, 35*8(sp)
  csrw sstatus, t0
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
  sret
