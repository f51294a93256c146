/* The RFENCE extension (SBI 2.0 chapter 8): PAGODA-FLAGS: --harts 2
   Both harts run under one Sv39 page table (ASID 5). Each round, hart 0 maps a page
   to frame A, hart 1 reads it (caching the translation in its TLB), hart 0 remaps it
   to frame B and fences only itself: hart 1 still reads A through its TLB. Then
   hart 0 asks for a remote fence, and once the call returns hart 1 reads B. Rounds:
   remote_sfence_vma of the page, of everything (start 0, size 0), of all harts
   (hart_mask_base -1, size -1), and remote_sfence_vma_asid. Then remote_fence_i
   after hart 0 rewrites code hart 1 runs. Bad harts are INVALID_PARAM, a range that
   wraps INVALID_ADDRESS. QEMU-SKIP */
#include "sbi_rt.h"

#define ASID 5UL
#define VA_BASE 0x40000000UL
#define ROUNDS 4
#define PTE_V 0x01
#define PTE_RWX 0x0E
#define PTE_RW 0x06
#define PTE_AD 0xC0

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t level1[512] __attribute__((aligned(4096)));
static uint64_t level0[512] __attribute__((aligned(4096)));
static uint64_t frames[2 * ROUNDS][512] __attribute__((aligned(4096)));
static volatile uint64_t step, seen[3];
static volatile uint32_t code[4] __attribute__((aligned(64)));
static volatile uint64_t code_result;

static uint64_t pte(void *pa, uint64_t flags) { return ((uint64_t)pa >> 12) << 10 | flags; }
static uint64_t satp_value(void) { return 8UL << 60 | ASID << 44 | (uint64_t)root >> 12; }
static void wait_step(uint64_t s) { while (step != s) { } }
static uint64_t read_va(uint64_t va) { return *(volatile uint64_t *)va; }

void secondary_main(uint64_t hart, uint64_t opaque) {
  (void)hart; (void)opaque;
  CSR_WRITE(satp, satp_value());
  asm volatile("sfence.vma" ::: "memory");
  for (uint64_t round = 0; round < ROUNDS; round++) {
    uint64_t base = round * 6, va = VA_BASE + round * 4096;
    wait_step(base + 1);
    seen[0] = read_va(va);
    step = base + 2;
    wait_step(base + 3);
    seen[1] = read_va(va);
    step = base + 4;
    wait_step(base + 5);
    seen[2] = read_va(va);
    step = base + 6;
  }
  /* remote_fence_i: run the code hart 0 wrote, twice. */
  for (uint64_t s = 100; s <= 102; s += 2) {
    wait_step(s + 1);
    code_result = ((uint64_t (*)(void))code)();
    step = s + 2;
  }
  CSR_WRITE(satp, 0);
  asm volatile("sfence.vma" ::: "memory");
}

static void write_return(uint64_t value) {
  code[0] = (uint32_t)(value << 20 | 10 << 7 | 0x13);   /* addi a0, zero, value */
  code[1] = 0x00008067;                                 /* ret */
}

int main(void) {
  root[1] = pte(level1, PTE_V);
  root[2] = pte((void *)0x80000000UL, PTE_V | PTE_RWX | PTE_AD);   /* RAM, identity */
  level1[0] = pte(level0, PTE_V);
  for (int f = 0; f < 2 * ROUNDS; f++) frames[f][0] = 0xA000 + (uint64_t)f;
  CSR_WRITE(satp, satp_value());
  asm volatile("sfence.vma" ::: "memory");
  SBI3(EXT_HSM, 0, 1, (uint64_t)sbi_secondary_start, 0);

  static const char *names[ROUNDS] = { "remote_sfence_vma of the page", "remote_sfence_vma of everything",
                                       "remote_sfence_vma on all harts", "remote_sfence_vma_asid" };
  for (uint64_t round = 0; round < ROUNDS; round++) {
    uint64_t base = round * 6, va = VA_BASE + round * 4096;
    uint64_t *a = frames[2 * round], *b = frames[2 * round + 1];
    level0[round] = pte(a, PTE_V | PTE_RW | PTE_AD);
    asm volatile("sfence.vma" ::: "memory");
    step = base + 1;
    wait_step(base + 2);
    level0[round] = pte(b, PTE_V | PTE_RW | PTE_AD);
    asm volatile("sfence.vma %0, zero" :: "r"(va) : "memory");
    check("hart 0 sees the new frame", read_va(va), b[0]);
    step = base + 3;
    wait_step(base + 4);
    struct sbiret r;
    switch (round) {
    case 0: r = sbi_call(EXT_RFENCE, 1, 1UL << 1, 0, va, 4096, 0); break;
    case 1: r = sbi_call(EXT_RFENCE, 1, 1UL << 1, 0, 0, 0, 0); break;
    case 2: r = sbi_call(EXT_RFENCE, 1, 0, ~0UL, 0, ~0UL, 0); break;
    default: r = sbi_call(EXT_RFENCE, 2, 1UL << 1, 0, va, 4096, ASID); break;
    }
    step = base + 5;
    wait_step(base + 6);
    puts_(names[round]);
    putch('\n');
    check("  hart 1 read frame A", seen[0], a[0]);
    check("  before the fence hart 1 still reads A (its TLB)", seen[1], a[0]);
    check("  the call succeeds", (uint64_t)r.error, 0);
    check("  after it hart 1 reads B", seen[2], b[0]);
  }

  write_return(42);
  struct sbiret r = SBI2(EXT_RFENCE, 0, 0, ~0UL);
  check("remote_fence_i on all harts", (uint64_t)r.error, 0);
  check("  hart 0 runs the code", ((uint64_t (*)(void))code)(), 42);
  step = 101;
  wait_step(102);
  check("  hart 1 runs the code", code_result, 42);
  write_return(43);
  r = SBI2(EXT_RFENCE, 0, 1UL << 1, 0);
  check("remote_fence_i on hart 1", (uint64_t)r.error, 0);
  asm volatile("fence.i" ::: "memory");
  step = 103;
  wait_step(104);
  check("  hart 1 runs the new code", code_result, 43);

  r = SBI2(EXT_RFENCE, 0, 1UL << 2, 0);
  check("remote_fence_i to a missing hart: INVALID_PARAM", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_PARAM);
  r = sbi_call(EXT_RFENCE, 1, 1, 2, 0, 0, 0);
  check("remote_sfence_vma with base 2 of 2 harts: INVALID_PARAM", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_PARAM);
  r = sbi_call(EXT_RFENCE, 1, 1, 0, ~0UL - 0xFFF, 0x2000, 0);
  check("remote_sfence_vma of a range that wraps: INVALID_ADDRESS", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_ADDRESS);
  r = sbi_call(EXT_RFENCE, 2, 1, 0, ~0UL - 0xFFF, 0x2000, ASID);
  check("remote_sfence_vma_asid of a range that wraps: INVALID_ADDRESS", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_ADDRESS);
  r = SBI0(EXT_RFENCE, 7);
  check("unknown RFENCE function: NOT_SUPPORTED", (uint64_t)r.error, (uint64_t)SBI_ERR_NOT_SUPPORTED);
  CSR_WRITE(satp, 0);
  asm volatile("sfence.vma" ::: "memory");
  return finish("sbi/rfence");
}
