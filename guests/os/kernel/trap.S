# Trap entry and exit for S-mode (MOS 4th ed. 1.6 "System Calls" and 3.6.3 "Instruction
# Backup": how a trap saves the interrupted program's state so the kernel can resume it).
# sscratch always holds this hart's struct cpu; the interrupted registers go to cpu->tf.
# The kernel runs with its own page table (kernel_satp); every user page table maps the
# kernel's RAM identically (U=0), so these instructions are reachable under either.
  .section .text
  .align 4
  .globl trap_entry
trap_entry:
  csrrw a0, sscratch, a0
  sd x1, 8(a0)
  sd x2, 16(a0)
  sd x3, 24(a0)
  sd x4, 32(a0)
  sd x5, 40(a0)
  sd x6, 48(a0)
  sd x7, 56(a0)
  sd x8, 64(a0)
  sd x9, 72(a0)
  sd x11, 88(a0)
  sd x12, 96(a0)
  sd x13, 104(a0)
  sd x14, 112(a0)
  sd x15, 120(a0)
  sd x16, 128(a0)
  sd x17, 136(a0)
  sd x18, 144(a0)
  sd x19, 152(a0)
  sd x20, 160(a0)
  sd x21, 168(a0)
  sd x22, 176(a0)
  sd x23, 184(a0)
  sd x24, 192(a0)
  sd x25, 200(a0)
  sd x26, 208(a0)
  sd x27, 216(a0)
  sd x28, 224(a0)
  sd x29, 232(a0)
  sd x30, 240(a0)
  sd x31, 248(a0)
  csrr t0, sscratch
  sd t0, 80(a0)
  csrw sscratch, a0
  csrr t0, sepc
  sd t0, 256(a0)
  la t0, kernel_satp
  ld t0, 0(t0)
  csrw satp, t0
  ld sp, 264(a0)
  ld tp, 272(a0)
  call trap_handler
1:j 1b

# user_return(cpu, satp): resume cpu->tf in U-mode under satp (Sv39).
  .globl user_return
user_return:
  ld t0, 256(a0)
  csrw sepc, t0
  csrw satp, a1
  ld x1, 8(a0)
  ld x2, 16(a0)
  ld x3, 24(a0)
  ld x4, 32(a0)
  ld x5, 40(a0)
  ld x6, 48(a0)
  ld x7, 56(a0)
  ld x8, 64(a0)
  ld x9, 72(a0)
  ld x11, 88(a0)
  ld x12, 96(a0)
  ld x13, 104(a0)
  ld x14, 112(a0)
  ld x15, 120(a0)
  ld x16, 128(a0)
  ld x17, 136(a0)
  ld x18, 144(a0)
  ld x19, 152(a0)
  ld x20, 160(a0)
  ld x21, 168(a0)
  ld x22, 176(a0)
  ld x23, 184(a0)
  ld x24, 192(a0)
  ld x25, 200(a0)
  ld x26, 208(a0)
  ld x27, 216(a0)
  ld x28, 224(a0)
  ld x29, 232(a0)
  ld x30, 240(a0)
  ld x31, 248(a0)
  ld a0, 80(a0)
  sret

# user_return_via_m(cpu): the same under base/limit, where satp must change at the
# moment the hart leaves S-mode: the M layer does it on this ecall (mlayer.c).
  .globl user_return_via_m
user_return_via_m:
  ld t0, 256(a0)
  csrw sepc, t0
  ld x1, 8(a0)
  ld x2, 16(a0)
  ld x3, 24(a0)
  ld x4, 32(a0)
  ld x5, 40(a0)
  ld x6, 48(a0)
  ld x7, 56(a0)
  ld x8, 64(a0)
  ld x9, 72(a0)
  ld x11, 88(a0)
  ld x12, 96(a0)
  ld x13, 104(a0)
  ld x14, 112(a0)
  ld x15, 120(a0)
  ld x16, 128(a0)
  ld x17, 136(a0)
  ld x18, 144(a0)
  ld x19, 152(a0)
  ld x20, 160(a0)
  ld x21, 168(a0)
  ld x22, 176(a0)
  ld x23, 184(a0)
  ld x24, 192(a0)
  ld x25, 200(a0)
  ld x26, 208(a0)
  ld x27, 216(a0)
  ld x28, 224(a0)
  ld x29, 232(a0)
  ld x30, 240(a0)
  ld x31, 248(a0)
  ld a0, 80(a0)
  ecall
2:j 2b
