/*
 * Entry point of Pagoda's Linux /init and the raw clone used for its threads.
 * The kernel enters _start with sp at argc, followed by argv[], NULL, envp[], NULL
 * (System V ABI, RISC-V psABI "Process Initialization").
 */
    .section .text._start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    mv a0, sp
    call init_main
    /* init_main does not return; if it does, exit_group(its value). */
    li a7, 94
    ecall
1:  j 1b

/*
 * long spawn_thread(unsigned long flags, void *stack_top, int *parent_tid, int *child_tid,
 *                   void (*fn)(void *), void *arg)
 *
 * clone(2); RISC-V Linux selects CLONE_BACKWARDS, so its arguments are
 * (flags, newsp, parent_tid, tls, child_tid).
 * The child starts on stack_top with every register the parent had at the ecall, except
 * a0 = 0, so fn and arg travel in t1 and t2; when fn returns the thread calls exit(2),
 * which ends only that thread.
 */
    .text
    .globl spawn_thread
spawn_thread:
    mv t1, a4
    mv t2, a5
    mv a4, a3
    li a3, 0
    li a7, 220
    ecall
    bnez a0, 1f
    mv a0, t2
    jalr t1
    li a0, 0
    li a7, 93
    ecall
1:  ret
