# Start-up code shared by the guest programs: entered in M-mode at _start with
# a0 = hart id and a1 = device tree address (from the boot ROM, or QEMU's reset vector).
  .section .text.init, "ax"
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  # A stack per hart: sp = __stack_top - hartid * 16 KiB.
  la sp, __stack_top
  slli t0, a0, 14
  sub sp, sp, t0
  # Only hart 0 runs main; the others wait for an interrupt forever.
  bnez a0, park
  la t0, __bss_start
  la t1, __bss_end
1:bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:la t0, guest_default_trap
  csrw mtvec, t0
  call main
  call guest_exit
park:
  wfi
  j park

# Where secondary harts start when released through Pagoda's hart mailbox
# (a0 = hart id, a1 = the argument): a stack of their own, then secondary_main(a0, a1).
  .globl guest_secondary_start
guest_secondary_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la sp, __stack_top
  slli t0, a0, 14
  sub sp, sp, t0
  la t0, guest_default_trap
  csrw mtvec, t0
  call secondary_main
  j park

# check(a0 = label, a1 = got, a2 = want) for the assembly tests (asm_test.h's CHECK):
# saves every caller-saved register around the C check(), so a test may keep values
# in any register across a check.
  .globl check_preserving
check_preserving:
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
  call check
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
  ret

# Any trap a test did not expect: report it and fail.
  .align 2
  .globl guest_default_trap
guest_default_trap:
  la sp, __stack_top
  csrr a0, mcause
  csrr a1, mepc
  csrr a2, mtval
  call guest_unexpected_trap
  li a0, 99
  call guest_exit
