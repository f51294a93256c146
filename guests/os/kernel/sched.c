/* Scheduling on a multiprocessor (MOS 4th ed. 8.1.4 "Multiprocessor Scheduling",
   time sharing with one shared run queue, and 2.4 "Scheduling": round robin with a
   time slice from the timer interrupt).

   sched=smp: every hart takes the next process from the shared run queue itself
   (the queue has its own LR/SC lock), and a hart with nothing to do waits in WFI
   until an IPI says work has appeared.
   sched=master: only hart 0 makes scheduling decisions (MOS 8.1.2, "master-slave
   multiprocessors"): an idle hart raises want_work and sends hart 0 an IPI; hart 0
   hands it a process through cpu->assigned and an IPI back. */
#include "kernel.h"

static struct tas_lock rq_lock;
static struct proc *run_queue[MAX_PROCS];
static volatile int rq_head, rq_count;
u64 rq_pushes, rq_pops;

static void rq_push(struct proc *p) {
  tas_acquire(&rq_lock);
  run_queue[(rq_head + rq_count) % MAX_PROCS] = p;
  rq_count++;
  rq_pushes++;
  tas_release(&rq_lock);
}

static struct proc *rq_pop(void) {
  struct proc *p = 0;
  tas_acquire(&rq_lock);
  if (rq_count) {
    p = run_queue[rq_head];
    rq_head = (rq_head + 1) % MAX_PROCS;
    rq_count--;
    rq_pops++;
  }
  tas_release(&rq_lock);
  return p;
}

/* Hart 0 under sched=master: give every hart that asked a process. */
void sched_serve_requests(void) {
  for (int h = 1; h < cfg.harts; h++) {
    if (!cpus[h].want_work || cpus[h].assigned) continue;
    struct proc *p = rq_pop();
    if (!p) return;
    cpus[h].want_work = 0;
    cpus[h].assigned = p;
    send_ipi(h);
  }
}

/* p may run again: queue it and wake a hart that could take it. */
void make_runnable(struct proc *p) {
  p->state = P_RUNNABLE;
  rq_push(p);
  int me = (int)hartid();
  if (cfg.sched == SCHED_MASTER) {
    if (me == 0) sched_serve_requests();
    else send_ipi(0);
    return;
  }
  for (int h = 0; h < cfg.harts; h++)
    if (h != me && cpus[h].idle) { send_ipi(h); return; }
}

/* Queued again after its time slice: no hart needs waking (this one takes the next). */
void sched_requeue(struct proc *p) {
  p->state = P_RUNNABLE;
  rq_push(p);
}

static int work_visible(struct cpu *c) {
  if (cfg.sched == SCHED_SMP) return rq_count > 0;
  if (c->hart != 0) return c->assigned != 0;
  if (rq_count > 0) return 1;
  return 0;
}

/* The scheduler loop every hart runs whenever it has no process. */
void schedule(struct cpu *c) {
  for (;;) {
    u64 t0 = rdcycle();
    struct proc *p = 0;
    if (cfg.sched == SCHED_SMP) {
      p = rq_pop();
    } else if (c->hart == 0) {
      sched_serve_requests();
      p = rq_pop();
    } else {
      p = c->assigned;
      if (p) c->assigned = 0;
      else if (!c->want_work) { c->want_work = 1; send_ipi(0); }
    }
    c->sched_cycles += rdcycle() - t0;
    if (p) enter_user(c, p);
    /* Idle: announce it first, then look once more, so an IPI sent after the look
       is already pending when WFI executes. */
    asm volatile("csrw 0x14d, %0" :: "r"(~0UL));   /* no time slice running: stimecmp off */
    c->idle = 1;
    asm volatile("fence rw, rw" ::: "memory");
    if (!work_visible(c)) {
      asm volatile("wfi");
      c->idle_waits++;
    }
    if (CSR_READ(sip) & (1 << 1)) c->ipis_received++;
    CSR_CLEAR(sip, 1 << 1);
    c->idle = 0;
  }
}

void sched_init(void) { rq_head = rq_count = 0; }
