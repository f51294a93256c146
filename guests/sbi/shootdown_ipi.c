/* A kernel's own TLB shootdown, an IPI and sfence.vma on the target, with known
   costs: PAGODA-FLAGS: --harts 2
   Both harts run under one Sv39 page table (ASID 5): RAM is one identity gigapage,
   and PAGES 4 KiB pages at VA_BASE map frames of their own. Hart 1 reads every page
   (PAGES DTLB entries) and waits with supervisor software interrupts enabled. Hart 0
   remaps the pages, posts a flush request and sends hart 1 an IPI (SBI send_ipi);
   hart 1's interrupt handler does one sfence.vma per page of the request and
   acknowledges, removing its PAGES entries. Hart 1 then reads TOUCH of the pages
   again (TOUCH refill misses) and sees the new frames. Then an IPI with no request
   (hart 1 fences nothing), after which hart 1 does an sfence.vma of its own, outside
   the handler: that is no shootdown. ShootdownAccountingTests checks the counts
   --shootdowns reports. QEMU-SKIP */
#include "sbi_rt.h"

#define ASID 5UL
#define VA_BASE 0x40000000UL
#define PAGES 8
#define TOUCH 3
#define PTE_V 0x01
#define PTE_RWX 0x0E
#define PTE_RW 0x06
#define PTE_AD 0xC0

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t level1[512] __attribute__((aligned(4096)));
static uint64_t level0[512] __attribute__((aligned(4096)));
static uint64_t frames[2 * PAGES][512] __attribute__((aligned(4096)));
static volatile uint64_t step, seen[PAGES], interrupts;
/* The flush request: pages from flush_start, flush_pages of them (0: none). */
static volatile uint64_t flush_start, flush_pages, acknowledged;

static uint64_t pte(void *pa, uint64_t flags) { return ((uint64_t)pa >> 12) << 10 | flags; }
static uint64_t satp_value(void) { return 8UL << 60 | ASID << 44 | (uint64_t)root >> 12; }
static void wait_step(uint64_t s) { while (step != s) { } }
static uint64_t read_page(int i) { return *(volatile uint64_t *)(VA_BASE + 4096UL * (uint64_t)i); }

static void on_trap(struct s_frame *f) {
  if (f->scause != IRQ_S_SOFT) { puts_("unexpected trap\n"); sbi_exit(1); }
  CSR_CLEAR(sip, SIP_SSIP);
  for (uint64_t p = 0; p < flush_pages; p++)
    asm volatile("sfence.vma %0, zero" :: "r"(flush_start + 4096 * p) : "memory");
  interrupts++;
  __atomic_store_n(&acknowledged, interrupts, __ATOMIC_SEQ_CST);
}

void secondary_main(uint64_t hart, uint64_t opaque) {
  (void)hart; (void)opaque;
  CSR_WRITE(satp, satp_value());
  asm volatile("sfence.vma" ::: "memory");
  CSR_SET(sie, SIP_SSIP);
  CSR_SET(sstatus, SSTATUS_SIE);
  wait_step(1);
  for (int i = 0; i < PAGES; i++) seen[i] = read_page(i);
  step = 2;
  wait_step(3);
  for (int i = 0; i < TOUCH; i++) seen[i] = read_page(i);
  step = 4;
  wait_step(5);
  asm volatile("sfence.vma %0, zero" :: "r"(VA_BASE + 4096UL * (PAGES - 1)) : "memory");
  step = 6;
  CSR_CLEAR(sstatus, SSTATUS_SIE);
}

static void shoot(uint64_t start, uint64_t pages, uint64_t ack) {
  flush_start = start;
  flush_pages = pages;
  struct sbiret r = SBI2(EXT_IPI, 0, 1UL << 1, 0);
  check("send_ipi to hart 1", (uint64_t)r.error, 0);
  while (acknowledged != ack) { }
}

int main(void) {
  trap_handler = on_trap;
  root[1] = pte(level1, PTE_V);
  root[2] = pte((void *)0x80000000UL, PTE_V | PTE_RWX | PTE_AD);   /* RAM, identity */
  level1[0] = pte(level0, PTE_V);
  for (int f = 0; f < 2 * PAGES; f++) frames[f][0] = 0xB000 + (uint64_t)f;
  for (int i = 0; i < PAGES; i++) level0[i] = pte(frames[i], PTE_V | PTE_RW | PTE_AD);
  CSR_WRITE(satp, satp_value());
  asm volatile("sfence.vma" ::: "memory");
  SBI3(EXT_HSM, 0, 1, (uint64_t)sbi_secondary_start, 0);

  step = 1;
  wait_step(2);
  for (int i = 0; i < PAGES; i++) check("hart 1 reads the first frames", seen[i], frames[i][0]);
  for (int i = 0; i < PAGES; i++) level0[i] = pte(frames[PAGES + i], PTE_V | PTE_RW | PTE_AD);
  shoot(VA_BASE, PAGES, 1);
  step = 3;
  wait_step(4);
  for (int i = 0; i < TOUCH; i++) check("  after the shootdown hart 1 reads the new frames", seen[i], frames[PAGES + i][0]);

  shoot(0, 0, 2);
  step = 5;
  wait_step(6);
  check("hart 1 took two IPIs", interrupts, 2);
  CSR_WRITE(satp, 0);
  asm volatile("sfence.vma" ::: "memory");
  return finish("sbi/shootdown_ipi");
}
