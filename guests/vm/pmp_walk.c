/* PMP and paging (privileged spec 3.7.1 "Physical Memory Protection CSRs", "PMP and
   Paging": "PMP checks are also applied to page-table accesses for virtual-address
   translation, for which the effective privilege mode is S"; 4.3.2 "Virtual Address
   Translation Process", step 2: "If accessing pte violates a PMA or PMP check, raise an
   access-fault exception corresponding to the original access type", and the final
   physical address is checked by PMP like any access):

   - A PMP entry denying S-mode reads of a page-table page turns a walk through it
     into an access fault of the original access type (load 5, store 7, fetch 1) with
     tval = the virtual address, not a page fault, from S- and U-mode and for M-mode
     accesses under MPRV; the walk reads only what it needs, so translations that do
     not go through that page (a megapage leaf above it, an invalid entry above it:
     page fault) are unaffected; read permission alone suffices (A and D already set).
   - The translated physical address is checked: a VA mapped to a PMP-denied page
     raises the access fault of its type with tval = the VA; a partly permitting entry
     (R only) permits loads and denies stores and fetches. A page fault found by the
     walk comes before the PMP check of the final address.
   AMOs through a denied table and A/D updates denied by PMP: vm/pmp_walk_qemu_skip.c.
   Entries 0 to 3 are used (entry 1 only as the lower bound of the TOR entry 2);
   priv_init()'s entry 15 allows the rest. PMP changes are followed by sfence.vma
   ("... SFENCE.VMA ... to flush translations that might have been cached with old
   PMP settings", 3.7.2). */
#include "priv.h"
#include "vm.h"

#define VA_DATA 0x40000000UL   /* R W, through level-0 table L0 */
#define VA_CODE 0x40001000UL   /* X, through L0 */
#define VA_USER 0x40002000UL   /* U R W X, through L0 */
#define VA_MEGA 0x40200000UL   /* a megapage leaf in the level-1 table L1 */
#define VA_HOLE 0x40400000UL   /* an invalid level-1 entry */
#define VA_DENY 0x40600000UL   /* R W X, to the PMP-denied page PA_DENY */
#define VA_RDONLY 0x40601000UL /* R W X, to the PMP read-only page PA_RDONLY */
#define VA_ROPTE 0x40602000UL  /* R only, to PA_DENY */
#define PA_DATA (VM_SCRATCH_PA + 0x0000)
#define PA_CODE (VM_SCRATCH_PA + 0x1000)
#define PA_USER (VM_SCRATCH_PA + 0x2000)
#define PA_DENY (VM_SCRATCH_PA + 0x10000)
#define PA_RDONLY (VM_SCRATCH_PA + 0x20000)
#define PA_MEGA (VM_SCRATCH_PA + 0x200000)

#define MARK_DATA 0x0da7a00000000001UL
#define MARK_USER 0x0005e00000000002UL
#define MARK_MEGA 0x0eea000000000003UL
#define MARK_DENY 0x0de9000000000004UL
#define MARK_RDONLY 0x0a0a000000000005UL

/* PMP entry i (0..7) := cfg. Entry 0 as NAPOT over one page: vm_pmp_page(). */
static void pmp_cfg(int i, uint64_t cfg) {
  CSR_CLEAR(pmpcfg0, 0xffUL << (8 * i));
  CSR_SET(pmpcfg0, cfg << (8 * i));
  vm_sfence();
}
/* Entries 0 to 3 off. */
static void pmp_clear(void) {
  CSR_CLEAR(pmpcfg0, 0xffffffffUL);
  vm_sfence();
}

static uint64_t l0_page, l1_page, root_page;

static void build(int user) {
  vm_reset();
  vm_map_identity(user);
  uint64_t u = user ? PTE_U : 0;
  vm_map(VA_DATA, PA_DATA, PAGE_4K, PTE_R | PTE_W | PTE_A | PTE_D | u);
  vm_map(VA_CODE, PA_CODE, PAGE_4K, PTE_X | PTE_A | u);
  vm_map(VA_USER, PA_USER, PAGE_4K, PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | PTE_U);
  vm_map(VA_MEGA, PA_MEGA, PAGE_2M, PTE_R | PTE_W | PTE_A | PTE_D | u);
  vm_map(VA_DENY, PA_DENY, PAGE_4K, PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | u);
  vm_map(VA_RDONLY, PA_RDONLY, PAGE_4K, PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | u);
  vm_map(VA_ROPTE, PA_DENY, PAGE_4K, PTE_R | PTE_A | PTE_D | u);
  root_page = (uint64_t)vm_root;
  l1_page = vm_pte_pa(vm_root[vm_vpn(VA_DATA, 2)]);
  l0_page = vm_pte_pa(*vm_slot(VA_DATA, 1));
  vm_enable(0);
}

int main(void) {
  priv_init();
  *(volatile uint64_t *)PA_DATA = MARK_DATA;
  *(volatile uint64_t *)PA_USER = MARK_USER;
  *(volatile uint64_t *)PA_MEGA = MARK_MEGA;
  *(volatile uint64_t *)PA_DENY = MARK_DENY;
  *(volatile uint64_t *)PA_RDONLY = MARK_RDONLY;
  vm_put_code(PA_CODE);
  vm_put_code(PA_USER + 0x100);
  vm_put_code(PA_RDONLY + 0x100);
  vm_put_code(PA_DENY + 0x100);
  build(0);

  puts_("S-mode: the level-0 table page readable only by M-mode\n");
  vm_expect_ok("ld before", vm_try(MODE_S, vm_ld, VA_DATA), MARK_DATA);
  vm_pmp_page(l0_page, 0);
  vm_expect_fault("ld through denied table", vm_try(MODE_S, vm_ld, VA_DATA + 8), CAUSE_LOAD_ACCESS, VA_DATA + 8);
  vm_expect_fault("sd through denied table", vm_try(MODE_S, vm_sd, VA_DATA + 16), CAUSE_STORE_ACCESS, VA_DATA + 16);
  vm_expect_fault("fetch through denied table", vm_try(MODE_S, vm_call, VA_CODE), CAUSE_FETCH_ACCESS, VA_CODE);
  check("sd wrote nothing", *(volatile uint64_t *)(PA_DATA + 16), 0);
  vm_expect_ok("megapage leaf above the table", vm_try(MODE_S, vm_ld, VA_MEGA + 0x40), 0);
  vm_expect_ok("megapage leaf above the table", vm_try(MODE_S, vm_ld, VA_MEGA), MARK_MEGA);
  vm_expect_fault("invalid entry above the table: page fault", vm_try(MODE_S, vm_ld, VA_HOLE), CAUSE_LOAD_PAGE, VA_HOLE);
  vm_expect_ok("M-mode reads the table (entry not locked)", vm_try(MODE_M, vm_ld, l0_page + 8 * vm_vpn(VA_DATA, 0)),
     vm_pte_value(PA_DATA, PTE_R | PTE_W | PTE_A | PTE_D));

  puts_("read permission alone lets the walk through\n");
  vm_pmp_page(l0_page, PMP_R);
  vm_expect_ok("ld, table read-only", vm_try(MODE_S, vm_ld, VA_DATA), MARK_DATA);
  vm_expect_ok("sd, table read-only", vm_try(MODE_S, vm_sd, VA_DATA + 16), ~0UL);
  check("sd reached the page", *(volatile uint64_t *)(PA_DATA + 16), vm_sd_value);
  vm_expect_ok("fetch, table read-only", vm_try(MODE_S, vm_call, VA_CODE), 42);
  pmp_cfg(0, PMP_NAPOT | PMP_X);
  vm_expect_fault("ld, table execute-only", vm_try(MODE_S, vm_ld, VA_DATA), CAUSE_LOAD_ACCESS, VA_DATA);

  puts_("S-mode: the level-1 table page denied\n");
  vm_pmp_page(l1_page, 0);
  vm_expect_fault("ld through denied level-1 table", vm_try(MODE_S, vm_ld, VA_DATA), CAUSE_LOAD_ACCESS, VA_DATA);
  vm_expect_fault("ld megapage in denied level-1 table", vm_try(MODE_S, vm_ld, VA_MEGA), CAUSE_LOAD_ACCESS, VA_MEGA);
  vm_expect_fault("sd megapage in denied level-1 table", vm_try(MODE_S, vm_sd, VA_MEGA), CAUSE_STORE_ACCESS, VA_MEGA);
  vm_expect_fault("invalid entry in denied level-1 table", vm_try(MODE_S, vm_ld, VA_HOLE), CAUSE_LOAD_ACCESS, VA_HOLE);
  pmp_clear();
  vm_expect_ok("ld after the entry is off", vm_try(MODE_S, vm_ld, VA_DATA), MARK_DATA);

  puts_("M-mode under MPRV (MPP = S): the root table page denied\n");
  check("MPRV ld", vm_mprv_ld(MODE_S, VA_DATA), MARK_DATA);
  vm_pmp_page(root_page, 0);
  {
    trap_reset();
    uint64_t v = vm_mprv_ld(MODE_S, VA_DATA + 8);
    check("MPRV ld through denied root: value", v, 0);
    check("MPRV ld through denied root: one trap", trap_count, 1);
    check("MPRV ld through denied root: cause", trap_at(0)->cause, CAUSE_LOAD_ACCESS);
    check("MPRV ld through denied root: mtval", trap_at(0)->tval, VA_DATA + 8);
  }
  pmp_clear();

  puts_("the translated physical address is checked\n");
  vm_pmp_page(PA_DENY, 0);
  vm_expect_fault("ld to denied page", vm_try(MODE_S, vm_ld, VA_DENY), CAUSE_LOAD_ACCESS, VA_DENY);
  vm_expect_fault("sd to denied page", vm_try(MODE_S, vm_sd, VA_DENY + 8), CAUSE_STORE_ACCESS, VA_DENY + 8);
  vm_expect_fault("fetch from denied page", vm_try(MODE_S, vm_call, VA_DENY + 0x100), CAUSE_FETCH_ACCESS, VA_DENY + 0x100);
  vm_expect_fault("sd through a read-only PTE: page fault first", vm_try(MODE_S, vm_sd, VA_ROPTE + 8), CAUSE_STORE_PAGE, VA_ROPTE + 8);
  vm_expect_fault("fetch through a read-only PTE: page fault first", vm_try(MODE_S, vm_call, VA_ROPTE + 0x100), CAUSE_FETCH_PAGE, VA_ROPTE + 0x100);
  vm_expect_fault("ld through a read-only PTE: access fault", vm_try(MODE_S, vm_ld, VA_ROPTE), CAUSE_LOAD_ACCESS, VA_ROPTE);
  check("denied page unchanged", *(volatile uint64_t *)(PA_DENY + 8), 0);
  /* Entry 2 as TOR [PA_RDONLY, PA_RDONLY + 4 KiB) with R only; entry 1 holds the bottom. */
  CSR_WRITE(pmpaddr1, PA_RDONLY >> 2);
  CSR_WRITE(pmpaddr2, (PA_RDONLY + PAGE_4K) >> 2);
  pmp_cfg(2, PMP_TOR | PMP_R);
  vm_expect_ok("ld from read-only page", vm_try(MODE_S, vm_ld, VA_RDONLY), MARK_RDONLY);
  vm_expect_fault("sd to read-only page", vm_try(MODE_S, vm_sd, VA_RDONLY + 8), CAUSE_STORE_ACCESS, VA_RDONLY + 8);
  vm_expect_fault("amoadd to read-only page", vm_try(MODE_S, vm_amoadd, VA_RDONLY), CAUSE_STORE_ACCESS, VA_RDONLY);
  vm_expect_fault("fetch from read-only page", vm_try(MODE_S, vm_call, VA_RDONLY + 0x100), CAUSE_FETCH_ACCESS, VA_RDONLY + 0x100);
  check("read-only page unchanged", *(volatile uint64_t *)PA_RDONLY, MARK_RDONLY);
  /* Entry 3 as NAPOT over the same page with R W X: entry 2 matches first. */
  CSR_WRITE(pmpaddr3, (PA_RDONLY >> 2) | 0x1ff);
  pmp_cfg(3, PMP_NAPOT | PMP_R | PMP_W | PMP_X);
  vm_expect_fault("lower-numbered entry wins", vm_try(MODE_S, vm_sd, VA_RDONLY + 8), CAUSE_STORE_ACCESS, VA_RDONLY + 8);
  pmp_clear();
  vm_expect_ok("sd after the entries are off", vm_try(MODE_S, vm_sd, VA_RDONLY + 8), ~0UL);
  vm_expect_ok("fetch after the entries are off", vm_try(MODE_S, vm_call, VA_DENY + 0x100), 42);

  puts_("U-mode\n");
  build(1);
  vm_expect_ok("U ld", vm_try(MODE_U, vm_ld, VA_USER), MARK_USER);
  vm_expect_ok("U fetch", vm_try(MODE_U, vm_call, VA_USER + 0x100), 42);
  vm_pmp_page(l0_page, PMP_X);
  vm_expect_fault("U ld through denied table", vm_try(MODE_U, vm_ld, VA_USER), CAUSE_LOAD_ACCESS, VA_USER);
  vm_expect_fault("U sd through denied table", vm_try(MODE_U, vm_sd, VA_USER + 8), CAUSE_STORE_ACCESS, VA_USER + 8);
  vm_expect_fault("U fetch through denied table", vm_try(MODE_U, vm_call, VA_USER + 0x100), CAUSE_FETCH_ACCESS, VA_USER + 0x100);
  vm_pmp_page(l0_page, PMP_R);
  vm_expect_ok("U ld, table read-only", vm_try(MODE_U, vm_ld, VA_USER), MARK_USER);
  vm_pmp_page(PA_DENY, 0);
  vm_expect_fault("U ld to denied page", vm_try(MODE_U, vm_ld, VA_DENY), CAUSE_LOAD_ACCESS, VA_DENY);
  vm_expect_fault("U fetch from denied page", vm_try(MODE_U, vm_call, VA_DENY + 0x100), CAUSE_FETCH_ACCESS, VA_DENY + 0x100);
  pmp_clear();
  vm_disable();

  return vm_finish("pmp_walk");
}
