/* Hardware update of the accessed (A) and dirty (D) bits under Sv39 (privileged spec
   4.3.1 and 4.3.2 step 7): "If pte.a = 0, or if the original memory access is a store
   and pte.d = 0, ... [the implementation may] perform the following steps atomically:
   Compare pte to the value of the PTE at address a + va.vpn[i] x PTESIZE. If the
   values match, set pte.a to 1 and, if the original memory access is a store, also
   set pte.d to 1. ..." Step 7 comes after the permission check (step 5) and the
   superpage alignment check (step 6), so an access that faults changes nothing. Only
   the leaf PTE is updated: "For non-leaf PTEs, the D, A, and U bits are reserved", and
   the walk never writes them.

   Checked here, with every PTE read back from M-mode after the access (the tables
   changed between cases are followed by sfence.vma):
   - a load sets A and not D; a store sets A and D; an instruction fetch sets A; a
     successful AMO (a store) sets A and D; a load of an execute-only page through
     MXR sets A;
   - a store to a page whose translation was cached by an earlier load (D = 0) sets D;
   - a load of a page with A = 1, D = 0 leaves it as it is;
   - A cleared by software is set again by the next access after sfence.vma;
   - a megapage leaf gets A and D like a 4 KiB one;
   - accesses that fault (store to W = 0, load of X-only without MXR, fetch of a non-X
     page, S-mode access to a U page without SUM, U-mode access to a U = 0 page, a
     misaligned megapage) leave A and D as they were;
   - the root and level-1 pointer PTEs stay exactly as written. */
#include "priv.h"
#include "vm.h"

#define VA_BASE 0x40000000UL
#define VA_MEGA 0x40200000UL
#define VA_MIS  0x40400000UL

static int checks;
static void t_check(const char *label, uint64_t got, uint64_t want) { checks++; check(label, got, want); }
static void t_ok(const char *label, struct vm_access r, uint64_t value) {
  t_check(label, r.trapped, 0);
  if (value != ~0UL) t_check(label, r.value, value);
}
static void t_fault(const char *label, struct vm_access r, uint64_t cause, uint64_t va) {
  t_check(label, r.trapped, 1);
  t_check(label, r.cause, cause);
  t_check(label, r.tval, va);
}

static uint64_t va_of(int i) { return VA_BASE + (uint64_t)i * PAGE_4K; }
static uint64_t pa_of(int i) { return VM_SCRATCH_PA + (uint64_t)i * PAGE_4K; }

/* Test page i: VA_BASE + i pages onto scratch page i, with `flags` (no A or D unless given). */
static volatile uint64_t *page(int i, uint64_t flags) {
  vm_put_code(pa_of(i));
  return vm_map(va_of(i), pa_of(i), PAGE_4K, flags);
}

static uint64_t pte_of(uint64_t pa, uint64_t flags) { return ((pa >> 12) << PTE_PPN_SHIFT) | flags | PTE_V; }

static uint64_t amoadd(uint64_t va) { return vm_amoadd(va); }

int main(void) {
  priv_init();

  puts_("S-mode: successful accesses set A, and D for stores\n");
  vm_reset();
  vm_map_identity(0);
  uint64_t rw = PTE_R | PTE_W;
  volatile uint64_t *p_ld = page(0, rw);
  volatile uint64_t *p_sd = page(1, rw);
  volatile uint64_t *p_sd_a = page(2, rw | PTE_A);
  volatile uint64_t *p_ld_a = page(3, rw | PTE_A);
  volatile uint64_t *p_x = page(4, PTE_X);
  volatile uint64_t *p_rx = page(5, PTE_R | PTE_X);
  volatile uint64_t *p_ldsd = page(6, rw);
  volatile uint64_t *p_amo = page(7, rw);
  volatile uint64_t *p_mxr = page(8, PTE_X);
  volatile uint64_t *p_again = page(9, rw);
  volatile uint64_t *p_mega = vm_map(VA_MEGA, VM_SCRATCH_PA + PAGE_2M, PAGE_2M, rw);
  uint64_t root_pte = vm_root[vm_vpn(VA_BASE, 2)];
  volatile uint64_t *mid = &((uint64_t *)vm_pte_pa(root_pte))[vm_vpn(VA_BASE, 1)];
  uint64_t mid_pte = *mid;
  vm_enable(0);

  t_ok("ld A=0", vm_try(MODE_S, vm_ld, va_of(0)), ~0UL);
  t_check("ld sets A only", *p_ld, pte_of(pa_of(0), rw | PTE_A));
  t_ok("sd A=0 D=0", vm_try(MODE_S, vm_sd, va_of(1) + 8), ~0UL);
  t_check("sd sets A and D", *p_sd, pte_of(pa_of(1), rw | PTE_A | PTE_D));
  t_ok("sd A=1 D=0", vm_try(MODE_S, vm_sd, va_of(2) + 8), ~0UL);
  t_check("sd sets D", *p_sd_a, pte_of(pa_of(2), rw | PTE_A | PTE_D));
  t_ok("ld A=1 D=0", vm_try(MODE_S, vm_ld, va_of(3)), ~0UL);
  t_check("ld leaves A=1 D=0", *p_ld_a, pte_of(pa_of(3), rw | PTE_A));
  t_ok("fetch X-only A=0", vm_try(MODE_S, vm_call, va_of(4)), 42);
  t_check("fetch sets A only (X)", *p_x, pte_of(pa_of(4), PTE_X | PTE_A));
  t_ok("fetch RX A=0", vm_try(MODE_S, vm_call, va_of(5)), 42);
  t_check("fetch sets A only (RX)", *p_rx, pte_of(pa_of(5), PTE_R | PTE_X | PTE_A));
  t_ok("ld then sd: ld", vm_try(MODE_S, vm_ld, va_of(6)), ~0UL);
  t_check("ld then sd: A after ld", *p_ldsd, pte_of(pa_of(6), rw | PTE_A));
  t_ok("ld then sd: sd", vm_try(MODE_S, vm_sd, va_of(6) + 8), ~0UL);
  t_check("ld then sd: A and D after sd", *p_ldsd, pte_of(pa_of(6), rw | PTE_A | PTE_D));
  t_ok("amoadd A=0 D=0", vm_try(MODE_S, amoadd, va_of(7) + 8), ~0UL);
  t_check("amoadd sets A and D", *p_amo, pte_of(pa_of(7), rw | PTE_A | PTE_D));
  CSR_SET(mstatus, MSTATUS_MXR);
  t_ok("ld X-only with MXR", vm_try(MODE_S, vm_ld, va_of(8)), ~0UL);
  CSR_CLEAR(mstatus, MSTATUS_MXR);
  t_check("ld with MXR sets A only", *p_mxr, pte_of(pa_of(8), PTE_X | PTE_A));
  t_ok("sd megapage", vm_try(MODE_S, vm_sd, VA_MEGA + 0x12348), ~0UL);
  t_check("sd sets A and D on the megapage leaf", *p_mega, pte_of(VM_SCRATCH_PA + PAGE_2M, rw | PTE_A | PTE_D));

  puts_("A cleared by software is set again\n");
  t_ok("ld first", vm_try(MODE_S, vm_ld, va_of(9)), ~0UL);
  t_check("A after the first ld", *p_again, pte_of(pa_of(9), rw | PTE_A));
  *p_again = pte_of(pa_of(9), rw);
  vm_sfence();
  t_ok("ld again", vm_try(MODE_S, vm_ld, va_of(9)), ~0UL);
  t_check("A set again", *p_again, pte_of(pa_of(9), rw | PTE_A));
  *p_again = pte_of(pa_of(9), rw | PTE_A);
  vm_sfence();
  t_ok("sd after D cleared", vm_try(MODE_S, vm_sd, va_of(9) + 8), ~0UL);
  t_check("D set by the sd", *p_again, pte_of(pa_of(9), rw | PTE_A | PTE_D));
  *p_again = pte_of(pa_of(9), rw | PTE_A);
  vm_sfence();
  t_ok("sd after D cleared again", vm_try(MODE_S, vm_sd, va_of(9) + 16), ~0UL);
  t_check("D set again", *p_again, pte_of(pa_of(9), rw | PTE_A | PTE_D));

  puts_("non-leaf PTEs are not updated\n");
  t_check("root PTE as written", vm_root[vm_vpn(VA_BASE, 2)], root_pte);
  t_check("level-1 PTE as written", *mid, mid_pte);
  t_check("root pointer has no A or D", root_pte & (PTE_A | PTE_D), 0);
  t_check("level-1 pointer has no A or D", mid_pte & (PTE_A | PTE_D), 0);
  vm_disable();

  puts_("S-mode: faulting accesses change nothing\n");
  vm_reset();
  vm_map_identity(0);
  volatile uint64_t *f_sd_ro = page(0, PTE_R);
  volatile uint64_t *f_sd_ro_a = page(1, PTE_R | PTE_A);
  volatile uint64_t *f_ld_x = page(2, PTE_X);
  volatile uint64_t *f_fetch_rw = page(3, rw);
  volatile uint64_t *f_user = page(4, rw | PTE_X | PTE_U);
  volatile uint64_t *f_mis = vm_set_pte(VA_MIS, 1, pte_of(VM_SCRATCH_PA + PAGE_4K, rw | PTE_X));
  vm_enable(0);
  t_fault("sd to R-only", vm_try(MODE_S, vm_sd, va_of(0) + 8), CAUSE_STORE_PAGE, va_of(0) + 8);
  t_check("sd to R-only: PTE unchanged", *f_sd_ro, pte_of(pa_of(0), PTE_R));
  t_fault("sd to R-only A=1", vm_try(MODE_S, vm_sd, va_of(1) + 8), CAUSE_STORE_PAGE, va_of(1) + 8);
  t_check("sd to R-only A=1: no D", *f_sd_ro_a, pte_of(pa_of(1), PTE_R | PTE_A));
  t_fault("ld X-only without MXR", vm_try(MODE_S, vm_ld, va_of(2)), CAUSE_LOAD_PAGE, va_of(2));
  t_check("ld X-only: PTE unchanged", *f_ld_x, pte_of(pa_of(2), PTE_X));
  t_fault("fetch RW", vm_try(MODE_S, vm_call, va_of(3)), CAUSE_FETCH_PAGE, va_of(3));
  t_check("fetch RW: PTE unchanged", *f_fetch_rw, pte_of(pa_of(3), rw));
  t_fault("ld U page without SUM", vm_try(MODE_S, vm_ld, va_of(4)), CAUSE_LOAD_PAGE, va_of(4));
  t_fault("sd U page without SUM", vm_try(MODE_S, vm_sd, va_of(4) + 8), CAUSE_STORE_PAGE, va_of(4) + 8);
  CSR_SET(mstatus, MSTATUS_SUM);
  t_fault("fetch U page with SUM", vm_try(MODE_S, vm_call, va_of(4)), CAUSE_FETCH_PAGE, va_of(4));
  CSR_CLEAR(mstatus, MSTATUS_SUM);
  t_check("U page: PTE unchanged", *f_user, pte_of(pa_of(4), rw | PTE_X | PTE_U));
  t_fault("ld misaligned megapage", vm_try(MODE_S, vm_ld, VA_MIS), CAUSE_LOAD_PAGE, VA_MIS);
  t_fault("sd misaligned megapage", vm_try(MODE_S, vm_sd, VA_MIS + 8), CAUSE_STORE_PAGE, VA_MIS + 8);
  t_check("misaligned megapage: PTE unchanged", *f_mis, pte_of(VM_SCRATCH_PA + PAGE_4K, rw | PTE_X));
  CSR_SET(mstatus, MSTATUS_SUM);
  t_ok("ld U page with SUM", vm_try(MODE_S, vm_ld, va_of(4)), ~0UL);
  CSR_CLEAR(mstatus, MSTATUS_SUM);
  t_check("ld U page with SUM sets A", *f_user, pte_of(pa_of(4), rw | PTE_X | PTE_U | PTE_A));
  vm_disable();

  puts_("U-mode\n");
  vm_reset();
  vm_map_identity(1);
  volatile uint64_t *u_ld = page(0, rw | PTE_U);
  volatile uint64_t *u_sd = page(1, rw | PTE_U);
  volatile uint64_t *u_x = page(2, PTE_X | PTE_U);
  volatile uint64_t *u_super = page(3, rw | PTE_X);
  vm_enable(0);
  t_ok("U ld A=0", vm_try(MODE_U, vm_ld, va_of(0)), ~0UL);
  t_check("U ld sets A only", *u_ld, pte_of(pa_of(0), rw | PTE_U | PTE_A));
  t_ok("U sd A=0 D=0", vm_try(MODE_U, vm_sd, va_of(1) + 8), ~0UL);
  t_check("U sd sets A and D", *u_sd, pte_of(pa_of(1), rw | PTE_U | PTE_A | PTE_D));
  t_ok("U fetch A=0", vm_try(MODE_U, vm_call, va_of(2)), 42);
  t_check("U fetch sets A only", *u_x, pte_of(pa_of(2), PTE_X | PTE_U | PTE_A));
  t_fault("U ld of a U=0 page", vm_try(MODE_U, vm_ld, va_of(3)), CAUSE_LOAD_PAGE, va_of(3));
  t_fault("U sd of a U=0 page", vm_try(MODE_U, vm_sd, va_of(3) + 8), CAUSE_STORE_PAGE, va_of(3) + 8);
  t_fault("U fetch of a U=0 page", vm_try(MODE_U, vm_call, va_of(3)), CAUSE_FETCH_PAGE, va_of(3));
  t_check("U=0 page: PTE unchanged", *u_super, pte_of(pa_of(3), rw | PTE_X));
  vm_disable();

  puts_("checks: ");
  print_dec(checks);
  putch('\n');
  return finish("accessed_dirty");
}
