/* Processes (MOS 4th ed. 2.1 "Processes": creation, termination, the process table;
   2.1.6 "Implementation of Processes"). A process is its saved registers, its address
   space (paging or base/limit) and its statistics. Programs come from images linked
   into the kernel (programs.S): there is no file system. */
#include "kernel.h"

struct proc procs[MAX_PROCS];
volatile int live_procs;
struct proc_stats totals;
static int next_pid = 1;
static int killed_count, exited_count;

const struct program *find_program(const char *name) {
  for (const struct program *q = programs; q->name; q++)
    if (strcmp(q->name, name) == 0) return q;
  return 0;
}

static struct proc *alloc_proc(void) {
  for (int i = 0; i < MAX_PROCS; i++)
    if (procs[i].state == P_UNUSED) {
      struct proc *p = &procs[i];
      memset(p, 0, sizeof *p);
      p->pid = next_pid++;
      return p;
    }
  return 0;
}

static int setup_space(struct proc *p) {
  return cfg.mm == MM_PAGING ? paging_new_space(p) : baselimit_new_space(p);
}

/* A new process running prog from its entry point, with the command line as its argument
   string (copied to the top of its stack; a0 points at it). */
struct proc *proc_create(const struct program *prog, struct proc *parent) {
  struct proc *p = alloc_proc();
  if (!p) { kprintf("[kernel] process table full\n"); return 0; }
  const struct image_header *h = (const struct image_header *)prog->start;
  if ((u64)(prog->end - prog->start) < sizeof *h || h->magic != IMAGE_MAGIC) {
    kprintf("[kernel] %s: not a program image\n", prog->name);
    p->state = P_UNUSED;
    return 0;
  }
  p->prog = prog;
  p->hdr = h;
  p->parent = parent;
  u64 n = strlen(prog->name);
  memcpy(p->name, prog->name, n < 15 ? n : 15);
  p->heap_start = p->brk = (h->bss_end + PAGE - 1) & ~(PAGE - 1);
  p->mmap_next = MMAP_BASE;
  p->tf.sepc = h->entry;
  if (setup_space(p) != 0) {
    kprintf("[kernel] %s: no memory for a new process\n", prog->name);
    p->state = P_UNUSED;
    return 0;
  }
  /* Arguments: the whole command line, at the top of the stack. */
  u64 len = strlen(cfg.args) + 1;
  u64 sp = (USER_IMAGE - len) & ~15UL;
  for (u64 i = 0; i < len; i++) {
    u64 pa;
    if ((cfg.mm == MM_PAGING ? paging_user_pa(p, sp + i, 1, &pa) : baselimit_user_pa(p, sp + i, &pa)) != 0)
      panic("cannot write the argument string");
    *(volatile char *)pa = cfg.args[i];
  }
  p->tf.regs[2] = sp;
  p->tf.regs[10] = sp;
  p->tf.regs[11] = (u64)p->pid;
  live_procs++;
  make_runnable(p);
  return p;
}

static void add_stats(struct proc_stats *t, const struct proc_stats *s) {
  const u64 *a = (const u64 *)s;
  u64 *b = (u64 *)t;
  for (u64 i = 0; i < sizeof *s / 8; i++) b[i] += a[i];
}

void proc_report(struct proc *p) {
  const struct proc_stats *s = &p->st;
  kprintf("[kernel] pid %d (%s) exit %d: faults zero %lu image %lu stack %lu swap-in %lu cow %lu; "
          "pageable-faults %lu; swap-out %lu dropped %lu; frames peak %lu pinned %lu tables %lu; "
          "whole-swaps out %lu in %lu; cycles user %lu kernel %lu io %lu; slices %lu\n",
          p->pid, p->name, p->exit_code, s->faults_zero, s->faults_image, s->faults_stack, s->faults_swapin,
          s->faults_cow, s->faults_zero + s->faults_swapin, s->swap_out, s->dropped_clean, s->frames_peak,
          s->pinned, s->table_pages, s->whole_swaps_out, s->whole_swaps_in, s->user_cycles, s->kernel_cycles,
          s->io_cycles, s->slices);
}

/* Free a zombie's slot. */
static void reap(struct proc *p) { p->state = P_UNUSED; }

void proc_exit(struct proc *p, int code) {
  p->exit_code = code;
  if (cfg.mm == MM_PAGING) paging_free_space(p);
  else baselimit_free_space(p);
  proc_report(p);
  add_stats(&totals, &p->st);
  if (p->killed) killed_count++; else exited_count++;
  /* Orphans are reaped at once; their children become orphans. */
  for (int i = 0; i < MAX_PROCS; i++)
    if (procs[i].state != P_UNUSED && procs[i].parent == p) {
      procs[i].parent = 0;
      if (procs[i].state == P_ZOMBIE) reap(&procs[i]);
    }
  struct proc *parent = p->parent;
  p->state = P_ZOMBIE;
  if (!parent) reap(p);
  else if (parent->state == P_WAITING) {
    /* The parent runs its wait() ecall again and finds this zombie (its memory may be
       in swap now, so the status is stored from its own system call). */
    parent->tf.sepc -= 4;
    make_runnable(parent);
  }
  live_procs--;
  if (live_procs == 0) {
    report_totals();
    power_off(0);
  }
}

void proc_kill(struct proc *p, const char *why, u64 va) {
  kprintf("[kernel] pid %d (%s) killed: %s (address %lx, pc %lx)\n", p->pid, p->name, why, va, p->tf.sepc);
  p->killed = 1;
  proc_exit(p, -1);
}

/* wait(): a zombie child's pid (its status stored at status_va), 0 if p must wait
   (p->state becomes P_WAITING), or -1 without children. */
long proc_wait(struct proc *p, u64 status_va) {
  int children = 0;
  for (int i = 0; i < MAX_PROCS; i++) {
    struct proc *c = &procs[i];
    if (c->state == P_UNUSED || c->parent != p) continue;
    children++;
    if (c->state == P_ZOMBIE) {
      long pid = c->pid;
      u64 pa;
      if (status_va && (cfg.mm == MM_PAGING ? paging_user_pa(p, status_va, 1, &pa) : baselimit_user_pa(p, status_va, &pa)) == 0 &&
          (status_va & 3) == 0)
        *(volatile int *)pa = c->exit_code;
      reap(c);
      return pid;
    }
  }
  if (!children) return -1;
  p->state = P_WAITING;
  p->wait_status_va = status_va;
  return 0;
}

struct proc *proc_fork(struct proc *parent) {
  struct proc *c = alloc_proc();
  if (!c) return 0;
  int pid = c->pid;
  memcpy(c, parent, sizeof *c);
  c->pid = pid;
  c->parent = parent;
  memset(&c->st, 0, sizeof c->st);
  c->root = 0;
  c->tlb_gen = 0;
  c->tf.regs[10] = 0;
  int ok = cfg.mm == MM_PAGING ? paging_fork(parent, c) : baselimit_fork(parent, c);
  if (ok != 0) { c->state = P_UNUSED; return 0; }
  live_procs++;
  make_runnable(c);
  return c;
}

void report_totals(void) {
  const struct proc_stats *s = &totals;
  kprintf("[kernel] all done: %d exited, %d killed\n", exited_count, killed_count);
  kprintf("[kernel] total: faults zero %lu image %lu stack %lu swap-in %lu cow %lu; pageable-faults %lu; "
          "swap-out %lu dropped %lu; whole-swaps out %lu in %lu; cycles user %lu kernel %lu io %lu\n",
          s->faults_zero, s->faults_image, s->faults_stack, s->faults_swapin, s->faults_cow,
          s->faults_zero + s->faults_swapin, s->swap_out, s->dropped_clean, s->whole_swaps_out,
          s->whole_swaps_in, s->user_cycles, s->kernel_cycles, s->io_cycles);
  kprintf("[kernel] swap (%s): pages out %lu in %lu, still used %lu\n", swap_device, swap_pages_out, swap_pages_in,
          swap_used());
  if (cfg.mm == MM_BASELIMIT) baselimit_report();
  for (int h = 0; h < cfg.harts; h++)
    kprintf("[kernel] hart %d: dispatches %lu idle-waits %lu ipis %lu sched-cycles %lu\n", h, cpus[h].dispatches,
            cpus[h].idle_waits, cpus[h].ipis_received, cpus[h].sched_cycles);
}
