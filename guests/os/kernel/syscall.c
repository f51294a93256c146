/* System calls (MOS 4th ed. 1.6 "System Calls", 1.6.1 "System Calls for Process
   Management", and 10.4.2 "Memory-Management System Calls in Linux" for brk and mmap): ecall from U-mode with the number in a7, arguments in a0-a3,
   the result in a0. */
#include "kernel.h"
#include "../common/syscalls.h"

static int user_pa(struct proc *p, u64 va, int write, u64 *pa) {
  return cfg.mm == MM_PAGING ? paging_user_pa(p, va, write, pa) : baselimit_user_pa(p, va, pa);
}

static long sys_write(struct proc *p, u64 buf, u64 len) {
  char chunk[128];
  u64 done = 0;
  if (len > 65536) len = 65536;
  while (done < len) {
    u64 n = 0;
    while (n < sizeof chunk && done + n < len) {
      u64 pa;
      if (user_pa(p, buf + done + n, 0, &pa) != 0) return -1;
      chunk[n++] = *(volatile char *)pa;
    }
    console_write(chunk, n);
    done += n;
  }
  return (long)done;
}

/* brk under paging: pages past the new break are unmapped (freed, or their swap copies). */
static long set_brk(struct proc *p, u64 addr) {
  if (addr < p->heap_start) return -1;
  if (cfg.mm == MM_PAGING) {
    if (addr > MMAP_BASE) return -1;
    u64 old_end = (p->brk + PAGE - 1) & ~(PAGE - 1), new_end = (addr + PAGE - 1) & ~(PAGE - 1);
    if (new_end < old_end) paging_unmap_range(p, new_end, old_end);
    p->brk = addr;
    return (long)addr;
  }
  long r = baselimit_grow(p, addr);
  if (r < 0) return -1;
  if (r == 1) cpus[hartid()].resched = 1;     /* swapped out to grow: runs again once back in */
  p->brk = addr;
  return (long)addr;
}

static long sys_mmap(struct proc *p, u64 len) {
  if (len == 0) return -1;
  len = (len + PAGE - 1) & ~(PAGE - 1);
  if (cfg.mm == MM_BASELIMIT) {
    /* Base/limit has one segment: an anonymous mapping is more room in it, from the
       break up (the heap and the mapping share the growth area). */
    u64 start = (p->brk + PAGE - 1) & ~(PAGE - 1);
    long r = baselimit_grow(p, start + len);
    if (r < 0) return -1;
    if (r == 1) cpus[hartid()].resched = 1;
    p->brk = start + len;
    return (long)start;
  }
  int free_slot = -1;
  for (int i = 0; i < MAX_MAPS; i++) if (p->maps[i].end == 0) { free_slot = i; break; }
  if (free_slot < 0) return -1;
  /* First fit in the mmap area, keeping a guard page after every mapping. */
  u64 start = MMAP_BASE;
  for (int again = 1; again;) {
    again = 0;
    for (int i = 0; i < MAX_MAPS; i++)
      if (p->maps[i].end && start < p->maps[i].end + PAGE && p->maps[i].start < start + len + PAGE) {
        start = p->maps[i].end + PAGE;
        again = 1;
      }
  }
  if (start + len > MMAP_END) return -1;
  p->maps[free_slot].start = start;
  p->maps[free_slot].end = start + len;
  return (long)start;
}

static long sys_munmap(struct proc *p, u64 addr, u64 len) {
  len = (len + PAGE - 1) & ~(PAGE - 1);
  if (cfg.mm == MM_BASELIMIT) return 0;   /* the space stays part of the segment */
  for (int i = 0; i < MAX_MAPS; i++)
    if (p->maps[i].end && p->maps[i].start == addr && p->maps[i].end == addr + len) {
      paging_unmap_range(p, addr, addr + len);
      p->maps[i].start = p->maps[i].end = 0;
      return 0;
    }
  return -1;
}

void syscall_dispatch(struct proc *p) {
  u64 *r = p->tf.regs;
  u64 a0 = r[10], a1 = r[11], a2 = r[12], a3 = r[13];
  long ret = -1;
  switch (r[17]) {
  case SYS_WRITE: ret = sys_write(p, a0, a1); break;
  case SYS_EXIT: proc_exit(p, (int)a0); return;
  case SYS_GETPID: ret = p->pid; break;
  case SYS_SBRK: {
    u64 old = p->brk;
    ret = set_brk(p, old + a0) < 0 ? -1 : (long)old;
    break;
  }
  case SYS_BRK: ret = set_brk(p, a0); if (ret < 0) ret = (long)p->brk; break;
  case SYS_MMAP: ret = sys_mmap(p, a0); break;
  case SYS_MUNMAP: ret = sys_munmap(p, a0, a1); break;
  case SYS_FORK: {
    struct proc *c = proc_fork(p);
    ret = c ? c->pid : -1;
    break;
  }
  case SYS_WAIT:
    ret = proc_wait(p, a0);
    if (ret == 0) return;            /* blocked: a0 is set when a child exits */
    break;
  case SYS_YIELD: cpus[hartid()].resched = 1; ret = 0; break;
  case SYS_TICK:
    p->manual_tick = 1;
    if (cfg.mm == MM_PAGING) replace_tick(p);
    ret = 0;
    break;
  case SYS_OPT_HINT:
    p->opt_refs_va = a0;
    p->opt_nrefs = a1;
    p->opt_idx_va = a2;
    p->opt_base_va = a3;
    p->manual_tick = 1;      /* the replayer ticks the clock itself */
    ret = 0;
    break;
  case SYS_CYCLES: ret = (long)(p->st.user_cycles + (rdcycle() - cpus[hartid()].dispatch_cycle)); break;
  default:
    proc_kill(p, "unknown system call", r[17]);
    return;
  }
  r[10] = (u64)ret;
}
