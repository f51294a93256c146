/* Physical memory protection (privileged spec 3.7): S- and U-mode loads, stores and
   fetches in a region whose entry lacks R, W or X raise load (5), store (7) or
   instruction (1) access faults with mtval = the address, while allowed accesses
   complete. Regions are given as TOR (pmpaddr[i-1] <= a < pmpaddr[i]), NA4 (one
   4-byte word) and NAPOT (pmpaddr = base/4 | (size/8 - 1)). "PMP entries are
   statically prioritized. The lowest-numbered PMP entry that matches any byte of an
   access determines whether that access succeeds or fails." M-mode accesses succeed
   unless the matching entry is locked (L = 1), which applies its permissions to M-mode
   too and makes the entry's pmpcfg and pmpaddr ignore writes until reset, and for a
   locked TOR entry i, writes to pmpaddr[i-1] as well (3.7.1.2).
   On RV64 the odd-numbered pmpcfg registers do not exist (3.7.1). PMP entry 15 (set
   by priv_init) lets S and U use all other memory. */
#include "priv.h"

#define PAGE 4096UL
/* Pages: A (TOR, read-only, after a spare page that accesses below it may touch),
   B (NAPOT, code), C (a NA4 word), D (priority), E (locked NAPOT), F (locked TOR). */
static uint8_t pages[7][PAGE] __attribute__((aligned(PAGE)));
#define PAGE_A ((uint64_t)pages[1])
#define PAGE_B ((uint64_t)pages[2])
#define PAGE_C ((uint64_t)pages[3])
#define PAGE_D ((uint64_t)pages[4])
#define PAGE_E ((uint64_t)pages[5])
#define PAGE_F ((uint64_t)pages[6])

#define NAPOT(base, size) (((base) >> 2) | ((size) / 8 - 1))
#define PMPADDR_WRITE(n, v) asm volatile("csrw pmpaddr" #n ", %0" :: "r"((uint64_t)(v)))
#define PMPADDR_READ(n) CSR_READ(pmpaddr##n)

/* Entry i (0-7) of pmpcfg0. */
static void set_cfg(int i, uint64_t cfg) {
  uint64_t all = CSR_READ(pmpcfg0) & ~(0xffUL << (8 * i));
  CSR_WRITE(pmpcfg0, all | cfg << (8 * i));
}
static uint64_t get_cfg(int i) { return (CSR_READ(pmpcfg0) >> (8 * i)) & 0xff; }

/* Accesses that return their own address (the handler skips them when they fault). */
static uint64_t load_at(uint64_t addr) {
  uint64_t pc;
  asm volatile("la %0, 1f\n1: lw t0, 0(%1)" : "=&r"(pc) : "r"(addr) : "t0", "memory");
  return pc;
}
static uint64_t store_at(uint64_t addr) {
  uint64_t pc;
  asm volatile("la %0, 1f\n1: sw zero, 0(%1)" : "=&r"(pc) : "r"(addr) : "memory");
  return pc;
}
static uint64_t read_pmpcfg1(uint64_t unused) {
  (void)unused;
  uint64_t pc;
  asm volatile("la %0, 1f\n1: csrr a0, 0x3a1" : "=&r"(pc) :: "a0", "memory");
  return pc;
}
/* Calls the code at `target`: 42 if it ran, 0 if its fetch faulted. */
static uint64_t call_at(uint64_t target) {
  register uint64_t a0 asm("a0") = 0;
  asm volatile("jalr %1" : "+r"(a0) : "r"(target) : "ra", "t0", "t1", "t2", "a1", "memory");
  return a0;
}

static void write_code(uint64_t page) {
  volatile uint32_t *code = (volatile uint32_t *)page;
  code[0] = 0x02a00513;   /* addi a0, zero, 42 */
  code[1] = 0x00008067;   /* jalr zero, 0(ra) */
  asm volatile("fence.i" ::: "memory");
}

static void expect_ok(const char *label, uint64_t (*op)(uint64_t), uint64_t mode, uint64_t addr) {
  trap_reset();
  if (mode == MODE_M) op(addr); else priv_run(mode, op, addr);
  check_no_trap(label);
}
static void expect_fault(const char *label, uint64_t (*op)(uint64_t), uint64_t mode, uint64_t addr, uint64_t cause) {
  trap_reset();
  uint64_t pc = mode == MODE_M ? op(addr) : priv_run(mode, op, addr);
  check_one_trap(label, cause, MODE_M, mode, pc, addr);
}
static void expect_fetch(const char *label, uint64_t mode, uint64_t addr, int allowed) {
  trap_reset();
  uint64_t got = mode == MODE_M ? call_at(addr) : priv_run(mode, call_at, addr);
  check(label, got, allowed ? 42 : 0);
  if (allowed) check_no_trap(label);
  else check_one_trap(label, CAUSE_FETCH_ACCESS, MODE_M, mode, addr, addr);
}

int main(void) {
  priv_init();
  static const uint64_t lower[2] = {MODE_S, MODE_U};

  puts_("pmpcfg1 does not exist on RV64\n");
  trap_reset();
  uint64_t pc = read_pmpcfg1(0);
  check_one_trap("csrr pmpcfg1", CAUSE_ILLEGAL, MODE_M, MODE_M, pc, 0x3a102573);

  puts_("TOR region, read-only\n");
  PMPADDR_WRITE(0, PAGE_A >> 2);
  PMPADDR_WRITE(1, (PAGE_A + PAGE) >> 2);
  set_cfg(0, PMP_OFF);
  set_cfg(1, PMP_TOR | PMP_R);
  check("pmpaddr0 readback", PMPADDR_READ(0), PAGE_A >> 2);
  check("pmpaddr1 readback", PMPADDR_READ(1), (PAGE_A + PAGE) >> 2);
  check("pmpcfg entry 1 readback", get_cfg(1), PMP_TOR | PMP_R);
  for (int i = 0; i < 2; i++) {
    expect_ok("TOR load", load_at, lower[i], PAGE_A);
    expect_ok("TOR load at the top", load_at, lower[i], PAGE_A + PAGE - 4);
    expect_fault("TOR store", store_at, lower[i], PAGE_A + 0x10, CAUSE_STORE_ACCESS);
    expect_fault("TOR store at the top", store_at, lower[i], PAGE_A + PAGE - 4, CAUSE_STORE_ACCESS);
    expect_ok("store above TOR", store_at, lower[i], PAGE_A + PAGE);
    expect_ok("store below TOR", store_at, lower[i], PAGE_A - 4);
  }
  expect_ok("TOR store from M", store_at, MODE_M, PAGE_A + 0x10);

  puts_("NA4 word, no access\n");
  PMPADDR_WRITE(2, (PAGE_C + 8) >> 2);
  set_cfg(2, PMP_NA4);
  check("pmpcfg entry 2 readback", get_cfg(2), PMP_NA4);
  for (int i = 0; i < 2; i++) {
    expect_fault("NA4 load", load_at, lower[i], PAGE_C + 8, CAUSE_LOAD_ACCESS);
    expect_fault("NA4 store", store_at, lower[i], PAGE_C + 8, CAUSE_STORE_ACCESS);
    expect_ok("load before NA4", load_at, lower[i], PAGE_C + 4);
    expect_ok("store after NA4", store_at, lower[i], PAGE_C + 12);
  }
  expect_ok("NA4 load from M", load_at, MODE_M, PAGE_C + 8);
  expect_ok("NA4 store from M", store_at, MODE_M, PAGE_C + 8);

  puts_("NAPOT page, read-write without execute\n");
  write_code(PAGE_B);
  PMPADDR_WRITE(3, NAPOT(PAGE_B, PAGE));
  set_cfg(3, PMP_NAPOT | PMP_R | PMP_W);
  check("pmpaddr3 readback", PMPADDR_READ(3), NAPOT(PAGE_B, PAGE));
  for (int i = 0; i < 2; i++) {
    expect_fetch("NAPOT fetch", lower[i], PAGE_B, 0);
    expect_ok("NAPOT load", load_at, lower[i], PAGE_B + PAGE - 4);
    expect_ok("NAPOT store", store_at, lower[i], PAGE_B + 0x100);
  }
  expect_fetch("NAPOT fetch from M", MODE_M, PAGE_B, 1);
  set_cfg(3, PMP_NAPOT | PMP_R | PMP_X);
  for (int i = 0; i < 2; i++) {
    expect_fetch("NAPOT fetch with X", lower[i], PAGE_B, 1);
    expect_fault("NAPOT store without W", store_at, lower[i], PAGE_B + 0x104, CAUSE_STORE_ACCESS);
  }

  puts_("lowest-numbered matching entry decides\n");
  PMPADDR_WRITE(4, (PAGE_D + 0x10) >> 2);
  set_cfg(4, PMP_NA4 | PMP_R | PMP_W);
  PMPADDR_WRITE(5, NAPOT(PAGE_D, PAGE));
  set_cfg(5, PMP_NAPOT);
  for (int i = 0; i < 2; i++) {
    expect_ok("entry 4 allows the word", load_at, lower[i], PAGE_D + 0x10);
    expect_ok("entry 4 allows the word", store_at, lower[i], PAGE_D + 0x10);
    expect_fault("entry 5 denies the page", load_at, lower[i], PAGE_D + 0x14, CAUSE_LOAD_ACCESS);
    expect_fault("entry 5 denies the page", store_at, lower[i], PAGE_D + 0xc, CAUSE_STORE_ACCESS);
  }
  /* Entry 5 before entry 15: the page is denied although entry 15 allows everything. */
  expect_ok("M ignores unlocked entry 5", store_at, MODE_M, PAGE_D + 0x14);

  puts_("locked entry applies to M-mode\n");
  write_code(PAGE_E);
  PMPADDR_WRITE(6, NAPOT(PAGE_E, PAGE));
  set_cfg(6, PMP_NAPOT | PMP_R | PMP_L);
  check("locked pmpcfg readback", get_cfg(6), PMP_NAPOT | PMP_R | PMP_L);
  expect_ok("locked load from M", load_at, MODE_M, PAGE_E + 0x20);
  expect_fault("locked store from M", store_at, MODE_M, PAGE_E + 0x20, CAUSE_STORE_ACCESS);
  expect_fetch("locked fetch from M", MODE_M, PAGE_E, 0);
  expect_fault("locked store from U", store_at, MODE_U, PAGE_E + 0x24, CAUSE_STORE_ACCESS);

  puts_("locked entry ignores writes\n");
  PMPADDR_WRITE(6, NAPOT(PAGE_A, PAGE));
  check("locked pmpaddr6 unchanged", PMPADDR_READ(6), NAPOT(PAGE_E, PAGE));
  set_cfg(6, PMP_NAPOT | PMP_R | PMP_W | PMP_X);
  check("locked pmpcfg unchanged", get_cfg(6), PMP_NAPOT | PMP_R | PMP_L);
  /* The other entries of pmpcfg0 still take writes. */
  set_cfg(5, PMP_OFF);
  check("unlocked neighbour written", get_cfg(5), PMP_OFF);
  expect_ok("entry 5 off", load_at, MODE_U, PAGE_D + 0x14);
  expect_fault("locked store from M still faults", store_at, MODE_M, PAGE_E + 0x28, CAUSE_STORE_ACCESS);

  puts_("locked TOR entry locks the pmpaddr below it\n");
  PMPADDR_WRITE(8, PAGE_F >> 2);
  PMPADDR_WRITE(9, (PAGE_F + PAGE) >> 2);
  asm volatile("csrw pmpcfg2, %0" :: "r"((uint64_t)(PMP_TOR | PMP_L | PMP_R | PMP_W | PMP_X) << 8 |
                                          (uint64_t)(PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 56));
  PMPADDR_WRITE(8, PAGE_A >> 2);
  check("pmpaddr8 below locked TOR unchanged", PMPADDR_READ(8), PAGE_F >> 2);
  expect_ok("locked RWX TOR store from M", store_at, MODE_M, PAGE_F + 0x30);

  return finish("pmp");
}
