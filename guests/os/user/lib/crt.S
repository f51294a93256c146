# User start-up: the kernel enters here in U-mode with sp set, a0 = the argument string
# (the kernel command line) and a1 = the pid. main's return value is the exit code.
  .section .text.init, "ax"
  .globl _start
_start:
  call main
  li a7, 2
  ecall
1:j 1b
