/* A TLB shootdown through SBI RFENCE, with known costs: PAGODA-FLAGS: --harts 2
   Both harts run under one Sv39 page table (ASID 5): RAM is one identity gigapage,
   and PAGES 4 KiB pages at VA_BASE map frames of their own. Hart 1 reads every page
   (PAGES DTLB entries). Hart 0 remaps them all to other frames and calls
   remote_sfence_vma for hart 1 and the range: the firmware does one sfence.vma per
   page on hart 1, removing its PAGES entries. Hart 1 then reads TOUCH of the pages
   again (TOUCH refill misses, each a three-level walk) and sees the new frames.
   Second, hart 0 calls remote_sfence_vma_asid for all of ASID 5 (start 0, size 0):
   hart 1's code and data gigapage entries and its TOUCH page entries go; it refills
   the two gigapage entries and reads AGAIN of the pages. Last, remote_fence_i on
   hart 1: a fence.i there, which removes no TLB entry.
   ShootdownAccountingTests checks the counts --shootdowns reports. QEMU-SKIP */
#include "sbi_rt.h"

#define ASID 5UL
#define VA_BASE 0x40000000UL
#define PAGES 8
#define TOUCH 3
#define AGAIN 2
#define PTE_V 0x01
#define PTE_RWX 0x0E
#define PTE_RW 0x06
#define PTE_AD 0xC0

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t level1[512] __attribute__((aligned(4096)));
static uint64_t level0[512] __attribute__((aligned(4096)));
static uint64_t frames[2 * PAGES][512] __attribute__((aligned(4096)));
static volatile uint64_t step, seen[PAGES];

static uint64_t pte(void *pa, uint64_t flags) { return ((uint64_t)pa >> 12) << 10 | flags; }
static uint64_t satp_value(void) { return 8UL << 60 | ASID << 44 | (uint64_t)root >> 12; }
static void wait_step(uint64_t s) { while (step != s) { } }
static uint64_t read_page(int i) { return *(volatile uint64_t *)(VA_BASE + 4096UL * (uint64_t)i); }

void secondary_main(uint64_t hart, uint64_t opaque) {
  (void)hart; (void)opaque;
  CSR_WRITE(satp, satp_value());
  asm volatile("sfence.vma" ::: "memory");
  wait_step(1);
  for (int i = 0; i < PAGES; i++) seen[i] = read_page(i);
  step = 2;
  wait_step(3);
  for (int i = 0; i < TOUCH; i++) seen[i] = read_page(i);
  step = 4;
  wait_step(5);
  for (int i = 0; i < AGAIN; i++) seen[i] = read_page(i);
  step = 6;
  wait_step(7);   /* a stopped hart takes no remote fences */
}

int main(void) {
  root[1] = pte(level1, PTE_V);
  root[2] = pte((void *)0x80000000UL, PTE_V | PTE_RWX | PTE_AD);   /* RAM, identity */
  level1[0] = pte(level0, PTE_V);
  for (int f = 0; f < 2 * PAGES; f++) frames[f][0] = 0xA000 + (uint64_t)f;
  for (int i = 0; i < PAGES; i++) level0[i] = pte(frames[i], PTE_V | PTE_RW | PTE_AD);
  CSR_WRITE(satp, satp_value());
  asm volatile("sfence.vma" ::: "memory");
  SBI3(EXT_HSM, 0, 1, (uint64_t)sbi_secondary_start, 0);

  step = 1;
  wait_step(2);
  for (int i = 0; i < PAGES; i++) check("hart 1 reads the first frames", seen[i], frames[i][0]);
  for (int i = 0; i < PAGES; i++) level0[i] = pte(frames[PAGES + i], PTE_V | PTE_RW | PTE_AD);
  struct sbiret r = sbi_call(EXT_RFENCE, 1, 1UL << 1, 0, VA_BASE, PAGES * 4096UL, 0);
  check("remote_sfence_vma of the pages on hart 1", (uint64_t)r.error, 0);
  step = 3;
  wait_step(4);
  for (int i = 0; i < TOUCH; i++) check("  hart 1 reads the new frames", seen[i], frames[PAGES + i][0]);

  r = sbi_call(EXT_RFENCE, 2, 1UL << 1, 0, 0, 0, ASID);
  check("remote_sfence_vma_asid of ASID 5 on hart 1", (uint64_t)r.error, 0);
  step = 5;
  wait_step(6);
  for (int i = 0; i < AGAIN; i++) check("  hart 1 reads them again", seen[i], frames[PAGES + i][0]);
  r = SBI2(EXT_RFENCE, 0, 1UL << 1, 0);
  check("remote_fence_i on hart 1", (uint64_t)r.error, 0);
  step = 7;
  CSR_WRITE(satp, 0);
  asm volatile("sfence.vma" ::: "memory");
  return finish("sbi/shootdown_rfence");
}
