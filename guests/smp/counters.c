// QEMU-SKIP: harts are released through Pagoda's hart mailbox
// PAGODA-FLAGS: --harts 4 --quantum 97
/* Four harts hammer shared counters: with amoadd, with LR/SC loops, and under a
   spinlock (amoswap acquire, store release) around a plain read-modify-write. Every
   total must be exact. The odd quantum makes harts switch in the middle of LR/SC
   sequences and critical sections. */
#include "guest.h"

#define HARTS 4
#define ROUNDS 20000
static volatile uint64_t amo_counter;
static volatile uint64_t lrsc_counter;
static volatile uint32_t lrsc_word;
static volatile uint64_t locked_counter;
static volatile uint32_t lock;
static volatile uint64_t done;
static volatile uint64_t sc_failures[HARTS];

static void lrsc_add64(volatile uint64_t *p, uint64_t v, int hart) {
  uint64_t old, fail;
  do {
    asm volatile("lr.d %0, (%2)\n\tadd %0, %0, %3\n\tsc.d %1, %0, (%2)"
                 : "=&r"(old), "=&r"(fail) : "r"(p), "r"(v) : "memory");
    if (fail) sc_failures[hart]++;
  } while (fail);
}

static void lrsc_add32(volatile uint32_t *p, uint32_t v) {
  uint64_t old, fail;
  do {
    asm volatile("lr.w %0, (%2)\n\taddw %0, %0, %3\n\tsc.w %1, %0, (%2)"
                 : "=&r"(old), "=&r"(fail) : "r"(p), "r"(v) : "memory");
  } while (fail);
}

static void spin_lock(void) {
  uint32_t one = 1, old;
  do {
    asm volatile("amoswap.w.aq %0, %2, (%1)" : "=r"(old) : "r"(&lock), "r"(one) : "memory");
  } while (old);
}

static void spin_unlock(void) { asm volatile("amoswap.w.rl x0, x0, (%0)" :: "r"(&lock) : "memory"); }

static void work(int hart) {
  for (int i = 0; i < ROUNDS; i++) {
    __atomic_fetch_add(&amo_counter, 1, __ATOMIC_RELAXED);
    lrsc_add64(&lrsc_counter, 1, hart);
    lrsc_add32(&lrsc_word, 3);
    spin_lock();
    uint64_t v = locked_counter;   /* not atomic: only the lock makes it exact */
    for (volatile int k = 0; k < 3; k++) { }
    locked_counter = v + 1;
    spin_unlock();
  }
  __atomic_fetch_add(&done, 1, __ATOMIC_SEQ_CST);
}

void secondary_main(uint64_t hart, uint64_t arg) { (void)arg; work((int)hart); }

int main(void) {
  for (int h = 1; h < HARTS; h++) release_hart(h, 0);
  work(0);
  while (done != HARTS) { }
  check("amoadd total", amo_counter, (uint64_t)HARTS * ROUNDS);
  check("lr/sc.d total", lrsc_counter, (uint64_t)HARTS * ROUNDS);
  check("lr/sc.w total", lrsc_word, (uint32_t)(3u * HARTS * ROUNDS));
  check("spinlock total", locked_counter, (uint64_t)HARTS * ROUNDS);
  /* The quantum splits some LR/SC pairs, so other harts' stores must have broken
     reservations: if none failed, the totals above would prove nothing about SC. */
  uint64_t failures = 0;
  for (int h = 0; h < HARTS; h++) failures += sc_failures[h];
  check("some sc.d failed and was retried", failures > 0, 1);
  return finish("counters");
}
