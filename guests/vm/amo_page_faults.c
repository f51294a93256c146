/* Page faults of atomic memory operations under Sv39 (privileged spec 3.1.15, Table
   "Machine cause register (mcause) values after trap": code 15 is "Store/AMO page
   fault"; 4.3.2 step 5: a fault "corresponding to the original access type"). An AMO
   reads and writes its address, so it needs R and W (4.3.1: "Writable pages must also
   be marked readable"; a page without W or without R cannot take an AMO), and every
   AMO that fails translation or permission raises a store/AMO page fault (15) with
   tval = the virtual address, never a load page fault. LR is a load (13 when it
   faults); an SC that holds a reservation on a page without W raises 15.

   QEMU-SKIP: QEMU 7.2 reports AMO page faults as load page faults (cause 13)
   (it probes the page for reading first: 13 whenever the AMO's translation fails or
   the page is not readable, 15 only for a readable page without W).

   Cases, from S- and from U-mode (with the page's U bit set for U-mode): an unmapped
   address, an R-only page, an R+X page, an X-only page, the reserved W-only encoding;
   amoadd.d, amoswap.w and amoor.w on each; a U = 0 page from U-mode and a U = 1 page
   from S-mode without SUM; a misaligned megapage; a non-canonical address; and a
   control RW page on which the same AMOs go through. */
#include "priv.h"
#include "vm.h"

#define VA_NONE 0x40100000UL       /* unmapped */
#define VA_MIS  0x40400000UL       /* level-1 leaf with PPN[0] = 1 */
#define VA_NONCANON 0x0000008040000000UL

static uint64_t amoswap_w(uint64_t va) {
  uint64_t v;
  asm volatile("li %0, 0\n amoswap.w %0, %1, (%2)" : "=&r"(v) : "r"(0x77UL), "r"(va) : "memory");
  return v;
}
static uint64_t amoor_w(uint64_t va) {
  uint64_t v;
  asm volatile("li %0, 0\n amoor.w %0, %1, (%2)" : "=&r"(v) : "r"(0x100UL), "r"(va) : "memory");
  return v;
}
static uint64_t lr_d(uint64_t va) {
  uint64_t v;
  asm volatile("li %0, 0\n lr.d %0, (%1)" : "=&r"(v) : "r"(va) : "memory");
  return v;
}
/* lr.d then sc.d at the same address: returns sc's result (0 when it stored). */
static uint64_t lr_sc_d(uint64_t va) {
  uint64_t v, t;
  asm volatile("li %0, 7\n lr.d %1, (%2)\n sc.d %0, %1, (%2)" : "=&r"(v), "=&r"(t) : "r"(va) : "memory");
  return v;
}

/* The test pages: page p is vm_test_va(p) onto scratch page p. */
enum { PG_RW, PG_R, PG_RX, PG_X, PG_W, PG_WRONG_U, PG_COUNT };
static const uint64_t page_perm[PG_COUNT] = {PTE_R | PTE_W, PTE_R, PTE_R | PTE_X, PTE_X, PTE_W, PTE_R | PTE_W};
static const char *const page_name[PG_COUNT] = {"RW", "R", "RX", "X", "W", "RW wrong U"};

struct amo { const char *name; uint64_t (*fn)(uint64_t); };
static const struct amo amos[3] = {{"amoadd.d", vm_amoadd}, {"amoswap.w", amoswap_w}, {"amoor.w", amoor_w}};

/* "S amoadd.d on RW" and the like. */
static const char *make_label(uint64_t mode, const char *a, const char *b) {
  vm_label_start();
  vm_label_add(mode == MODE_U ? "U " : "S ");
  vm_label_add(a);
  vm_label_add(" on ");
  vm_label_add(b);
  return vm_label;
}

static void run_mode(uint64_t mode) {
  uint64_t user = mode == MODE_U ? PTE_U : 0;
  vm_reset();
  vm_map_identity(mode == MODE_U);
  for (int p = 0; p < PG_COUNT; p++) {
    /* The wrong-U page has U clear for U-mode and U set for S-mode. */
    uint64_t u = p == PG_WRONG_U ? (user ^ PTE_U) : user;
    vm_map(vm_test_va(p), vm_test_pa(p), PAGE_4K, page_perm[p] | u | PTE_A | PTE_D);
    ((volatile uint64_t *)vm_test_pa(p))[0] = 0x1000;
  }
  vm_set_pte(VA_MIS, 1, vm_pte_value(VM_SCRATCH_PA + PAGE_4K, PTE_R | PTE_W | user | PTE_A | PTE_D));
  vm_enable(0);

  puts_(mode == MODE_U ? "U-mode: " : "S-mode: ");
  puts_("AMOs on RW, R, RX, X, W and wrong-U pages\n");
  for (int p = 0; p < PG_COUNT; p++) {
    for (int a = 0; a < 3; a++) {
      const char *l = make_label(mode, amos[a].name, page_name[p]);
      uint64_t va = vm_test_va(p) + 8 * (uint64_t)a;
      ((volatile uint64_t *)vm_test_pa(p))[a] = 0x1000;
      struct vm_access r = vm_try(mode, amos[a].fn, va);
      if (p == PG_RW) {
        vm_expect_ok(l, r, 0x1000);
        check(l, ((volatile uint64_t *)vm_test_pa(p))[a], a == 0 ? 0x1001 : a == 1 ? 0x77 : 0x1100);
      } else {
        vm_expect_fault(l, r, CAUSE_STORE_PAGE, va);
        check(l, ((volatile uint64_t *)vm_test_pa(p))[a], 0x1000);
      }
    }
  }

  puts_(mode == MODE_U ? "U-mode: " : "S-mode: ");
  puts_("AMOs on unmapped, misaligned and non-canonical addresses\n");
  for (int a = 0; a < 3; a++) {
    vm_expect_fault(make_label(mode, amos[a].name, "unmapped"), vm_try(mode, amos[a].fn, VA_NONE + 16), CAUSE_STORE_PAGE, VA_NONE + 16);
    vm_expect_fault(make_label(mode, amos[a].name, "misaligned megapage"), vm_try(mode, amos[a].fn, VA_MIS + 8), CAUSE_STORE_PAGE, VA_MIS + 8);
    vm_expect_fault(make_label(mode, amos[a].name, "non-canonical"), vm_try(mode, amos[a].fn, VA_NONCANON), CAUSE_STORE_PAGE, VA_NONCANON);
  }

  puts_(mode == MODE_U ? "U-mode: " : "S-mode: ");
  puts_("LR is a load, SC a store\n");
  vm_expect_fault(make_label(mode, "lr.d", "unmapped"), vm_try(mode, lr_d, VA_NONE), CAUSE_LOAD_PAGE, VA_NONE);
  vm_expect_fault(make_label(mode, "lr.d", "X"), vm_try(mode, lr_d, vm_test_va(PG_X)), CAUSE_LOAD_PAGE, vm_test_va(PG_X));
  vm_expect_ok(make_label(mode, "lr.d", "R"), vm_try(mode, lr_d, vm_test_va(PG_R) + 8), ~0UL);
  vm_expect_fault(make_label(mode, "lr.d/sc.d", "R"), vm_try(mode, lr_sc_d, vm_test_va(PG_R) + 16), CAUSE_STORE_PAGE, vm_test_va(PG_R) + 16);
  vm_expect_ok(make_label(mode, "lr.d/sc.d", "RW"), vm_try(mode, lr_sc_d, vm_test_va(PG_RW) + 24), 0);
  vm_disable();
}

int main(void) {
  priv_init();
  run_mode(MODE_S);
  run_mode(MODE_U);
  puts_("S-mode with SUM: AMO on a U page goes through\n");
  vm_reset();
  vm_map_identity(0);
  vm_map(vm_test_va(0), vm_test_pa(0), PAGE_4K, PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
  vm_map(vm_test_va(1), vm_test_pa(1), PAGE_4K, PTE_R | PTE_U | PTE_A | PTE_D);
  vm_enable(0);
  *(volatile uint64_t *)vm_test_pa(0) = 5;
  CSR_SET(mstatus, MSTATUS_SUM);
  vm_expect_ok("S amoadd.d on RW U page with SUM", vm_try(MODE_S, vm_amoadd, vm_test_va(0)), 5);
  vm_expect_fault("S amoadd.d on R U page with SUM", vm_try(MODE_S, vm_amoadd, vm_test_va(1)), CAUSE_STORE_PAGE, vm_test_va(1));
  CSR_CLEAR(mstatus, MSTATUS_SUM);
  check("S amoadd.d with SUM: memory", *(volatile uint64_t *)vm_test_pa(0), 6);
  vm_disable();

  return vm_finish("amo_page_faults");
}
