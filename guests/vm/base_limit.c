// QEMU-SKIP: base/limit relocation is a Pagoda extension
/* Pagoda's base/limit relocation (README "Base/limit relocation"): satp.MODE = 14 (a
   value the privileged spec, 4.1.11, leaves for custom use) selects it for S- and
   U-mode, with the S-mode CSRs sbase (0x5C0) and sbound (0x5C1). A virtual address va
   is valid when va < sbound and then maps to sbase + va; at or past the bound an
   access raises the page fault of its type (load 13, store/AMO 15, fetch 12) with
   tval = va, as a page-based scheme would (4.3.2). PMP checks the relocated address
   (3.7); M-mode is untranslated, and MPRV applies as usual (3.1.6.3). Writes to sbase
   and sbound take effect at once.

   Instruction fetches are relocated too, so the program itself must stay reachable:
   - with sbase = 0 and sbound above the program, S- and U-mode run at their usual
     addresses, and the bound is tested on data and code in the scratch area: the
     last byte below it works, the byte at it faults; an instruction whose second half
     is at the bound faults with tval = the bound and epc = the instruction; a
     misaligned load or store that spans the bound faults and stores nothing (its tval
     is not checked: 4.1.9 asks for "the virtual address of the portion of the access
     that caused the fault"). The bound here is page-aligned;
   - with sbase = 16 MiB, S- and U-mode run from a copy of the program image 16 MiB
     higher, and their accesses reach memory 16 MiB above the virtual address.
   satp = Bare turns relocation off again. */
#include "priv.h"
#include "vm.h"

#define SATP_BL (SATP_MODE_BASE_LIMIT << 60)
#define BOUND (VM_SCRATCH_PA + 0x10000)           /* sbound with sbase = 0 */
#define DATA VM_SCRATCH_PA
#define PA_DENY (VM_SCRATCH_PA + 0x4000)
#define ADDI_A0_A0_123 0x12350513u                 /* addi a0, a0, 0x123 */

/* The relocated set-up: sbase = REL; the program's copy at its address + REL. */
#define REL 0x01000000UL
#define RVA 0x80800000UL                           /* a data virtual address */
#define RBOUND (RVA + 0x10000)

static inline uint64_t rd64(uint64_t pa) { return *(volatile uint64_t *)pa; }
static inline void wr64(uint64_t pa, uint64_t v) { *(volatile uint64_t *)pa = v; }

static void base_limit(uint64_t base, uint64_t bound) {
  CSR_WRITE_NUM(CSR_SBASE, base);
  CSR_WRITE_NUM(CSR_SBOUND, bound);
  CSR_WRITE(satp, SATP_BL);
}

/* S-mode: lower sbound to `arg`, load the byte at arg (faults), restore sbound, load it
   again (works); returns that byte. */
static volatile uint64_t saved_base, saved_bound;
static uint64_t s_move_bound(uint64_t arg) {
  saved_base = CSR_READ_NUM(CSR_SBASE);
  saved_bound = CSR_READ_NUM(CSR_SBOUND);
  CSR_WRITE_NUM(CSR_SBOUND, arg);
  vm_lbu(arg);
  CSR_WRITE_NUM(CSR_SBOUND, saved_bound);
  return vm_lbu(arg);
}
static uint64_t u_read_sbase(uint64_t unused) {
  (void)unused;
  return CSR_READ_NUM(CSR_SBASE);
}
static uint64_t u_write_sbound(uint64_t v) {
  CSR_WRITE_NUM(CSR_SBOUND, v);
  return 0;
}

extern char __heap_start[];

/* The program image [0x80000000, __heap_start) copied to 0x80000000 + off. */
static void copy_image(uint64_t off) {
  volatile uint64_t *src = (volatile uint64_t *)0x80000000UL;
  volatile uint64_t *dst = (volatile uint64_t *)(0x80000000UL + off);
  uint64_t n = ((uint64_t)__heap_start - 0x80000000UL) / 8;
  for (uint64_t i = 0; i < n; i++) dst[i] = src[i];
  asm volatile("fence.i" ::: "memory");
}

static void bound_tests(uint64_t mode) {
  wr64(DATA, 0x0123456789abcdefUL);
  wr64(BOUND - 8, 0xb1b2b3b4b5b6b7b8UL);
  wr64(BOUND, 0);
  wr64(BOUND + 16, 0);
  vm_expect_ok("ld below the bound", vm_try(mode, vm_ld, DATA), 0x0123456789abcdefUL);
  vm_expect_ok("sd below the bound", vm_try(mode, vm_sd, DATA + 8), ~0UL);
  check("sd reached sbase + va", rd64(DATA + 8), vm_sd_value);
  wr64(DATA + 8, 0);
  vm_expect_ok("amoadd below the bound", vm_try(mode, vm_amoadd, DATA), 0x0123456789abcdefUL);
  check("amoadd result", rd64(DATA), 0x0123456789abcdf0UL);
  vm_expect_ok("lbu at bound - 1", vm_try(mode, vm_lbu, BOUND - 1), 0xb1);
  vm_expect_ok("ld at bound - 8", vm_try(mode, vm_ld, BOUND - 8), 0xb1b2b3b4b5b6b7b8UL);
  vm_expect_fault("lbu at the bound", vm_try(mode, vm_lbu, BOUND), CAUSE_LOAD_PAGE, BOUND);
  vm_expect_fault("ld at the bound", vm_try(mode, vm_ld, BOUND + 8), CAUSE_LOAD_PAGE, BOUND + 8);
  vm_expect_fault("sd at the bound", vm_try(mode, vm_sd, BOUND), CAUSE_STORE_PAGE, BOUND);
  vm_expect_fault("amoadd at the bound", vm_try(mode, vm_amoadd, BOUND + 16), CAUSE_STORE_PAGE, BOUND + 16);
  check("nothing stored at the bound", rd64(BOUND) | rd64(BOUND + 16), 0);
  {
    /* 8 bytes from bound - 4: the part at the bound faults, and nothing is stored. */
    struct vm_access r = vm_try(mode, vm_ld, BOUND - 4);
    check("ld spanning the bound: trapped", r.trapped, 1);
    check("ld spanning the bound: cause", r.cause, CAUSE_LOAD_PAGE);
    r = vm_try(mode, vm_sd, BOUND - 4);
    check("sd spanning the bound: trapped", r.trapped, 1);
    check("sd spanning the bound: cause", r.cause, CAUSE_STORE_PAGE);
    check("sd spanning the bound stored nothing", rd64(BOUND - 8), 0xb1b2b3b4b5b6b7b8UL);
    check("sd spanning the bound stored nothing", rd64(BOUND), 0);
  }
  vm_expect_fault("ld far above", vm_try(mode, vm_ld, 0x100000000UL), CAUSE_LOAD_PAGE, 0x100000000UL);
  vm_expect_fault("ld at -8 (no wrap-around)", vm_try(mode, vm_ld, -8UL), CAUSE_LOAD_PAGE, -8UL);

  /* Code just below the bound; then code whose ret, then whose second half, is at it. */
  vm_put_code(BOUND - 8);
  vm_expect_ok("fetch ending at the bound", vm_try(mode, vm_call, BOUND - 8), 42);
  vm_put_code(BOUND - 4);
  vm_expect_fetch_fault("ret at the bound", mode, BOUND - 4, 42, CAUSE_FETCH_PAGE, BOUND, BOUND);
  vm_expect_fetch_fault("call the bound", mode, BOUND, 0, CAUSE_FETCH_PAGE, BOUND, BOUND);
  *(volatile uint16_t *)(BOUND - 4) = 0x0001;                      /* c.nop */
  *(volatile uint16_t *)(BOUND - 2) = ADDI_A0_A0_123 & 0xffff;
  *(volatile uint16_t *)BOUND = ADDI_A0_A0_123 >> 16;
  asm volatile("fence.i" ::: "memory");
  vm_expect_fetch_fault("second half at the bound", mode, BOUND - 4, 0, CAUSE_FETCH_PAGE, BOUND - 2, BOUND);
  *(volatile uint64_t *)BOUND = 0;
}

int main(void) {
  priv_init();

  puts_("sbase = 0: S-mode below and at the bound\n");
  base_limit(0, BOUND);
  check("satp reads MODE = 14", CSR_READ(satp), SATP_BL);
  check("sbase", CSR_READ_NUM(CSR_SBASE), 0);
  check("sbound", CSR_READ_NUM(CSR_SBOUND), BOUND);
  bound_tests(MODE_S);

  puts_("sbase = 0: U-mode below and at the bound\n");
  bound_tests(MODE_U);

  puts_("S-mode moves the bound: effective at once\n");
  trap_reset();
  check("byte once the bound is back", priv_run(MODE_S, s_move_bound, BOUND - 0x1000), rd64(BOUND - 0x1000) & 0xff);
  check_one_trap("load at the lowered bound", CAUSE_LOAD_PAGE, MODE_M, MODE_S,
                 trap_count ? trap_at(0)->epc : 0, BOUND - 0x1000);
  check("S read sbase", saved_base, 0);
  check("S read sbound", saved_bound, BOUND);
  check("sbound restored", CSR_READ_NUM(CSR_SBOUND), BOUND);
  trap_reset();
  priv_run(MODE_U, u_read_sbase, 0);
  check("U csrr sbase: one trap", trap_count, 1);
  check("U csrr sbase: illegal", trap_at(0)->cause, CAUSE_ILLEGAL);
  trap_reset();
  priv_run(MODE_U, u_write_sbound, 0);
  check("U csrw sbound: one trap", trap_count, 1);
  check("U csrw sbound: illegal", trap_at(0)->cause, CAUSE_ILLEGAL);
  check("sbound unchanged", CSR_READ_NUM(CSR_SBOUND), BOUND);

  puts_("PMP checks the relocated address\n");
  vm_put_code(PA_DENY + 0x100);
  vm_pmp_page(PA_DENY, 0);
  vm_expect_fault("S ld denied", vm_try(MODE_S, vm_ld, PA_DENY), CAUSE_LOAD_ACCESS, PA_DENY);
  vm_expect_fault("S sd denied", vm_try(MODE_S, vm_sd, PA_DENY + 8), CAUSE_STORE_ACCESS, PA_DENY + 8);
  vm_expect_fault("S fetch denied", vm_try(MODE_S, vm_call, PA_DENY + 0x100), CAUSE_FETCH_ACCESS, PA_DENY + 0x100);
  vm_expect_fault("U ld denied", vm_try(MODE_U, vm_ld, PA_DENY), CAUSE_LOAD_ACCESS, PA_DENY);
  vm_expect_ok("M ld (entry not locked)", vm_try(MODE_M, vm_ld, PA_DENY + 0x100), VM_CODE_DWORD(42));
  vm_expect_fault("S ld at the bound: page fault", vm_try(MODE_S, vm_ld, BOUND), CAUSE_LOAD_PAGE, BOUND);
  vm_pmp_off();
  vm_expect_ok("S fetch after the entry is off", vm_try(MODE_S, vm_call, PA_DENY + 0x100), 42);

  puts_("sbase = 16 MiB: S- and U-mode run from the relocated copy\n");
  CSR_WRITE(satp, 0);
  wr64(RVA, 0xaaaa);                 /* the physical page at RVA */
  wr64(RVA + 8, 0);
  wr64(RVA + REL, 0xbbbb);           /* where RVA is relocated to */
  wr64(RVA + REL + 8, 0);
  wr64(RBOUND + REL - 8, 0xc1c2c3c4c5c6c7c8UL);
  vm_put_code(RVA + REL + 0x1000);
  vm_put_code(RVA + REL + 0x3000);
  copy_image(REL);
  base_limit(REL, RBOUND);
  vm_expect_ok("S ld", vm_try(MODE_S, vm_ld, RVA), 0xbbbb);
  vm_expect_ok("S sd", vm_try(MODE_S, vm_sd, RVA + 8), ~0UL);
  check("S sd reached sbase + va", rd64(RVA + REL + 8), vm_sd_value);
  check("S sd left va alone", rd64(RVA + 8), 0);
  vm_expect_ok("S fetch", vm_try(MODE_S, vm_call, RVA + 0x1000), 42);
  vm_expect_ok("S lbu at bound - 1", vm_try(MODE_S, vm_lbu, RBOUND - 1), 0xc1);
  vm_expect_fault("S lbu at the bound", vm_try(MODE_S, vm_lbu, RBOUND), CAUSE_LOAD_PAGE, RBOUND);
  vm_expect_fetch_fault("S call the bound", MODE_S, RBOUND, 0, CAUSE_FETCH_PAGE, RBOUND, RBOUND);
  vm_expect_ok("U ld", vm_try(MODE_U, vm_ld, RVA), 0xbbbb);
  vm_expect_ok("U fetch", vm_try(MODE_U, vm_call, RVA + 0x1000), 42);
  vm_expect_fault("U sd at the bound", vm_try(MODE_U, vm_sd, RBOUND), CAUSE_STORE_PAGE, RBOUND);
  vm_expect_ok("M ld: untranslated", vm_try(MODE_M, vm_ld, RVA), 0xaaaa);
  check("M ld under MPRV, MPP = S", vm_mprv_ld(MODE_S, RVA), 0xbbbb);
  check("M ld under MPRV, MPP = U", vm_mprv_ld(MODE_U, RVA), 0xbbbb);
  check("M ld under MPRV, MPP = M", vm_mprv_ld(MODE_M, RVA), 0xaaaa);
  trap_reset();
  check("M ld under MPRV at the bound", vm_mprv_ld(MODE_S, RBOUND + 8), 0);
  check_one_trap("M ld under MPRV at the bound", CAUSE_LOAD_PAGE, MODE_M, MODE_M,
                 trap_count ? trap_at(0)->epc : 0, RBOUND + 8);
  vm_pmp_page(RVA + REL + 0x2000, 0);
  vm_expect_fault("S ld, relocated address denied", vm_try(MODE_S, vm_ld, RVA + 0x2000), CAUSE_LOAD_ACCESS, RVA + 0x2000);
  vm_expect_ok("M ld at va itself: not denied", vm_try(MODE_M, vm_ld, RVA + 0x2000), ~0UL);
  vm_pmp_page(RVA + 0x3000, 0);
  vm_expect_ok("S fetch, va itself denied: relocated not", vm_try(MODE_S, vm_call, RVA + 0x3000), 42);
  vm_pmp_off();

  puts_("satp = Bare: relocation off\n");
  CSR_WRITE(satp, 0);
  vm_expect_ok("S ld", vm_try(MODE_S, vm_ld, RVA), 0xaaaa);
  vm_expect_ok("S ld above the old bound", vm_try(MODE_S, vm_ld, RBOUND + REL - 8), 0xc1c2c3c4c5c6c7c8UL);
  vm_expect_ok("U ld", vm_try(MODE_U, vm_ld, RVA + REL), 0xbbbb);
  check("sbase kept", CSR_READ_NUM(CSR_SBASE), REL);
  check("sbound kept", CSR_READ_NUM(CSR_SBOUND), RBOUND);

  return vm_finish("base_limit");
}
