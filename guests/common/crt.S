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
