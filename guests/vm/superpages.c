/* Sv39 superpages (privileged spec 4.4.1 and 4.3.2): "Any level of PTE may be a leaf
   PTE, so in addition to 4 KiB pages, Sv39 supports 2 MiB megapages and 1 GiB
   gigapages, each of which must be virtually and physically aligned to a boundary
   equal to its size. A page-fault exception is raised if the physical address is
   insufficiently aligned."

   Translation algorithm, step 6: "If i > 0 and pte.ppn[i-1:0] != 0, this is a
   misaligned superpage; stop and raise a page-fault exception corresponding to the
   original access type." Step 8: for a superpage "pa.ppn[i-1:0] = va.vpn[i-1:0]",
   so the low 21 (megapage) or 30 (gigapage) bits of the virtual address pass through
   unchanged.

   Checked here: loads, stores and fetches at several offsets of a 2 MiB page and of
   a 1 GiB page (VA 0x1_0000_0000 onto RAM at PA 0x8000_0000, read back through the
   program's own data), including the last byte of the megapage and of RAM; the
   gigapage's last byte translates to PA 0xbfff_ffff, where the virt board has no
   memory: the translation succeeds and the physical access raises an access fault
   (load 5, store 7; 3.6 "Physical Memory Attributes"), not a page fault; and that
   a level-1 leaf with PPN[0] != 0 and a level-2 leaf with PPN[1] != 0 or PPN[0] != 0
   raise the page fault of the access type with tval = the virtual address. */
#include "priv.h"
#include "vm.h"

#define VA_MEGA  0x40200000UL              /* 2 MiB page onto VM_SCRATCH_PA */
#define VA_GIGA  0x100000000UL             /* 1 GiB page onto 0x80000000 */
#define PA_GIGA  0x80000000UL
#define RAM_LAST 0x87ffffffUL              /* last byte of the 128 MiB of RAM */
#define VA_MIS1  0x40600000UL              /* level-1 leaf with PPN[0] = 1 */
#define VA_MIS2A 0x140000000UL             /* level-2 leaf with PPN[1] = 1 */
#define VA_MIS2B 0x180000000UL             /* level-2 leaf with PPN[0] = 1 */
#define CODE_OFF 0x1ff000UL                /* code in the megapage's last 4 KiB page */

static volatile uint64_t marker = 0x0123456789abcdefUL;
static volatile uint64_t target;

/* The gigapage's virtual address for a physical address in RAM. */
static uint64_t giga_va(uint64_t pa) { return VA_GIGA + (pa - PA_GIGA); }

int main(void) {
  priv_init();
  vm_reset();
  vm_map_identity(0);
  uint64_t rwx = PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
  vm_map(VA_MEGA, VM_SCRATCH_PA, PAGE_2M, rwx);
  vm_map(VA_GIGA, PA_GIGA, PAGE_1G, rwx);
  vm_set_pte(VA_MIS1, 1, vm_pte_value(VM_SCRATCH_PA + PAGE_4K, rwx));
  vm_set_pte(VA_MIS2A, 2, vm_pte_value(PA_GIGA + PAGE_2M, rwx));
  vm_set_pte(VA_MIS2B, 2, vm_pte_value(PA_GIGA + PAGE_4K, rwx));

  volatile uint64_t *mega = (volatile uint64_t *)VM_SCRATCH_PA;
  mega[0] = 0x1111111111111111UL;
  mega[0x1000 / 8] = 0x2222222222222222UL;
  mega[0x123450 / 8] = 0x3333333333333333UL;
  mega[(PAGE_2M - 8) / 8] = 0x44444444444444a5UL;
  *(volatile uint8_t *)(VM_SCRATCH_PA + PAGE_2M) = 0x77;  /* just past the megapage */
  vm_put_code(VM_SCRATCH_PA + CODE_OFF);
  *(volatile uint8_t *)RAM_LAST = 0x5c;
  vm_enable(0);

  puts_("2 MiB page: offsets within it\n");
  vm_expect_ok("mega ld +0", vm_try(MODE_S, vm_ld, VA_MEGA), 0x1111111111111111UL);
  vm_expect_ok("mega ld +0x1000", vm_try(MODE_S, vm_ld, VA_MEGA + 0x1000), 0x2222222222222222UL);
  vm_expect_ok("mega ld +0x123450", vm_try(MODE_S, vm_ld, VA_MEGA + 0x123450), 0x3333333333333333UL);
  vm_expect_ok("mega ld last dword", vm_try(MODE_S, vm_ld, VA_MEGA + PAGE_2M - 8), 0x44444444444444a5UL);
  vm_expect_ok("mega lbu last byte", vm_try(MODE_S, vm_lbu, VA_MEGA + PAGE_2M - 1), 0x44);
  vm_expect_ok("mega lbu last dword low byte", vm_try(MODE_S, vm_lbu, VA_MEGA + PAGE_2M - 8), 0xa5);
  vm_expect_ok("mega sd +0x1abcd8", vm_try(MODE_S, vm_sd, VA_MEGA + 0x1abcd8), ~0UL);
  check("mega sd reached PA +0x1abcd8", *(volatile uint64_t *)(VM_SCRATCH_PA + 0x1abcd8), vm_sd_value);
  vm_expect_ok("mega fetch +0x1ff000", vm_try(MODE_S, vm_call, VA_MEGA + CODE_OFF), 42);
  vm_expect_fault("mega: the byte just past it is unmapped", vm_try(MODE_S, vm_lbu, VA_MEGA + PAGE_2M), CAUSE_LOAD_PAGE, VA_MEGA + PAGE_2M);

  puts_("1 GiB page: the program's own data through VA 0x100000000\n");
  vm_expect_ok("giga ld marker", vm_try(MODE_S, vm_ld, giga_va((uint64_t)&marker)), 0x0123456789abcdefUL);
  target = 0;
  vm_expect_ok("giga sd target", vm_try(MODE_S, vm_sd, giga_va((uint64_t)&target)), ~0UL);
  check("giga sd reached target", target, vm_sd_value);
  vm_expect_ok("giga ld scratch +0x1000", vm_try(MODE_S, vm_ld, giga_va(VM_SCRATCH_PA + 0x1000)), 0x2222222222222222UL);
  vm_expect_ok("giga fetch", vm_try(MODE_S, vm_call, giga_va(VM_SCRATCH_PA + CODE_OFF)), 42);
  vm_expect_ok("giga lbu last byte of RAM", vm_try(MODE_S, vm_lbu, giga_va(RAM_LAST)), 0x5c);
  vm_expect_fault("giga lbu last byte (PA 0xbfffffff, no memory): access fault", vm_try(MODE_S, vm_lbu, VA_GIGA + PAGE_1G - 1),
                  CAUSE_LOAD_ACCESS, VA_GIGA + PAGE_1G - 1);
  vm_expect_fault("giga sd last dword (no memory): access fault", vm_try(MODE_S, vm_sd, VA_GIGA + PAGE_1G - 8),
                  CAUSE_STORE_ACCESS, VA_GIGA + PAGE_1G - 8);
  vm_expect_ok("S ld marker through the identity gigapage", vm_try(MODE_S, vm_ld, (uint64_t)&marker), 0x0123456789abcdefUL);

  puts_("misaligned megapage (level 1, PPN[0] = 1)\n");
  vm_expect_fault("mis1 ld", vm_try(MODE_S, vm_ld, VA_MIS1 + 0x18), CAUSE_LOAD_PAGE, VA_MIS1 + 0x18);
  vm_expect_fault("mis1 lbu last byte", vm_try(MODE_S, vm_lbu, VA_MIS1 + PAGE_2M - 1), CAUSE_LOAD_PAGE, VA_MIS1 + PAGE_2M - 1);
  vm_expect_fault("mis1 sd", vm_try(MODE_S, vm_sd, VA_MIS1 + 0x20), CAUSE_STORE_PAGE, VA_MIS1 + 0x20);
  vm_expect_fault("mis1 fetch", vm_try(MODE_S, vm_call, VA_MIS1 + CODE_OFF), CAUSE_FETCH_PAGE, VA_MIS1 + CODE_OFF);
  check("mis1 sd wrote nothing", mega[0x1020 / 8] | mega[0x20 / 8], 0);

  puts_("misaligned gigapage (level 2, PPN[1] = 1)\n");
  vm_expect_fault("mis2a ld", vm_try(MODE_S, vm_ld, VA_MIS2A + 0x1000), CAUSE_LOAD_PAGE, VA_MIS2A + 0x1000);
  vm_expect_fault("mis2a sd", vm_try(MODE_S, vm_sd, VA_MIS2A + 0x3ff8), CAUSE_STORE_PAGE, VA_MIS2A + 0x3ff8);
  vm_expect_fault("mis2a fetch", vm_try(MODE_S, vm_call, VA_MIS2A + (VM_SCRATCH_PA - PA_GIGA)), CAUSE_FETCH_PAGE,
                  VA_MIS2A + (VM_SCRATCH_PA - PA_GIGA));

  puts_("misaligned gigapage (level 2, PPN[0] = 1)\n");
  vm_expect_fault("mis2b ld", vm_try(MODE_S, vm_ld, VA_MIS2B + 8), CAUSE_LOAD_PAGE, VA_MIS2B + 8);
  vm_expect_fault("mis2b sd", vm_try(MODE_S, vm_sd, VA_MIS2B + 0x2000), CAUSE_STORE_PAGE, VA_MIS2B + 0x2000);
  vm_expect_fault("mis2b fetch", vm_try(MODE_S, vm_call, VA_MIS2B + (VM_SCRATCH_PA - PA_GIGA) + CODE_OFF), CAUSE_FETCH_PAGE,
                  VA_MIS2B + (VM_SCRATCH_PA - PA_GIGA) + CODE_OFF);

  puts_("U-mode through a user megapage\n");
  vm_disable();
  vm_reset();
  vm_map_identity(1);
  vm_map(VA_MEGA, VM_SCRATCH_PA, PAGE_2M, rwx | PTE_U);
  vm_set_pte(VA_MIS1, 1, vm_pte_value(VM_SCRATCH_PA + PAGE_4K, rwx | PTE_U));
  vm_enable(0);
  vm_expect_ok("U mega ld +0x123450", vm_try(MODE_U, vm_ld, VA_MEGA + 0x123450), 0x3333333333333333UL);
  vm_expect_ok("U mega fetch", vm_try(MODE_U, vm_call, VA_MEGA + CODE_OFF), 42);
  vm_expect_fault("U mis1 ld", vm_try(MODE_U, vm_ld, VA_MIS1), CAUSE_LOAD_PAGE, VA_MIS1);
  vm_expect_fault("U mis1 sd", vm_try(MODE_U, vm_sd, VA_MIS1 + 8), CAUSE_STORE_PAGE, VA_MIS1 + 8);
  vm_expect_fault("U mis1 fetch", vm_try(MODE_U, vm_call, VA_MIS1 + CODE_OFF), CAUSE_FETCH_PAGE, VA_MIS1 + CODE_OFF);
  vm_disable();

  return vm_finish("superpages");
}
