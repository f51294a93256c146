/* System call numbers shared by the kernel and the user library (a7 at ecall). */
#ifndef OS_SYSCALLS_H
#define OS_SYSCALLS_H
#define SYS_WRITE 1
#define SYS_EXIT 2
#define SYS_GETPID 3
#define SYS_SBRK 4
#define SYS_MMAP 5
#define SYS_MUNMAP 6
#define SYS_FORK 7
#define SYS_WAIT 8
#define SYS_YIELD 9
#define SYS_TICK 10        /* a clock tick for the replacement policy (the replayer's) */
#define SYS_OPT_HINT 11    /* the future reference string, for the optimal policy */
#define SYS_BRK 12
#define SYS_CYCLES 13      /* modelled cycles this process has run in U-mode */
#endif
