/* Svade: accessed and dirty bits managed by software (privileged spec 4.3.2 step 7,
   and the Svade extension): "If pte.a = 0, or if the original memory access is a
   store and pte.d = 0: If the Svade extension is implemented, stop and raise a
   page-fault exception corresponding to the original access type." The PTE is not
   written. Pagoda behaves so with --svade.

   PAGODA-FLAGS: --svade
   QEMU-SKIP: QEMU 7.2 always updates A/D in hardware

   Checked here: a load, store, AMO or fetch through a PTE with A = 0 raises the page
   fault of its type (13, 15, 15, 12) with tval = the address; a store or AMO with
   A = 1 and D = 0 raises a store/AMO page fault, also when a load has just cached
   the translation; loads and fetches with A = 1 and D = 0 succeed; every PTE stays as
   written; once M-mode sets the bit (and runs sfence.vma) the access goes through. */
#include "priv.h"
#include "vm.h"

#define VA_BASE 0x40000000UL
#define VA_MEGA 0x40200000UL

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
static uint64_t pte_of(uint64_t pa, uint64_t flags) { return ((pa >> 12) << PTE_PPN_SHIFT) | flags | PTE_V; }

static volatile uint64_t *page(int i, uint64_t flags) {
  vm_put_code(pa_of(i));
  ((volatile uint64_t *)pa_of(i))[1] = 0;
  ((volatile uint64_t *)pa_of(i))[2] = 0;
  return vm_map(va_of(i), pa_of(i), PAGE_4K, flags);
}

static uint64_t amoadd(uint64_t va) { return vm_amoadd(va); }

#define LOAD_WANT (((uint64_t)VM_CODE_RET << 32) | VM_CODE_LI_A0_42)

int main(void) {
  priv_init();
  uint64_t rw = PTE_R | PTE_W, rwx = PTE_R | PTE_W | PTE_X;

  puts_("S-mode: A = 0 faults\n");
  vm_reset();
  vm_map_identity(0);
  volatile uint64_t *p0 = page(0, rwx);
  volatile uint64_t *p1 = page(1, rwx | PTE_D);
  volatile uint64_t *p2 = page(2, PTE_X);
  vm_put_code(VM_SCRATCH_PA + PAGE_2M + 0x1000);
  *(volatile uint64_t *)(VM_SCRATCH_PA + PAGE_2M + 0x1008) = 0;
  volatile uint64_t *pm = vm_map(VA_MEGA, VM_SCRATCH_PA + PAGE_2M, PAGE_2M, rw);
  vm_enable(0);
  t_fault("ld A=0", vm_try(MODE_S, vm_ld, va_of(0)), CAUSE_LOAD_PAGE, va_of(0));
  t_fault("sd A=0 D=0", vm_try(MODE_S, vm_sd, va_of(0) + 8), CAUSE_STORE_PAGE, va_of(0) + 8);
  t_fault("amoadd A=0 D=0", vm_try(MODE_S, amoadd, va_of(0) + 16), CAUSE_STORE_PAGE, va_of(0) + 16);
  t_fault("fetch A=0", vm_try(MODE_S, vm_call, va_of(0)), CAUSE_FETCH_PAGE, va_of(0));
  t_check("A=0 D=0 PTE unchanged", *p0, pte_of(pa_of(0), rwx));
  t_fault("ld A=0 D=1", vm_try(MODE_S, vm_ld, va_of(1)), CAUSE_LOAD_PAGE, va_of(1));
  t_fault("sd A=0 D=1", vm_try(MODE_S, vm_sd, va_of(1) + 8), CAUSE_STORE_PAGE, va_of(1) + 8);
  t_fault("fetch A=0 D=1", vm_try(MODE_S, vm_call, va_of(1)), CAUSE_FETCH_PAGE, va_of(1));
  t_check("A=0 D=1 PTE unchanged", *p1, pte_of(pa_of(1), rwx | PTE_D));
  CSR_SET(mstatus, MSTATUS_MXR);
  t_fault("ld X-only A=0 with MXR", vm_try(MODE_S, vm_ld, va_of(2)), CAUSE_LOAD_PAGE, va_of(2));
  CSR_CLEAR(mstatus, MSTATUS_MXR);
  t_check("X-only PTE unchanged", *p2, pte_of(pa_of(2), PTE_X));
  t_fault("ld megapage A=0", vm_try(MODE_S, vm_ld, VA_MEGA + 0x1000), CAUSE_LOAD_PAGE, VA_MEGA + 0x1000);
  t_check("megapage PTE unchanged", *pm, pte_of(VM_SCRATCH_PA + PAGE_2M, rw));
  t_check("faulting sd wrote nothing", *(volatile uint64_t *)(pa_of(0) + 8), 0);

  puts_("S-mode: A = 1, D = 0\n");
  *p0 = pte_of(pa_of(0), rwx | PTE_A);
  vm_sfence();
  t_ok("ld A=1 D=0", vm_try(MODE_S, vm_ld, va_of(0)), LOAD_WANT);
  t_ok("fetch A=1 D=0", vm_try(MODE_S, vm_call, va_of(0)), 42);
  t_fault("sd A=1 D=0 after a cached ld", vm_try(MODE_S, vm_sd, va_of(0) + 8), CAUSE_STORE_PAGE, va_of(0) + 8);
  t_fault("amoadd A=1 D=0", vm_try(MODE_S, amoadd, va_of(0) + 16), CAUSE_STORE_PAGE, va_of(0) + 16);
  t_check("A=1 D=0 PTE unchanged", *p0, pte_of(pa_of(0), rwx | PTE_A));
  t_check("faulting sd wrote nothing", *(volatile uint64_t *)(pa_of(0) + 8), 0);

  puts_("after software sets A and D\n");
  *p0 = pte_of(pa_of(0), rwx | PTE_A | PTE_D);
  *pm = pte_of(VM_SCRATCH_PA + PAGE_2M, rw | PTE_A);
  vm_sfence();
  t_ok("sd A=1 D=1", vm_try(MODE_S, vm_sd, va_of(0) + 8), ~0UL);
  t_check("sd reached memory", *(volatile uint64_t *)(pa_of(0) + 8), vm_sd_value);
  t_ok("amoadd A=1 D=1", vm_try(MODE_S, amoadd, va_of(0) + 8), vm_sd_value);
  t_check("A=1 D=1 PTE as written", *p0, pte_of(pa_of(0), rwx | PTE_A | PTE_D));
  t_ok("ld megapage A=1", vm_try(MODE_S, vm_ld, VA_MEGA + 0x1000), LOAD_WANT);
  t_fault("sd megapage A=1 D=0", vm_try(MODE_S, vm_sd, VA_MEGA + 0x1008), CAUSE_STORE_PAGE, VA_MEGA + 0x1008);
  t_check("megapage PTE as written", *pm, pte_of(VM_SCRATCH_PA + PAGE_2M, rw | PTE_A));
  t_check("faulting megapage sd wrote nothing", *(volatile uint64_t *)(VM_SCRATCH_PA + PAGE_2M + 0x1008), 0);
  vm_disable();

  puts_("U-mode\n");
  vm_reset();
  vm_map_identity(1);
  volatile uint64_t *u0 = page(3, rwx | PTE_U);
  volatile uint64_t *u1 = page(4, rwx | PTE_U | PTE_A);
  vm_enable(0);
  t_fault("U ld A=0", vm_try(MODE_U, vm_ld, va_of(3)), CAUSE_LOAD_PAGE, va_of(3));
  t_fault("U sd A=0", vm_try(MODE_U, vm_sd, va_of(3) + 8), CAUSE_STORE_PAGE, va_of(3) + 8);
  t_fault("U fetch A=0", vm_try(MODE_U, vm_call, va_of(3)), CAUSE_FETCH_PAGE, va_of(3));
  t_check("U A=0 PTE unchanged", *u0, pte_of(pa_of(3), rwx | PTE_U));
  t_ok("U ld A=1 D=0", vm_try(MODE_U, vm_ld, va_of(4)), LOAD_WANT);
  t_ok("U fetch A=1 D=0", vm_try(MODE_U, vm_call, va_of(4)), 42);
  t_fault("U sd A=1 D=0", vm_try(MODE_U, vm_sd, va_of(4) + 8), CAUSE_STORE_PAGE, va_of(4) + 8);
  t_check("U A=1 D=0 PTE unchanged", *u1, pte_of(pa_of(4), rwx | PTE_U | PTE_A));
  vm_disable();

  puts_("checks: ");
  print_dec(checks);
  putch('\n');
  return finish("svade");
}
