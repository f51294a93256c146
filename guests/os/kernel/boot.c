/* Booting (MOS 4th ed. 1.3.6 "Booting the Computer", and 8.1.2 "Multiprocessor
   Operating System Types": one CPU boots alone and starts the others). See boot.S for how the harts get here.

   Hart 0 reads the command line from the device tree, sets up the frame pool, swap,
   the kernel's page table and the first processes, then releases the other harts
   through the mailbox; every hart then runs the scheduler loop. */
#include "kernel.h"

struct config cfg;
struct cpu cpus[MAX_HARTS];
struct ticket_lock kernel_lock;
static volatile int harts_up;
extern char k_stack_top[];

static void parse_config(const char *args) {
  char v[64];
  cfg.mm = MM_PAGING;
  cfg.policy = POL_FIFO;
  cfg.sched = SCHED_SMP;
  cfg.frames = 16;
  cfg.slice = 2000;
  cfg.cpu_limit = 2000;
  cfg.user_memory = 512 * 1024;
  cfg.harts = (int)mailbox_harts();
  if (cfg.harts < 1) cfg.harts = 1;
  if (cfg.harts > MAX_HARTS) cfg.harts = MAX_HARTS;
  if (arg_value(args, "mm", v, sizeof v)) cfg.mm = strcmp(v, "baselimit") == 0 ? MM_BASELIMIT : MM_PAGING;
  if (arg_value(args, "policy", v, sizeof v)) {
    if (!strcmp(v, "clock")) cfg.policy = POL_CLOCK;
    else if (!strcmp(v, "aging")) cfg.policy = POL_AGING;
    else if (!strcmp(v, "nru")) cfg.policy = POL_NRU;
    else if (!strcmp(v, "opt")) cfg.policy = POL_OPT;
  }
  if (arg_value(args, "sched", v, sizeof v)) cfg.sched = strcmp(v, "master") == 0 ? SCHED_MASTER : SCHED_SMP;
  if (arg_value(args, "frames", v, sizeof v)) cfg.frames = (int)parse_u64(v);
  if (cfg.frames < 1) cfg.frames = 1;
  if (cfg.frames > MAX_FRAMES) cfg.frames = MAX_FRAMES;
  if (arg_value(args, "fit", v, sizeof v)) cfg.best_fit = strcmp(v, "best") == 0;
  if (arg_value(args, "slice", v, sizeof v)) cfg.slice = parse_u64(v);
  if (arg_value(args, "cpulimit", v, sizeof v)) cfg.cpu_limit = parse_u64(v);
  if (arg_value(args, "memory", v, sizeof v)) cfg.user_memory = parse_u64(v);
  if (arg_value(args, "harts", v, sizeof v) && parse_u64(v) >= 1 && (int)parse_u64(v) < cfg.harts)
    cfg.harts = (int)parse_u64(v);
  if (!arg_value(args, "run", cfg.run, sizeof cfg.run)) {
    cfg.run[0] = 0;
  }
  u64 n = strlen(args);
  if (n >= sizeof cfg.args) n = sizeof cfg.args - 1;
  memcpy(cfg.args, args, n);
  cfg.args[n] = 0;
}

static void start_programs(void) {
  char name[32];
  const char *p = cfg.run;
  int started = 0;
  while (*p) {
    int n = 0;
    while (*p && *p != ',' && n < 31) name[n++] = *p++;
    name[n] = 0;
    if (*p == ',') p++;
    const struct program *prog = find_program(name);
    if (!prog) { kprintf("[kernel] no program '%s'\n", name); continue; }
    if (proc_create(prog, 0)) started++;
  }
  if (!started) {
    kprintf("[kernel] nothing to run (run=PROG,PROG,...); programs:");
    for (const struct program *q = programs; q->name; q++) kprintf(" %s", q->name);
    kprintf("\n");
    power_off(0);
  }
}

static void kmain(const void *fdt) {
  parse_config(fdt_bootargs(fdt));
  kprintf("[kernel] booting on hart 0 of %d: mm=%s policy=%s frames=%d sched=%s fit=%s\n", cfg.harts,
          cfg.mm == MM_PAGING ? "paging" : "baselimit", policy_name(cfg.policy), cfg.frames,
          cfg.sched == SCHED_SMP ? "smp" : "master", cfg.best_fit ? "best" : "first");
  frames_init();
  /* Svpbmt (Pagoda has it): the kernel maps its devices with PBMT = IO, uncached. */
  if (fdt_has_extension(fdt, "svpbmt")) pbmt_io = PTE_PBMT_IO;
  kprintf("[kernel] devices mapped %s\n", pbmt_io ? "with PBMT=IO (svpbmt)" : "as ordinary memory (no svpbmt)");
  paging_init();
  swap_init();
  if (cfg.mm == MM_BASELIMIT) baselimit_init();
  sched_init();
  for (int h = 0; h < MAX_HARTS; h++) {
    cpus[h].hart = (u64)h;
    cpus[h].kstack_top = 0;
  }
  start_programs();
  smp_start_secondaries();
}

/* Every hart in S-mode, from boot.S. */
void s_main(u64 hart, u64 arg) {
  struct cpu *c = &cpus[hart];
  if (hart == 0) kmain((const void *)arg);
  c->hart = hart;
  c->kstack_top = (u64)k_stack_top - hart * 16384;   /* boot.S's stack for this hart */
  trap_init_hart(c);
  __atomic_fetch_add(&harts_up, 1, __ATOMIC_SEQ_CST);
  if (hart == 0) {
    while (harts_up < cfg.harts) { }
    kprintf("[kernel] %d harts running, started through the mailbox\n", cfg.harts);
  }
  schedule(c);
}
