# A raw binary kernel for `--bios none --kernel raw_machine.bin`: placed at RAM base and
# entered by the boot ROM in M-mode with a0 = hart id, a1 = the device tree and a2 =
# fw_dynamic_info naming this very address with next_mode 3 (M). Checks them and
# reports through the SiFive test device: pass, or fail with the number of the check.
  .option norvc
  .section .text.init, "ax"
  .globl _start
_start:
  li    t6, 1
  bnez  a0, fail                  # 1: a0 = hart 0
  li    t6, 2
  lwu   t0, 0(a1)
  li    t1, 0xedfe0dd0            # 0xd00dfeed stored big-endian, read little-endian
  bne   t0, t1, fail              # 2: a1 = the device tree
  li    t6, 3
  li    t0, 0x1040
  bne   a2, t0, fail              # 3: a2 = fw_dynamic_info in the boot ROM
  li    t6, 4
  ld    t0, 16(a2)
  lla   t1, _start
  bne   t0, t1, fail              # 4: next_addr = where we run (RAM base)
  li    t6, 5
  li    t1, 0x80000000
  bne   t0, t1, fail              # 5: ... which is RAM base
  li    t6, 6
  ld    t0, 24(a2)
  li    t1, 3
  bne   t0, t1, fail              # 6: next_mode = M
  li    t6, 7
  csrr  t0, mstatus               # M-mode: mstatus is readable (no trap)
  li    t0, 0x5555
  j     report
fail:
  slli  t0, t6, 16
  li    t1, 0x3333
  or    t0, t0, t1
report:
  li    t1, 0x100000
  sw    t0, 0(t1)
1:j     1b
