/* The IPI extension (SBI 2.0 chapter 7): PAGODA-FLAGS: --harts 4
   send_ipi raises a supervisor software interrupt on exactly the harts named: one
   hart, several through hart_mask_base, and every hart (hart_mask_base = -1,
   including the caller). A hart that does not exist is INVALID_PARAM. QEMU-SKIP */
#include "sbi_rt.h"

#define HARTS 4
static volatile uint64_t interrupts[HARTS], ready[HARTS], done;

static void on_trap(struct s_frame *f) {
  if (f->scause != IRQ_S_SOFT) { puts_("unexpected trap\n"); sbi_exit(1); }
  CSR_CLEAR(sip, SIP_SSIP);
  __atomic_fetch_add(&interrupts[CSR_READ(sscratch)], 1, __ATOMIC_SEQ_CST);
}

static void take_ipis(uint64_t hart) {
  CSR_WRITE(sscratch, hart);
  CSR_SET(sie, SIP_SSIP);
  CSR_SET(sstatus, SSTATUS_SIE);
}

void secondary_main(uint64_t hart, uint64_t opaque) {
  (void)opaque;
  take_ipis(hart);
  ready[hart] = 1;
  while (!done) asm volatile("wfi");
  CSR_CLEAR(sstatus, SSTATUS_SIE);
}

/* Waits until the counts reach want[], then a while longer so that a stray
   interrupt would show. */
static int counts_are(const uint64_t want[HARTS]) {
  for (int i = 0; i < 1000000; i++) {
    int same = 1;
    for (int h = 0; h < HARTS; h++) same &= interrupts[h] == want[h];
    if (same) break;
  }
  for (volatile int i = 0; i < 20000; i++) { }
  int same = 1;
  for (int h = 0; h < HARTS; h++) same &= interrupts[h] == want[h];
  return same;
}

int main(void) {
  trap_handler = on_trap;
  take_ipis(0);
  for (uint64_t h = 1; h < HARTS; h++) SBI3(EXT_HSM, 0, h, (uint64_t)sbi_secondary_start, 0);
  for (uint64_t h = 1; h < HARTS; h++) while (!ready[h]) { }

  struct sbiret r = SBI2(EXT_IPI, 0, 1UL << 1, 0);
  check("send_ipi to hart 1", (uint64_t)r.error, 0);
  check("  only hart 1 is interrupted", counts_are((uint64_t[]){ 0, 1, 0, 0 }), 1);

  r = SBI2(EXT_IPI, 0, 0x3, 2);   /* harts 2 and 3 */
  check("send_ipi with hart_mask_base 2", (uint64_t)r.error, 0);
  check("  harts 2 and 3 are interrupted", counts_are((uint64_t[]){ 0, 1, 1, 1 }), 1);

  r = SBI2(EXT_IPI, 0, 0x5, 0);   /* harts 0 and 2 */
  check("send_ipi to itself and hart 2", (uint64_t)r.error, 0);
  check("  harts 0 and 2 are interrupted", counts_are((uint64_t[]){ 1, 1, 2, 1 }), 1);

  r = SBI2(EXT_IPI, 0, 0, ~0UL);
  check("send_ipi to all (base -1)", (uint64_t)r.error, 0);
  check("  every hart is interrupted", counts_are((uint64_t[]){ 2, 2, 3, 2 }), 1);

  r = SBI2(EXT_IPI, 0, 1, HARTS);
  check("a missing hart: INVALID_PARAM", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_PARAM);
  r = SBI2(EXT_IPI, 0, 1UL << 63, 0);
  check("hart 63 of 4: INVALID_PARAM", (uint64_t)r.error, (uint64_t)SBI_ERR_INVALID_PARAM);
  check("  nobody is interrupted", counts_are((uint64_t[]){ 2, 2, 3, 2 }), 1);
  r = SBI0(EXT_IPI, 1);
  check("unknown IPI function: NOT_SUPPORTED", (uint64_t)r.error, (uint64_t)SBI_ERR_NOT_SUPPORTED);

  done = 1;
  SBI2(EXT_IPI, 0, 0, ~0UL);   /* wake them from WFI */
  CSR_CLEAR(sstatus, SSTATUS_SIE);
  return finish("sbi/ipi");
}
