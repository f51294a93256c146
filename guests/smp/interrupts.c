// QEMU-SKIP: harts are released through Pagoda's hart mailbox
// PAGODA-FLAGS: --harts 4
/* Interrupts between harts: IPI ping-pong through CLINT msip between hart 0 and hart 1,
   a timer interrupt on every hart from its own mtimecmp, and a hart parked in WFI
   (with interrupts globally disabled) woken by an IPI. */
#include "guest.h"

#define HARTS 4
#define PINGS 50
#define MSIP(h) (*(volatile uint32_t *)(CLINT_BASE + 4 * (uint64_t)(h)))
#define MTIMECMP(h) (*(volatile uint64_t *)(CLINT_BASE + 0x4000 + 8 * (uint64_t)(h)))
#define MTIME (*(volatile uint64_t *)(CLINT_BASE + 0xbff8))
#define MIP_MSIP (1u << 3)
#define MIP_MTIP (1u << 7)

static volatile uint64_t software_interrupts[HARTS], timer_interrupts[HARTS];
static volatile uint64_t ready[HARTS], woke[HARTS], phase;
static volatile uint64_t pong_count;

/* One handler for every hart: counts, clears the source, and for the ping-pong,
   hart 1 answers each ping with a pong. */
void __attribute__((interrupt("machine"), aligned(4))) handler(void) {
  uint64_t hart = CSR_READ(mhartid);
  uint64_t cause = CSR_READ(mcause);
  if (cause == 0x8000000000000003ULL) {
    MSIP(hart) = 0;
    software_interrupts[hart]++;
    if (hart == 1 && phase == 1) MSIP(0) = 1;   /* pong */
    if (hart == 0 && phase == 1) pong_count++;
  } else if (cause == 0x8000000000000007ULL) {
    MTIMECMP(hart) = ~0ULL;
    timer_interrupts[hart]++;
  } else {
    guest_exit(98);
  }
}

static void enable(uint64_t mie_bits) {
  CSR_WRITE(mtvec, (uint64_t)handler);
  CSR_WRITE(mie, mie_bits);
  CSR_SET(mstatus, 8);   /* MIE */
}

void secondary_main(uint64_t hart, uint64_t arg) {
  (void)arg;
  enable(MIP_MSIP | MIP_MTIP);
  /* Timer: each hart its own mtimecmp. */
  MTIMECMP(hart) = MTIME + 200 + 50 * hart;
  while (timer_interrupts[hart] == 0) { }
  ready[hart] = 1;
  if (hart == 2) {
    /* WFI with MIE clear: wakes on the pending, enabled IPI without trapping. */
    CSR_CLEAR(mstatus, 8);
    while (phase < 2) { }
    asm volatile("wfi");
    check("hart 2 woke with msip pending", (CSR_READ(mip) & MIP_MSIP) != 0, 1);
    woke[hart] = 1;
    CSR_SET(mstatus, 8);   /* now the interrupt is taken */
    while (software_interrupts[hart] == 0) { }
    woke[hart] = 2;
  }
  for (;;) asm volatile("wfi");
}

int main(void) {
  enable(MIP_MSIP | MIP_MTIP);
  for (int h = 1; h < HARTS; h++) release_hart(h, 0);
  MTIMECMP(0) = MTIME + 300;
  while (timer_interrupts[0] == 0) { }
  for (int h = 1; h < HARTS; h++) while (!ready[h]) { }
  for (int h = 0; h < HARTS; h++) check("one timer interrupt per hart", timer_interrupts[h], 1);

  phase = 1;
  for (int i = 0; i < PINGS; i++) {
    uint64_t before = pong_count;
    MSIP(1) = 1;                      /* ping */
    while (pong_count == before) { }
  }
  check("pongs received", pong_count, PINGS);
  check("pings received by hart 1", software_interrupts[1], PINGS);

  phase = 2;
  for (volatile int i = 0; i < 20000; i++) { }   /* hart 2 reaches its WFI */
  check("hart 2 still asleep", woke[2], 0);
  MSIP(2) = 1;
  while (woke[2] != 2) { }
  check("hart 2 took the IPI after waking", software_interrupts[2], 1);
  return finish("interrupts");
}
