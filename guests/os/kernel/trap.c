/* Trap handling (MOS 4th ed. 1.6 "System Calls", 2.1.6 "Implementation of Processes":
   the interrupt vector saves the registers, the handler decides, the scheduler picks who
   runs next; 3.6.2 "Page Fault Handling"). The kernel is one critical region guarded
   by a big kernel lock (MOS 8.1.2, "Symmetric Multiprocessors"): a hart takes it on
   every trap and drops it when it returns to a user program or goes idle. Traps only come from
   U-mode; the kernel itself runs with interrupts off and never blocks. */
#include "kernel.h"

void trap_entry(void);
extern u64 m_enter_satp[MAX_HARTS];
void sched_requeue(struct proc *p);

void trap_init_hart(struct cpu *c) {
  CSR_WRITE(stvec, (u64)trap_entry);
  CSR_WRITE(sscratch, (u64)c);
  CSR_WRITE(sie, (1 << 1) | (1 << 5));   /* SSIE, STIE: wake WFI and trap from U */
  CSR_CLEAR(sstatus, 1 << 1);            /* SIE off: no traps while in the kernel */
  asm volatile("csrw 0x14d, %0" :: "r"(~0UL));   /* stimecmp */
  CSR_WRITE(satp, kernel_satp);
  asm volatile("sfence.vma zero, zero");
}

static void set_timer(u64 when) { asm volatile("csrw 0x14d, %0" :: "r"(when)); }

/* Runs p on this hart: called with no locks held. */
void enter_user(struct cpu *c, struct proc *p) {
  ticket_acquire(&kernel_lock);
  if (cfg.mm == MM_BASELIMIT && baselimit_prepare(p) != 0) {
    /* Could not bring it in now: put it back and let the scheduler try others. */
    sched_requeue(p);
    ticket_release(&kernel_lock);
    schedule(c);
  }
  p->state = P_RUNNING;
  c->cur = p;
  c->dispatches++;
  int slot = (int)(p - procs);
  if (cfg.mm == MM_PAGING && c->seen_gen[slot] != p->tlb_gen) {
    /* Its page table changed since this hart last ran it: drop this ASID's entries. */
    asm volatile("sfence.vma zero, %0" :: "r"(p->satp >> 44 & 0xffff));
    c->seen_gen[slot] = p->tlb_gen;
  }
  p->last_ran = rdcycle();
  c->tf = p->tf;
  set_timer(rdtime() + cfg.slice);
  CSR_CLEAR(sstatus, 1 << 8);            /* SPP = U */
  c->dispatch_cycle = rdcycle();
  ticket_release(&kernel_lock);
  if (cfg.mm == MM_PAGING) user_return(c, p->satp);
  CSR_WRITE(0x5c0, p->base);
  CSR_WRITE(0x5c1, p->size);
  m_enter_satp[c->hart] = 14UL << 60;
  user_return_via_m(c);
}

static const char *exception_name(u64 cause) {
  switch (cause) {
  case 0: return "misaligned instruction address";
  case 1: return "instruction access fault";
  case 2: return "illegal instruction";
  case 3: return "breakpoint";
  case 4: return "misaligned load";
  case 5: return "load access fault";
  case 6: return "misaligned store";
  case 7: return "store access fault";
  default: return "unexpected exception";
  }
}

void trap_handler(struct cpu *c) {
  u64 now = rdcycle();
  if (CSR_READ(sstatus) & (1 << 8)) {
    /* From S-mode: the kernel itself faulted (a bug); nothing sensible to resume. */
    kprintf("[kernel] hart %lu: trap in the kernel: scause %lx sepc %lx stval %lx\n", c->hart, CSR_READ(scause),
            CSR_READ(sepc), CSR_READ(stval));
    panic("kernel trap");
  }
  ticket_acquire(&kernel_lock);
  struct proc *p = c->cur;
  if (!p) panic("trap with no current process");
  p->tf = c->tf;
  p->st.user_cycles += now - c->dispatch_cycle;
  u64 cause = CSR_READ(scause), tval = CSR_READ(stval);
  int resched = 0;
  if (cause >> 63) {
    u64 code = cause & 63;
    if (code == 5) {
      set_timer(~0UL);
      p->st.slices++;
      if (cfg.cpu_limit && p->st.slices > cfg.cpu_limit)
        proc_kill(p, "CPU time limit exceeded (endless loop?)", p->tf.sepc);
      else {
        if (!p->manual_tick && cfg.mm == MM_PAGING) replace_tick(p);
        resched = 1;
      }
    } else if (code == 1) {
      CSR_CLEAR(sip, 1 << 1);
      c->ipis_received++;
    }
    if (cfg.sched == SCHED_MASTER && c->hart == 0) sched_serve_requests();
  } else if (cause == 8) {
    p->tf.sepc += 4;
    c->resched = 0;
    syscall_dispatch(p);
    resched = c->resched;
  } else if (cause == 12 || cause == 13 || cause == 15) {
    if (cfg.mm == MM_PAGING) paging_fault(p, tval, cause);
    else proc_kill(p, "access past the segment's limit", tval);
  } else {
    proc_kill(p, exception_name(cause), tval);
  }
  p->st.kernel_cycles += rdcycle() - now;
  if (p->state == P_RUNNING && !resched) {
    c->tf = p->tf;
    c->dispatch_cycle = rdcycle();
    ticket_release(&kernel_lock);
    if (cfg.mm == MM_PAGING) user_return(c, p->satp);
    CSR_WRITE(0x5c0, p->base);     /* the segment may have moved or grown */
    CSR_WRITE(0x5c1, p->size);
    m_enter_satp[c->hart] = 14UL << 60;
    user_return_via_m(c);
  }
  if (p->state == P_RUNNING) sched_requeue(p);
  c->cur = 0;
  ticket_release(&kernel_lock);
  schedule(c);
}
