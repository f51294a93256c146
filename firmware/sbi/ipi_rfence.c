/* The IPI extension (EID 0x735049 "sPI", SBI 2.0 chapter 7) and the RFENCE extension
 * (EID 0x52464E43 "RFNC", chapter 8).
 *
 * A hart interrupts another through the CLINT's msip (a machine software
 * interrupt). What the target is to do is posted first in its hart_state:
 * ipi_pending (IPI_SSIP: raise the supervisor software interrupt) and rfence_from
 * (bit s: carry out hart s's posted fence request, then count it done). A hart
 * asking for remote fences waits until every target has done its fence; while it
 * waits, and whenever it waits in M-mode with interrupts off (suspend, stop), it
 * serves requests posted to it, so two harts fencing each other cannot deadlock. */
#include "sbi.h"

/* Pages beyond which a ranged sfence.vma flushes everything instead. */
#define FLUSH_ALL_PAGES 64

static void do_fence(const struct rfence_request *r) {
  if (r->kind == RFENCE_FENCE_I) {
    asm volatile("fence.i" ::: "memory");
    return;
  }
  u64 start = r->start, size = r->size, asid = r->asid;
  int with_asid = r->kind == RFENCE_SFENCE_VMA_ASID;
  int all = (start == 0 && size == 0) || size == ~0UL || size > FLUSH_ALL_PAGES * 4096UL;
  if (all) {
    if (with_asid) asm volatile("sfence.vma zero, %0" :: "r"(asid) : "memory");
    else asm volatile("sfence.vma" ::: "memory");
    return;
  }
  for (u64 a = start & ~0xFFFUL; a < start + size; a += 4096) {
    if (with_asid) asm volatile("sfence.vma %0, %1" :: "r"(a), "r"(asid) : "memory");
    else asm volatile("sfence.vma %0, zero" :: "r"(a) : "memory");
  }
}

/* Serves whatever other harts have posted to `hart` (the M software interrupt
   handler, and the polling loops). */
void ipi_process(u64 hart) {
  struct hart_state *me = &harts[hart];
  *CLINT_MSIP(hart) = 0;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  u64 bits = __atomic_exchange_n(&me->ipi_pending, 0, __ATOMIC_SEQ_CST);
  if (bits & IPI_SSIP) csr_set(mip, MIP_SSIP);
  u64 from = __atomic_exchange_n(&me->rfence_from, 0, __ATOMIC_SEQ_CST);
  for (u64 s = 0; from; s++, from >>= 1) {
    if (!(from & 1)) continue;
    do_fence(&harts[s].request);
    __atomic_fetch_sub(&harts[s].request.remaining, 1, __ATOMIC_SEQ_CST);
  }
}

/* The harts a (hart_mask, hart_mask_base) pair names (chapter 3: base -1 means all
   harts), as a bit set; INVALID_PARAM when one of them does not exist. */
static s64 hart_set(u64 mask, u64 base, u64 *set) {
  u64 all = hart_count >= 64 ? ~0UL : (1UL << hart_count) - 1;
  if (base == ~0UL) { *set = all; return SBI_SUCCESS; }
  *set = 0;
  for (u64 i = 0; i < 64; i++) {
    if (!(mask >> i & 1)) continue;
    u64 h = base + i;
    if (h < base || h >= hart_count) return SBI_ERR_INVALID_PARAM;
    *set |= 1UL << h;
  }
  return SBI_SUCCESS;
}

/* Whether a hart is in a state to take IPIs: not stopped, not on its way up. */
static int takes_ipis(u64 h) {
  u64 s = harts[h].hsm_state;
  return s == HSM_STARTED || s == HSM_SUSPENDED || s == HSM_STOP_PENDING;
}

s64 send_ipi_many(u64 mask, u64 base) {
  u64 set, self = hart_id();
  s64 err = hart_set(mask, base, &set);
  if (err) return err;
  for (u64 h = 0; h < hart_count; h++) {
    if (!(set >> h & 1) || !takes_ipis(h)) continue;
    if (h == self) { csr_set(mip, MIP_SSIP); continue; }
    __atomic_fetch_or(&harts[h].ipi_pending, IPI_SSIP, __ATOMIC_SEQ_CST);
    *CLINT_MSIP(h) = 1;
  }
  return SBI_SUCCESS;
}

struct sbiret sbi_ipi(u64 fid, struct trap_frame *f) {
  if (fid != 0) return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
  return (struct sbiret){ send_ipi_many(REG_A(f, 0), REG_A(f, 1)), 0 };
}

static s64 remote_fence(u64 mask, u64 base, u64 kind, u64 start, u64 size, u64 asid) {
  u64 set, self = hart_id();
  s64 err = hart_set(mask, base, &set);
  if (err) return err;
  if (kind != RFENCE_FENCE_I && size != ~0UL && start + size < start) return SBI_ERR_INVALID_ADDRESS;
  struct rfence_request *r = &harts[self].request;
  r->kind = kind; r->start = start; r->size = size; r->asid = asid;
  u64 count = 0;
  for (u64 h = 0; h < hart_count; h++)
    if (set >> h & 1 && h != self && takes_ipis(h)) count++;
  r->remaining = count;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  for (u64 h = 0; h < hart_count; h++) {
    if (!(set >> h & 1) || h == self || !takes_ipis(h)) continue;
    __atomic_fetch_or(&harts[h].rfence_from, 1UL << self, __ATOMIC_SEQ_CST);
    *CLINT_MSIP(h) = 1;
  }
  /* The count was taken before posting: a target that stopped meanwhile still
     serves the request from its park loop. */
  if (set >> self & 1) do_fence(r);
  while (__atomic_load_n(&r->remaining, __ATOMIC_SEQ_CST) != 0) ipi_process(self);
  return SBI_SUCCESS;
}

struct sbiret sbi_rfence(u64 fid, struct trap_frame *f) {
  u64 mask = REG_A(f, 0), base = REG_A(f, 1);
  switch (fid) {
  case 0: return (struct sbiret){ remote_fence(mask, base, RFENCE_FENCE_I, 0, 0, 0), 0 };
  case 1: return (struct sbiret){ remote_fence(mask, base, RFENCE_SFENCE_VMA, REG_A(f, 2), REG_A(f, 3), 0), 0 };
  case 2: return (struct sbiret){ remote_fence(mask, base, RFENCE_SFENCE_VMA_ASID, REG_A(f, 2), REG_A(f, 3), REG_A(f, 4)), 0 };
  }
  /* 3-6 are the hypervisor fences: there is no H extension. */
  return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
}
