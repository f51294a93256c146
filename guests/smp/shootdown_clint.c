// QEMU-SKIP: harts are released through Pagoda's hart mailbox
// PAGODA-FLAGS: --harts 2
/* A TLB shootdown by an M-mode kernel through the CLINT, with known costs. Hart 1 makes
   its data accesses through Sv39 (mstatus.MPRV with MPP = U; its traps run
   untranslated) under a page table where RAM is one identity gigapage and PAGES 4 KiB
   pages at VA_BASE map frames of their own. It reads every page (PAGES DTLB entries).
   Hart 0 remaps the pages, posts a flush request and raises hart 1's msip; hart 1's
   M software interrupt handler does one sfence.vma per page of the request, removing
   its PAGES entries, and acknowledges. Hart 1 then reads TOUCH of the pages again
   (TOUCH refill misses) and sees the new frames. Then an IPI with no request, after
   which hart 1 does an sfence.vma of its own, outside the handler: no shootdown.
   ShootdownAccountingTests checks the counts --shootdowns reports. */
#include "guest.h"

#define PAGES 8
#define TOUCH 3
#define VA_BASE 0x40000000UL
#define MSIP(h) (*(volatile uint32_t *)(CLINT_BASE + 4 * (uint64_t)(h)))
#define PTE_V 0x01
#define PTE_RWX 0x0E
#define PTE_RW 0x06
#define PTE_U 0x10
#define PTE_AD 0xC0
#define MSTATUS_MIE (1UL << 3)
#define MSTATUS_MPP (3UL << 11)
#define MSTATUS_MPRV (1UL << 17)

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t level1[512] __attribute__((aligned(4096)));
static uint64_t level0[512] __attribute__((aligned(4096)));
static uint64_t frames[2 * PAGES][512] __attribute__((aligned(4096)));
static volatile uint64_t step, seen[PAGES], interrupts;
/* The flush request: pages from flush_start, flush_pages of them (0: none). */
static volatile uint64_t flush_start, flush_pages, acknowledged;

static uint64_t pte(void *pa, uint64_t flags) { return ((uint64_t)pa >> 12) << 10 | flags; }
static void wait_step(uint64_t s) { while (step != s) { } }
static uint64_t read_page(int i) { return *(volatile uint64_t *)(VA_BASE + 4096UL * (uint64_t)i); }

void __attribute__((interrupt("machine"), aligned(4))) handler(void) {
  if (CSR_READ(mcause) != 0x8000000000000003ULL) guest_exit(98);
  MSIP(1) = 0;
  for (uint64_t p = 0; p < flush_pages; p++)
    asm volatile("sfence.vma %0, zero" :: "r"(flush_start + 4096 * p) : "memory");
  interrupts++;
  acknowledged = interrupts;
}

void secondary_main(uint64_t hart, uint64_t arg) {
  (void)hart; (void)arg;
  CSR_WRITE(mtvec, (uint64_t)handler);
  CSR_WRITE(mie, 1UL << 3);   /* MSIE */
  CSR_WRITE(satp, 8UL << 60 | 5UL << 44 | (uint64_t)root >> 12);
  asm volatile("sfence.vma" ::: "memory");
  CSR_CLEAR(mstatus, MSTATUS_MPP);
  CSR_SET(mstatus, MSTATUS_MPRV | MSTATUS_MIE);   /* data through Sv39 as U-mode */
  wait_step(1);
  for (int i = 0; i < PAGES; i++) seen[i] = read_page(i);
  step = 2;
  wait_step(3);
  for (int i = 0; i < TOUCH; i++) seen[i] = read_page(i);
  step = 4;
  wait_step(5);
  asm volatile("sfence.vma %0, zero" :: "r"(VA_BASE + 4096UL * (PAGES - 1)) : "memory");
  CSR_CLEAR(mstatus, MSTATUS_MPRV | MSTATUS_MIE);
  step = 6;
  for (;;) asm volatile("wfi");
}

static void shoot(uint64_t start, uint64_t pages, uint64_t ack) {
  flush_start = start;
  flush_pages = pages;
  asm volatile("fence rw, rw" ::: "memory");
  MSIP(1) = 1;
  while (acknowledged != ack) { }
}

int main(void) {
  root[1] = pte(level1, PTE_V);
  root[2] = pte((void *)0x80000000UL, PTE_V | PTE_RWX | PTE_U | PTE_AD);   /* RAM, identity */
  level1[0] = pte(level0, PTE_V);
  for (int f = 0; f < 2 * PAGES; f++) frames[f][0] = 0xC000 + (uint64_t)f;
  for (int i = 0; i < PAGES; i++) level0[i] = pte(frames[i], PTE_V | PTE_RW | PTE_U | PTE_AD);
  release_hart(1, 0);

  step = 1;
  wait_step(2);
  for (int i = 0; i < PAGES; i++) check("hart 1 reads the first frames", seen[i], frames[i][0]);
  for (int i = 0; i < PAGES; i++) level0[i] = pte(frames[PAGES + i], PTE_V | PTE_RW | PTE_U | PTE_AD);
  shoot(VA_BASE, PAGES, 1);
  step = 3;
  wait_step(4);
  for (int i = 0; i < TOUCH; i++) check("  after the shootdown hart 1 reads the new frames", seen[i], frames[PAGES + i][0]);

  shoot(0, 0, 2);
  step = 5;
  wait_step(6);
  check("hart 1 took two IPIs", interrupts, 2);
  return finish("shootdown_clint");
}
