// QEMU-SKIP: the translation modes an implementation supports differ: QEMU 7.2's virt CPU accepts Sv48 and Sv57 (9, 10) and not Pagoda's base/limit (14)
/* satp as a WARL register on Pagoda (privileged spec 4.1.11 "Supervisor Address
   Translation and Protection (satp) Register"): "If satp is written with an
   unsupported MODE, the entire write has no effect; no fields in satp are modified."
   Which modes are supported is the implementation's choice: Pagoda implements Bare,
   Sv39 and, in the MODE value the spec reserves for custom use, 14 for its base/limit
   relocation (README), and not Sv48 (9) or Sv57 (10). So:

   - writes of MODE = 9 or 10, from M- or S-mode, leave satp unchanged, and S-mode goes
     on translating with the old Sv39 tables;
   - MODE = 14 is written with its other fields (then reset to Bare);
   - the ASID field is 16 bits wide (ASIDLEN = 16: "The number of ASID bits is
     UNSPECIFIED and may be zero ... determined by writing one to every bit position
     in the ASID field, then reading back"), and the PPN field holds all 44 bits.
   The reserved modes that no implementation may accept are in vm/tvm.c. */
#include "priv.h"
#include "vm.h"

#define VA_DATA 0x40000000UL
#define PA_DATA VM_SCRATCH_PA
#define MARK 0x5a7b000000000042UL

int main(void) {
  priv_init();
  *(volatile uint64_t *)PA_DATA = MARK;
  vm_reset();
  vm_map_identity(0);
  vm_map(VA_DATA, PA_DATA, PAGE_4K, PTE_R | PTE_W | PTE_A | PTE_D);
  uint64_t root = (uint64_t)vm_root;
  uint64_t sv39 = SATP(SATP_MODE_SV39, 6, root);

  puts_("Sv48 and Sv57 are not supported: the write has no effect\n");
  static const uint64_t modes[] = {9, 10};
  for (int i = 0; i < 2; i++) {
    vm_expect_satp_write_ignored(SATP(modes[i], 6, root), sv39);
    vm_expect_ok("S still translates with Sv39", vm_try(MODE_S, vm_ld, VA_DATA), MARK);
  }

  puts_("MODE = 14 (base/limit) is supported\n");
  {
    uint64_t v = (SATP_MODE_BASE_LIMIT << 60) | (0x1234UL << 44) | 0x80123UL;
    CSR_WRITE(satp, v);
    check("M write", CSR_READ(satp), v);
    CSR_WRITE(satp, 0);
    check("back to Bare", CSR_READ(satp), 0);
  }

  puts_("ASID: 16 bits; PPN: 44 bits\n");
  CSR_WRITE(satp, (SATP_MODE_SV39 << 60) | (0xffffUL << 44) | (root >> 12));
  check("ASID all ones", (CSR_READ(satp) >> 44) & 0xffff, 0xffff);
  CSR_WRITE(satp, (SATP_MODE_SV39 << 60) | ((1UL << 44) - 1));
  check("PPN all ones", CSR_READ(satp), (SATP_MODE_SV39 << 60) | ((1UL << 44) - 1));
  CSR_WRITE(satp, sv39);
  vm_sfence();
  vm_expect_ok("S translates with the written satp", vm_try(MODE_S, vm_ld, VA_DATA), MARK);
  vm_disable();
  return vm_finish("satp_warl");
}
