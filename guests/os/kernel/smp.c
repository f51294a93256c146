/* Multiprocessor support (MOS 4th ed. 8.1.2 "Multiprocessor Operating System Types" and
   8.1.3 "Multiprocessor Synchronization"): the boot hart starts the others through
   Pagoda's hart mailbox, spinlocks built on the atomic instructions, and IPIs.

   Two locks, two instructions: a ticket lock on AMOADD (fair: harts get the lock in the
   order they asked, so no hart starves) guards the kernel's data, and a test-and-set
   lock on LR/SC guards the run queue and the console. */
#include "kernel.h"

void ticket_acquire(struct ticket_lock *l) {
  u32 mine;
  asm volatile("amoadd.w.aq %0, %2, (%1)" : "=r"(mine) : "r"(&l->next), "r"(1) : "memory");
  while (l->serving != mine) { }
  asm volatile("fence r, rw" ::: "memory");
}

void ticket_release(struct ticket_lock *l) {
  asm volatile("fence rw, w" ::: "memory");
  l->serving = l->serving + 1;
}

void tas_acquire(struct tas_lock *l) {
  u32 old, fail;
  for (;;) {
    while (l->held) { }
    asm volatile("lr.w.aq %0, (%2)\n"
                 "bnez %0, 1f\n"
                 "sc.w %1, %3, (%2)\n"
                 "j 2f\n"
                 "1: li %1, 1\n"
                 "2:"
                 : "=&r"(old), "=&r"(fail) : "r"(&l->held), "r"(1) : "memory");
    if (old == 0 && fail == 0) break;
  }
  asm volatile("fence r, rw" ::: "memory");
}

void tas_release(struct tas_lock *l) {
  asm volatile("amoswap.w.rl zero, zero, (%0)" :: "r"(&l->held) : "memory");
}

u64 mailbox_harts(void) { return *(volatile u32 *)MAILBOX_BASE; }

void _start(void);

/* Hart 0 releases every other hart at the kernel's entry point (README "The hart
   mailbox": START, ARG, then the DOORBELL). */
void smp_start_secondaries(void) {
  for (int h = 1; h < cfg.harts; h++) {
    volatile u64 *slot = (volatile u64 *)(MAILBOX_BASE + 0x100 + 32 * (u64)h);
    slot[0] = (u64)_start;
    slot[1] = 0;
    *(volatile u32 *)((uintptr_t)slot + 0x14) = 1;
  }
}

/* An IPI: the CLINT's msip raises an M software interrupt on that hart, which the
   M layer turns into SSIP. */
void send_ipi(int hart) {
  asm volatile("fence rw, rw" ::: "memory");
  *(volatile u32 *)(CLINT_BASE + 4 * (u64)hart) = 1;
}
