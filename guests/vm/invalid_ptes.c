/* Invalid page-table entries and non-canonical addresses under Sv39 (privileged spec
   4.3.2, 4.4.1):

   - Step 3: "If pte.v = 0, or if pte.r = 0 and pte.w = 1, or if any bits or
     encodings that are reserved for future standard use are set within pte, stop
     and raise a page-fault exception corresponding to the original access type."
     So V = 0 at any level (root, level 1, leaf) faults, and so does a PTE with any of
     bits 63..54 set ("Bits 63-54 are reserved for future standard use and, until
     their use is defined by some standard extension, must be zeroed by software";
     Pagoda implements neither Svnapot nor Svpbmt), leaf or not. The reserved
     encodings R = 0, W = 1 fault in a megapage or gigapage leaf as in a 4 KiB one.
   - 4.3.1: "For non-leaf PTEs, the D, A, and U bits are reserved for future standard
     use": a pointer (level 1 or root) with A, D or U set faults by step 3.
   - Step 4: "Otherwise, this PTE is a pointer to the next level of the page table.
     Let i = i - 1. If i < 0, stop and raise a page-fault exception": a pointer
     (R = W = X = 0) in a level-0 table faults.
   - The RSW bits (9..8) are for supervisor software and ignored, and G is allowed in
     a pointer: such PTEs translate normally (the control cases).
   - 4.4.1: "Instruction fetch addresses and load and store effective addresses,
     which are 64 bits, must have bits 63-39 all equal to bit 38, or else a
     page-fault exception will occur": 0x0000_0080_0000_0000, 0xffff_ff7f_ffff_f000,
     and addresses whose low 39 bits do map a page but whose high bits are not the
     sign extension, fault; the high canonical address 0xffff_ffc0_0000_0000 walks
     through root entry 256 and 0xffff_ffff_ffff_f000 through root entry 511.

   Every case is tried with a load, a store and a fetch; a fault must be the page
   fault of the access type (13, 15, 12) with tval = the virtual address, and a store
   that faults writes nothing. */
#include "priv.h"
#include "vm.h"

#define PA_PAGE VM_SCRATCH_PA          /* the page every case maps: code at +0 */
#define LEAF (PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

/* check() with the label "<name> <access>: <what>", built only when the check fails
   (passing checks print nothing). */
static void check_case(const char *name, const char *access, const char *what, uint64_t got, uint64_t want) {
  if (got != want) {
    vm_label_start();
    vm_label_add(name);
    vm_label_add(" ");
    vm_label_add(access);
    vm_label_add(": ");
    vm_label_add(what);
  }
  check(vm_label, got, want);
}

/* Tries a load at va + 16, a store at va + 8 and a fetch at va in S-mode; all three
   either go through or raise their page fault. */
static void try_three(const char *name, uint64_t va, int ok) {
  volatile uint64_t *word = (volatile uint64_t *)(PA_PAGE + 8);
  *(volatile uint64_t *)(PA_PAGE + 16) = 0x0f1e2d3c4b5a6978UL;
  *word = 0;
  struct vm_access r = vm_try(MODE_S, vm_ld, va + 16);
  check_case(name, "load", "trapped", r.trapped, ok ? 0 : 1);
  if (ok) check_case(name, "load", "value", r.value, 0x0f1e2d3c4b5a6978UL);
  else {
    check_case(name, "load", "cause", r.cause, CAUSE_LOAD_PAGE);
    check_case(name, "load", "tval", r.tval, va + 16);
  }
  r = vm_try(MODE_S, vm_sd, va + 8);
  check_case(name, "store", "trapped", r.trapped, ok ? 0 : 1);
  if (!ok) {
    check_case(name, "store", "cause", r.cause, CAUSE_STORE_PAGE);
    check_case(name, "store", "tval", r.tval, va + 8);
  }
  check_case(name, "store", "memory", *word, ok ? vm_sd_value : 0);
  r = vm_try(MODE_S, vm_call, va);
  check_case(name, "fetch", "trapped", r.trapped, ok ? 0 : 1);
  if (ok) check_case(name, "fetch", "value", r.value, 42);
  else {
    check_case(name, "fetch", "cause", r.cause, CAUSE_FETCH_PAGE);
    check_case(name, "fetch", "tval", r.tval, va);
  }
}

/* The level-1 table slot for va (creating the tables above it). */
static uint64_t *slot1(uint64_t va) { return vm_slot(va, 1); }

/* VAs of the cases: each in a 2 MiB region of its own, or a root entry of its own. */
#define VA_LEAF_V0    0x40000000UL      /* leaf with V = 0 */
#define VA_MID_V0     0x40200000UL      /* level-1 pointer with V = 0 */
#define VA_ROOT_V0    0x100000000UL     /* root pointer with V = 0 (root entry 4) */
#define VA_L0_POINTER 0x40400000UL      /* a pointer in the level-0 table */
#define VA_LEAF_RSV   0x40600000UL      /* 10 pages: leaf with bit 54 + k set */
#define VA_MID_RSV    0x40800000UL      /* level-1 pointers with bit 54, 61, 62, 63 set: 4 x 2 MiB */
#define VA_ROOT_RSV54 0x140000000UL     /* root pointer with bit 54 set (root entry 5) */
#define VA_ROOT_RSV63 0x180000000UL     /* root pointer with bit 63 set (root entry 6) */
#define VA_RSW_LEAF   0x41000000UL      /* controls: RSW in a leaf */
#define VA_RSW_MID    0x41200000UL      /*           RSW and G in a level-1 pointer */
#define VA_GOOD       0x41400000UL      /*           a plain leaf */
#define VA_MEGA_W     0x41600000UL      /* level-1 leaf with R = 0, W = 1 */
#define VA_MEGA_WX    0x41800000UL      /* level-1 leaf with R = 0, W = 1, X = 1 */
#define VA_GIGA_W     0x1c0000000UL     /* level-2 leaf with R = 0, W = 1 (root entry 7) */
#define VA_MID_ADU    0x41a00000UL      /* level-1 pointers with U, A, D set: 3 x 2 MiB */
#define VA_ROOT_ADU   0x200000000UL     /* root pointers with U, A, D set (root entries 8-10) */
#define VA_HIGH       0xffffffc000000000UL  /* root entry 256 */
#define VA_TOP        0xfffffffffffff000UL  /* root entry 511, last page */

int main(void) {
  priv_init();
  vm_reset();
  vm_map_identity(0);
  vm_put_code(PA_PAGE);

  /* Each case is first mapped normally, then the PTE under test is broken. */
  uint64_t *p;
  p = vm_map(VA_LEAF_V0, PA_PAGE, PAGE_4K, LEAF);
  *p &= ~PTE_V;
  vm_map(VA_MID_V0, PA_PAGE, PAGE_4K, LEAF);
  *slot1(VA_MID_V0) &= ~PTE_V;
  vm_map(VA_ROOT_V0, PA_PAGE, PAGE_4K, LEAF);
  vm_root[vm_vpn(VA_ROOT_V0, 2)] &= ~PTE_V;
  /* A level-0 PTE pointing to a table whose entry for the VA would map the page. */
  uint64_t *extra = vm_new_table();
  extra[vm_vpn(VA_L0_POINTER, 0)] = vm_pte_value(PA_PAGE, LEAF);
  for (int i = 0; i < 512; i++) if (!extra[i]) extra[i] = vm_pte_value(PA_PAGE, LEAF);
  vm_set_pte(VA_L0_POINTER, 0, vm_pointer_pte(extra));
  for (int k = 0; k < 10; k++)
    vm_map(VA_LEAF_RSV + (uint64_t)k * PAGE_4K, PA_PAGE, PAGE_4K, LEAF | (1UL << (PTE_RESERVED_SHIFT + k)));
  static const int mid_bits[4] = {54, 61, 62, 63};
  for (int k = 0; k < 4; k++) {
    uint64_t va = VA_MID_RSV + (uint64_t)k * PAGE_2M;
    vm_map(va, PA_PAGE, PAGE_4K, LEAF);
    *slot1(va) |= 1UL << mid_bits[k];
  }
  vm_map(VA_ROOT_RSV54, PA_PAGE, PAGE_4K, LEAF);
  vm_root[vm_vpn(VA_ROOT_RSV54, 2)] |= 1UL << 54;
  vm_map(VA_ROOT_RSV63, PA_PAGE, PAGE_4K, LEAF);
  vm_root[vm_vpn(VA_ROOT_RSV63, 2)] |= 1UL << 63;
  vm_map(VA_RSW_LEAF, PA_PAGE, PAGE_4K, LEAF | (3UL << 8));
  vm_map(VA_RSW_MID, PA_PAGE, PAGE_4K, LEAF);
  *slot1(VA_RSW_MID) |= (3UL << 8) | PTE_G;
  vm_map(VA_GOOD, PA_PAGE, PAGE_4K, LEAF);
  vm_map(VA_MEGA_W, PA_PAGE, PAGE_2M, PTE_W | PTE_A | PTE_D);
  vm_map(VA_MEGA_WX, PA_PAGE, PAGE_2M, PTE_W | PTE_X | PTE_A | PTE_D);
  vm_map(VA_GIGA_W, 0x80000000UL, PAGE_1G, PTE_W | PTE_A | PTE_D);
  static const uint64_t pointer_bits[3] = {PTE_U, PTE_A, PTE_D};
  for (int i = 0; i < 3; i++) {
    vm_map(VA_MID_ADU + i * PAGE_2M, PA_PAGE, PAGE_4K, LEAF);
    *slot1(VA_MID_ADU + i * PAGE_2M) |= pointer_bits[i];
    vm_map(VA_ROOT_ADU + i * PAGE_1G, PA_PAGE, PAGE_4K, LEAF);
    vm_root[vm_vpn(VA_ROOT_ADU + i * PAGE_1G, 2)] |= pointer_bits[i];
  }
  vm_map(VA_HIGH, PA_PAGE, PAGE_4K, LEAF);
  vm_map(VA_TOP, PA_PAGE, PAGE_4K, LEAF);
  vm_enable(0);

  puts_("controls: valid PTEs, RSW and G ignored\n");
  try_three("plain leaf", VA_GOOD, 1);
  try_three("RSW in leaf", VA_RSW_LEAF, 1);
  try_three("RSW and G in level-1 pointer", VA_RSW_MID, 1);

  puts_("V = 0 at each level\n");
  try_three("leaf V=0", VA_LEAF_V0, 0);
  try_three("level-1 pointer V=0", VA_MID_V0, 0);
  try_three("root pointer V=0", VA_ROOT_V0, 0);

  puts_("A, D or U in a pointer\n");
  try_three("level-1 pointer U", VA_MID_ADU, 0);
  try_three("level-1 pointer A", VA_MID_ADU + PAGE_2M, 0);
  try_three("level-1 pointer D", VA_MID_ADU + 2 * PAGE_2M, 0);
  try_three("root pointer U", VA_ROOT_ADU, 0);
  try_three("root pointer A", VA_ROOT_ADU + PAGE_1G, 0);
  try_three("root pointer D", VA_ROOT_ADU + 2 * PAGE_1G, 0);

  puts_("a pointer at level 0\n");
  try_three("level-0 pointer", VA_L0_POINTER, 0);

  puts_("reserved encodings R = 0, W = 1 in superpage leaves\n");
  try_three("megapage W", VA_MEGA_W, 0);
  try_three("megapage WX", VA_MEGA_WX, 0);
  try_three("gigapage W", VA_GIGA_W + (PA_PAGE - 0x80000000UL), 0);

  puts_("reserved bits 63..54 in a leaf\n");
  static const char *const leaf_names[10] = {
    "leaf bit 54", "leaf bit 55", "leaf bit 56", "leaf bit 57", "leaf bit 58",
    "leaf bit 59", "leaf bit 60", "leaf bit 61", "leaf bit 62", "leaf bit 63"};
  for (int k = 0; k < 10; k++) try_three(leaf_names[k], VA_LEAF_RSV + (uint64_t)k * PAGE_4K, 0);

  puts_("reserved bits 63..54 in a pointer\n");
  static const char *const mid_names[4] = {
    "level-1 pointer bit 54", "level-1 pointer bit 61", "level-1 pointer bit 62", "level-1 pointer bit 63"};
  for (int k = 0; k < 4; k++) try_three(mid_names[k], VA_MID_RSV + (uint64_t)k * PAGE_2M, 0);
  try_three("root pointer bit 54", VA_ROOT_RSV54, 0);
  try_three("root pointer bit 63", VA_ROOT_RSV63, 0);

  puts_("non-canonical addresses\n");
  try_three("0x0000008000000000", 0x0000008000000000UL, 0);
  try_three("0xffffff7ffffff000", 0xffffff7ffffff000UL, 0);
  try_three("bit 39 set over a mapped page", VA_GOOD | (1UL << 39), 0);
  try_three("bit 63 set over a mapped page", VA_GOOD | (1UL << 63), 0);
  try_three("bits 63..39 set, bit 38 clear, over a mapped page", VA_GOOD | 0xffffff8000000000UL, 0);
  try_three("high page without bit 39", VA_HIGH & ~(1UL << 39), 0);

  puts_("high canonical addresses\n");
  try_three("0xffffffc000000000 (root entry 256)", VA_HIGH, 1);
  try_three("0xfffffffffffff000 (root entry 511)", VA_TOP, 1);
  check_case("root entry 256", "-", "is a pointer", (vm_root[256] & PTE_V) && !(vm_root[256] & (PTE_R | PTE_W | PTE_X)), 1);
  vm_disable();

  return vm_finish("invalid_ptes");
}
