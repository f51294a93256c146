/* The firmware's PMP protection and its redirection of traps it does not handle:
   S-mode loads, stores and fetches in the firmware's region (RAM base, 512 KiB) get
   access faults, delivered to S-mode's trap vector with scause, stval, sepc and
   sstatus.SPP as a delegated trap would be; RAM just past the region is open.
   Then U-mode reads cycle, time, instret and hpmcounter3 (mcounteren = all ones,
   scounteren set here) and its ecall comes to S-mode. QEMU-SKIP */
#include "sbi_rt.h"

static volatile uint64_t cause, tval, epc, status, traps, user_illegal;
static volatile uint64_t user_counters[4];
static uint64_t user_stack[256];

static void on_trap(struct s_frame *f) {
  traps++;
  cause = f->scause; tval = f->stval; epc = f->sepc; status = f->sstatus;
  if (f->scause == 1) { f->sepc = f->x[1]; return; }  /* fetch fault: return to the caller */
  if (f->scause == 2 && !(f->sstatus & SSTATUS_SPP)) {  /* a counter U may not read */
    user_illegal++;
    f->sepc += 4;
    return;
  }
  if (f->scause == 8) {                                /* ecall from U: the last step */
    check("U-mode ecall arrives in S-mode", f->scause, 8);
    check("U-mode counter reads do not trap", user_illegal, 0);
    check("U-mode reads cycle", user_counters[0] != 0, 1);
    check("U-mode reads time", user_counters[1] != 0, 1);
    check("U-mode reads instret", user_counters[2] != 0, 1);
    check("U-mode reads hpmcounter3", user_counters[3] != ~0UL, 1);
    check("sstatus.SPP = U", f->sstatus & SSTATUS_SPP, 0);
    sbi_exit(finish("sbi/pmp"));
  }
  f->sepc += 4;   /* the faulting load or store (uncompressed) */
}

static uint64_t load(uint64_t addr) {
  uint64_t v = 0x5a5a;
  asm volatile(".option push\n.option norvc\nld %0, 0(%1)\n.option pop" : "+r"(v) : "r"(addr) : "memory");
  return v;
}

static void store(uint64_t addr, uint64_t v) {
  asm volatile(".option push\n.option norvc\nsd %0, 0(%1)\n.option pop" :: "r"(v), "r"(addr) : "memory");
}

static void user_main(void) {
  asm volatile("rdcycle %0" : "=r"(user_counters[0]));
  asm volatile("rdtime %0" : "=r"(user_counters[1]));
  asm volatile("rdinstret %0" : "=r"(user_counters[2]));
  asm volatile("csrr %0, hpmcounter3" : "=r"(user_counters[3]));
  asm volatile("ecall");
  for (;;) { }
}

int main(void) {
  trap_handler = on_trap;
  uint64_t v = load(FIRMWARE_BASE);
  check("S load from the firmware: load access fault", cause, 5);
  check("  stval", tval, FIRMWARE_BASE);
  check("  sstatus.SPP = S", (status & SSTATUS_SPP) != 0, 1);
  check("  nothing loaded", v, 0x5a5a);
  load(FIRMWARE_BASE + 0x80000 - 8);
  check("S load from the region's last word: fault", cause, 5);
  check("  stval", tval, FIRMWARE_BASE + 0x80000 - 8);
  store(FIRMWARE_BASE + 0x1000, 1);
  check("S store into the firmware: store access fault", cause, 7);
  check("  stval", tval, FIRMWARE_BASE + 0x1000);
  uint64_t before = traps;
  ((void (*)(void))FIRMWARE_BASE)();
  check("S fetch from the firmware: instruction access fault", cause, 1);
  check("  stval", tval, FIRMWARE_BASE);
  check("  sepc", epc, FIRMWARE_BASE);
  check("  one trap", traps - before, 1);
  before = traps;
  load(FIRMWARE_BASE + 0x80000);
  store(FIRMWARE_BASE + 0x80000, 7);
  check("RAM past the region is open", traps - before, 0);
  check("  and holds what was stored", load(FIRMWARE_BASE + 0x80000), 7);

  /* Into U-mode: scounteren lets it read the counters the firmware opened. */
  CSR_WRITE(scounteren, 0xF);
  user_counters[3] = ~0UL;
  CSR_CLEAR(sstatus, SSTATUS_SPP);
  CSR_WRITE(sepc, (uint64_t)user_main);
  asm volatile("mv sp, %0\nsret" :: "r"(&user_stack[256]));
  return 1;
}
