/* sfence.vma and ASIDs under Sv39 (privileged spec 4.2.1 "Supervisor Memory-Management
   Fence Instruction", 4.1.11 "Supervisor Address Translation and Protection (satp)
   Register", 4.3.1 G bit).

   A hart may go on using a stale translation after a page-table entry changes until an
   sfence.vma covers it, so nothing here looks at what happens before the fence (that is
   implementation-defined). What is required, and checked:

   - After a changed leaf PTE each form makes the new mapping visible for the address
     and address space it names: "sfence.vma zero, zero" (all), "sfence.vma va, zero"
     (the leaf for va, every address space), "sfence.vma zero, asid" (every level, that
     address space), "sfence.vma va, asid". va may be any address the leaf maps (also
     elsewhere in a megapage), and rs2 names an address space even when satp holds
     another one.
   - A changed non-leaf PTE is visible after a fence with rs1 = x0.
   - ASIDs: "address-translation caches ... may contain translations from other address
     spaces, tagged with their ASID", so a plain csrw satp between two address spaces
     with different ASIDs needs no fence, and each sees only its own translations.
   - Global mappings (G = 1) exist in every address space; "sfence.vma va, zero" and
     "sfence.vma zero, zero" make a change to one visible in all of them (rs2 != x0 need
     not order global mappings, so that case is not checked).
   - Instruction fetch: new code on a page needs fence.i; a remapped code page needs
     sfence.vma (and fence.i); the fetch then runs the new code, per address space.

   Everything below the M-mode set-up runs in S-mode, as a kernel would: it writes the
   PTEs (the page tables are reachable through the identity-mapped RAM gigapage), fences
   and accesses the pages. */
#include "priv.h"
#include "vm.h"

#define ASID1 1UL
#define ASID2 2UL
#define VA_P    0x40000000UL   /* a 4 KiB page, different in each address space */
#define VA_CODE 0x40001000UL   /* a code page, likewise */
#define VA_M    0x40200000UL   /* a 2 MiB megapage (address space 1) */
#define VA_T    0x40600000UL   /* a 4 KiB page whose level-0 table is swapped */
#define VA_G    0xc0000000UL   /* a global 4 KiB page, the same table in both roots */

/* Data pages: page k at VM_SCRATCH_PA + k * 4 KiB holds MARK(k) at offset 0. */
#define DATA_PAGE(k) (VM_SCRATCH_PA + (uint64_t)(k) * PAGE_4K)
#define MARK(k) (0xda7a000000000000UL + (uint64_t)(k))
#define NDATA 32
/* Megapages at 4 MiB and 6 MiB into the scratch area, and code pages after the data. */
#define MEGA_PAGE(k) (VM_SCRATCH_PA + (4UL << 20) + (uint64_t)(k) * PAGE_2M)
#define CODE_PAGE(k) (VM_SCRATCH_PA + (1UL << 20) + (uint64_t)(k) * PAGE_4K)

#define DATA_FLAGS (PTE_R | PTE_W | PTE_A | PTE_D)
#define CODE_FLAGS (PTE_X | PTE_A)

static uint64_t *root1, *root2;
static uint64_t satp1, satp2;
static volatile uint64_t *pte1_p, *pte2_p, *pte_m, *pte_g, *pte1_code, *pte2_code, *l1_t;
static uint64_t t0_old, t0_new;  /* pointer PTEs to the two level-0 tables for VA_T */

/* Results that the S-mode code leaves for the checks in M-mode. */
static volatile uint64_t out[16];

static inline void fence_all(void) { asm volatile("sfence.vma zero, zero" ::: "memory"); }
static inline void fence_va(uint64_t va) { asm volatile("sfence.vma %0, zero" :: "r"(va) : "memory"); }
static inline void fence_asid(uint64_t asid) { asm volatile("sfence.vma zero, %0" :: "r"(asid) : "memory"); }
static inline void fence_va_asid(uint64_t va, uint64_t asid) { asm volatile("sfence.vma %0, %1" :: "r"(va), "r"(asid) : "memory"); }
static inline void set_satp(uint64_t v) { asm volatile("csrw satp, %0" :: "r"(v) : "memory"); }
static inline void st(uint64_t va, uint64_t v) { *(volatile uint64_t *)va = v; }
static inline uint64_t ldv(uint64_t va) { return *(volatile uint64_t *)va; }

enum { FORM_ALL, FORM_VA, FORM_ASID, FORM_VA_ASID };
static const char *const form_name[] = {"sfence.vma zero, zero", "sfence.vma va, zero",
                                        "sfence.vma zero, asid", "sfence.vma va, asid"};

static void fence_form(int form, uint64_t va, uint64_t asid) {
  switch (form) {
  case FORM_ALL: fence_all(); break;
  case FORM_VA: fence_va(va); break;
  case FORM_ASID: fence_asid(asid); break;
  default: fence_va_asid(va, asid); break;
  }
}

/* S-mode, address space 1: load and store through VA_P (so that the old translation
   is in use), point VA_P's PTE at data page `arg & 0xff`, fence with form `arg >> 8`
   (va = an address inside the page other than VA_P itself), load and store again. */
static uint64_t s_remap_leaf(uint64_t arg) {
  uint64_t page = arg & 0xff;
  int form = (int)(arg >> 8);
  out[0] = ldv(VA_P);
  st(VA_P + 8, 0x0100 + page);
  *pte1_p = vm_pte_value(DATA_PAGE(page), DATA_FLAGS);
  fence_form(form, VA_P + 0x238, ASID1);
  out[1] = ldv(VA_P);
  st(VA_P + 8, 0x0200 + page);
  return 0;
}

/* S-mode: the same for the megapage at VA_M, fenced by an address 2 MiB - 8 KiB into it. */
static uint64_t s_remap_mega(uint64_t arg) {
  uint64_t mega = arg & 0xff;
  int form = (int)(arg >> 8);
  out[0] = ldv(VA_M + 0x1230);
  st(VA_M + 0x1238, 0x0300 + mega);
  *pte_m = vm_pte_value(MEGA_PAGE(mega), DATA_FLAGS);
  fence_form(form, VA_M + PAGE_2M - 2 * PAGE_4K, ASID1);
  out[1] = ldv(VA_M + 0x1230);
  st(VA_M + 0x1238, 0x0400 + mega);
  return 0;
}

/* S-mode: swap the level-1 PTE above VA_T between its two level-0 tables (a non-leaf
   change), fencing with rs1 = x0 (form 0 or 2). */
static uint64_t s_swap_table(uint64_t form) {
  out[0] = ldv(VA_T);
  *l1_t = (*l1_t == t0_old) ? t0_new : t0_old;
  fence_form((int)form, 0, ASID1);
  out[1] = ldv(VA_T);
  return 0;
}

/* S-mode: switch satp back and forth between the two address spaces with no fence,
   loading and storing through VA_P in each. */
static uint64_t s_switch(uint64_t unused) {
  (void)unused;
  set_satp(satp1);
  out[0] = ldv(VA_P);
  st(VA_P + 16, 0x1111);
  set_satp(satp2);
  out[1] = ldv(VA_P);
  st(VA_P + 16, 0x2222);
  set_satp(satp1);
  out[2] = ldv(VA_P);
  out[3] = ldv(VA_P + 16);
  set_satp(satp2);
  out[4] = ldv(VA_P);
  out[5] = ldv(VA_P + 16);
  set_satp(satp1);
  return 0;
}

/* S-mode: while address space 2 is current, change address space 1's PTE for VA_P
   (to data page `arg & 0xff`) and fence address space 1 only (form 2, or form 3 with
   va); then each address space sees its own mapping. */
static uint64_t s_fence_other(uint64_t arg) {
  uint64_t page = arg & 0xff;
  int form = (int)(arg >> 8);
  set_satp(satp1);
  out[0] = ldv(VA_P);
  set_satp(satp2);
  out[1] = ldv(VA_P);
  *pte1_p = vm_pte_value(DATA_PAGE(page), DATA_FLAGS);
  fence_form(form, VA_P, ASID1);
  out[2] = ldv(VA_P);          /* address space 2: unchanged */
  set_satp(satp1);
  out[3] = ldv(VA_P);          /* address space 1: the new page */
  set_satp(satp2);
  out[4] = ldv(VA_P);
  set_satp(satp1);
  return 0;
}

/* S-mode: the global page seen from both address spaces, then changed (to data page
   `arg & 0xff`) and fenced with form `arg >> 8` (0 or 1) from address space 2. */
static uint64_t s_global(uint64_t arg) {
  uint64_t page = arg & 0xff;
  int form = (int)(arg >> 8);
  set_satp(satp1);
  out[0] = ldv(VA_G);
  set_satp(satp2);
  out[1] = ldv(VA_G);
  *pte_g = vm_pte_value(DATA_PAGE(page), DATA_FLAGS | PTE_G);
  fence_form(form, VA_G + 0x10, 0);
  out[2] = ldv(VA_G);
  set_satp(satp1);
  out[3] = ldv(VA_G);
  st(VA_G + 8, 0x6000 + page);
  set_satp(satp2);
  out[4] = ldv(VA_G + 8);
  set_satp(satp1);
  return 0;
}

/* S-mode instruction fetches through VA_CODE. Code page k holds "li a0, 100 + k; ret";
   new code written to page 0 says 200. */
static uint64_t s_fetch(uint64_t unused) {
  (void)unused;
  set_satp(satp1);
  out[0] = vm_call(VA_CODE);                           /* code page 0 */
  vm_put_li_ret(CODE_PAGE(0), 200);                    /* new code, same page (and fence.i) */
  out[1] = vm_call(VA_CODE);
  *pte1_code = vm_pte_value(CODE_PAGE(1), CODE_FLAGS); /* remapped */
  fence_va(VA_CODE + 0x40);
  asm volatile("fence.i" ::: "memory");
  out[2] = vm_call(VA_CODE);
  *pte1_code = vm_pte_value(CODE_PAGE(2), CODE_FLAGS);
  fence_asid(ASID1);
  asm volatile("fence.i" ::: "memory");
  out[3] = vm_call(VA_CODE);
  *pte1_code = vm_pte_value(CODE_PAGE(3), CODE_FLAGS);
  fence_va_asid(VA_CODE, ASID1);
  asm volatile("fence.i" ::: "memory");
  out[4] = vm_call(VA_CODE);
  set_satp(satp2);                                     /* address space 2: code page 4 */
  out[5] = vm_call(VA_CODE);
  set_satp(satp1);
  out[6] = vm_call(VA_CODE);
  *pte1_code = vm_pte_value(CODE_PAGE(5), CODE_FLAGS);
  fence_all();
  asm volatile("fence.i" ::: "memory");
  out[7] = vm_call(VA_CODE);
  set_satp(satp2);
  out[8] = vm_call(VA_CODE);
  set_satp(satp1);
  return 0;
}

static void run_s(uint64_t (*fn)(uint64_t), uint64_t arg) {
  trap_reset();
  priv_run(MODE_S, fn, arg);
  check("no trap", trap_count, 0);
}

static uint64_t cur_page = 1;   /* data page VA_P of address space 1 maps now */

int main(void) {
  priv_init();
  for (int k = 0; k < NDATA; k++) {
    *(volatile uint64_t *)DATA_PAGE(k) = MARK(k);
    *(volatile uint64_t *)(DATA_PAGE(k) + 8) = 0;
  }
  for (int k = 0; k < 2; k++) *(volatile uint64_t *)(MEGA_PAGE(k) + 0x1230) = MARK(100 + k);
  for (int k = 0; k < 6; k++) vm_put_li_ret(CODE_PAGE(k), 100 + k);

  /* Address space 1. */
  vm_reset();
  vm_map_identity(0);
  pte1_p = vm_map(VA_P, DATA_PAGE(1), PAGE_4K, DATA_FLAGS);
  pte1_code = vm_map(VA_CODE, CODE_PAGE(0), PAGE_4K, CODE_FLAGS);
  pte_m = vm_map(VA_M, MEGA_PAGE(0), PAGE_2M, DATA_FLAGS);
  vm_map(VA_T, DATA_PAGE(20), PAGE_4K, DATA_FLAGS);
  l1_t = vm_slot(VA_T, 1);
  t0_old = *l1_t;
  pte_g = vm_map(VA_G, DATA_PAGE(10), PAGE_4K, DATA_FLAGS | PTE_G);
  root1 = vm_root;
  {
    /* A second level-0 table for VA_T's 2 MiB region, mapping VA_T to page 21. */
    uint64_t *t0 = vm_new_table();
    t0[vm_vpn(VA_T, 0)] = vm_pte_value(DATA_PAGE(21), DATA_FLAGS);
    t0_new = vm_pointer_pte(t0);
  }
  /* Address space 2: its own VA_P and VA_CODE; the global page's tables shared. */
  vm_root = vm_new_table();
  vm_map_identity(0);
  pte2_p = vm_map(VA_P, DATA_PAGE(2), PAGE_4K, DATA_FLAGS);
  pte2_code = vm_map(VA_CODE, CODE_PAGE(4), PAGE_4K, CODE_FLAGS);
  root2 = vm_root;
  root2[vm_vpn(VA_G, 2)] = root1[vm_vpn(VA_G, 2)];
  /* Address space 1 maps VA_P to page 1, address space 2 to page 2. Fresh pages for
     the remaps below: 3 onwards. */
  satp1 = SATP(SATP_MODE_SV39, ASID1, (uint64_t)root1);
  satp2 = SATP(SATP_MODE_SV39, ASID2, (uint64_t)root2);
  CSR_WRITE(satp, satp1);
  vm_sfence();

  puts_("a changed leaf PTE is visible after each sfence.vma form\n");
  uint64_t next = 3;
  for (int form = 0; form < 4; form++) {
    uint64_t page = next++;
    run_s(s_remap_leaf, (uint64_t)form << 8 | page);
    check(form_name[form], out[0], MARK(cur_page));
    check(form_name[form], out[1], MARK(page));
    check(form_name[form], *(volatile uint64_t *)(DATA_PAGE(cur_page) + 8), 0x0100 + page);
    check(form_name[form], *(volatile uint64_t *)(DATA_PAGE(page) + 8), 0x0200 + page);
    cur_page = page;
  }

  puts_("a megapage is fenced by any address inside it\n");
  run_s(s_remap_mega, (uint64_t)FORM_VA << 8 | 1);
  check("megapage, sfence.vma va, zero", out[0], MARK(100));
  check("megapage, sfence.vma va, zero", out[1], MARK(101));
  check("megapage store", *(volatile uint64_t *)(MEGA_PAGE(0) + 0x1238), 0x0301);
  check("megapage store", *(volatile uint64_t *)(MEGA_PAGE(1) + 0x1238), 0x0401);
  run_s(s_remap_mega, (uint64_t)FORM_VA_ASID << 8 | 0);
  check("megapage, sfence.vma va, asid", out[0], MARK(101));
  check("megapage, sfence.vma va, asid", out[1], MARK(100));

  puts_("a changed non-leaf PTE is visible after sfence.vma with rs1 = x0\n");
  run_s(s_swap_table, FORM_ALL);
  check("table swap, sfence.vma zero, zero", out[0], MARK(20));
  check("table swap, sfence.vma zero, zero", out[1], MARK(21));
  run_s(s_swap_table, FORM_ASID);
  check("table swap, sfence.vma zero, asid", out[0], MARK(21));
  check("table swap, sfence.vma zero, asid", out[1], MARK(20));

  puts_("csrw satp between two ASIDs: each sees its own mapping\n");
  run_s(s_switch, 0);
  check("ASID 1 load", out[0], MARK(cur_page));
  check("ASID 2 load", out[1], MARK(2));
  check("ASID 1 load again", out[2], MARK(cur_page));
  check("ASID 1 sees its store", out[3], 0x1111);
  check("ASID 2 load again", out[4], MARK(2));
  check("ASID 2 sees its store", out[5], 0x2222);
  check("ASID 1 store reached its page", *(volatile uint64_t *)(DATA_PAGE(cur_page) + 16), 0x1111);
  check("ASID 2 store reached its page", *(volatile uint64_t *)(DATA_PAGE(2) + 16), 0x2222);

  puts_("sfence.vma names an address space other than the current one\n");
  for (int form = FORM_ASID; form <= FORM_VA_ASID; form++) {
    uint64_t page = next++;
    run_s(s_fence_other, (uint64_t)form << 8 | page);
    check(form_name[form], out[0], MARK(cur_page));
    check(form_name[form], out[1], MARK(2));
    check(form_name[form], out[2], MARK(2));
    check(form_name[form], out[3], MARK(page));
    check(form_name[form], out[4], MARK(2));
    cur_page = page;
  }

  puts_("a global mapping is shared and fenced for all address spaces\n");
  uint64_t gpage = 10;
  for (int form = FORM_ALL; form <= FORM_VA; form++) {
    uint64_t page = next++;
    run_s(s_global, (uint64_t)form << 8 | page);
    check(form_name[form], out[0], MARK(gpage));
    check(form_name[form], out[1], MARK(gpage));
    check(form_name[form], out[2], MARK(page));
    check(form_name[form], out[3], MARK(page));
    check(form_name[form], out[4], 0x6000 + page);
    gpage = page;
  }

  puts_("instruction fetch: new code and remapped code pages\n");
  run_s(s_fetch, 0);
  check("fetch code page 0", out[0], 100);
  check("new code after fence.i", out[1], 200);
  check("remap, sfence.vma va, zero", out[2], 101);
  check("remap, sfence.vma zero, asid", out[3], 102);
  check("remap, sfence.vma va, asid", out[4], 103);
  check("ASID 2 fetches its own page", out[5], 104);
  check("ASID 1 again", out[6], 103);
  check("remap, sfence.vma zero, zero", out[7], 105);
  check("ASID 2 unchanged", out[8], 104);

  vm_disable();
  return vm_finish("sfence_asid");
}
