/* Base/limit relocation (Pagoda's satp.MODE = 14, see README) with a bound that is not
   page-aligned: every byte of an access must lie below sbound.
   - A load or store whose last byte is below the bound works; one that reaches the
     bound faults with the page fault of its type (13, 15), whether it is aligned or
     misaligned, and a faulting store writes nothing. stval is "the virtual address of
     the portion of the access that caused the fault" (privileged spec 4.1.9): the
     bound itself when the access starts below it, the address when it starts at or
     past it.
   - A compressed instruction that ends at the bound runs; a 4-byte instruction whose
     second half is at the bound raises an instruction page fault (12) with epc = the
     instruction and tval = the bound.
   QEMU-SKIP: base/limit relocation is a Pagoda extension. */
#include "priv.h"
#include "vm.h"

#define BOUND (VM_SCRATCH_PA + 0x10804)   /* sbound, with sbase = 0 */

static uint64_t op_sh(uint64_t va) {
  asm volatile("sh %0, 0(%1)" :: "r"(0x6666UL), "r"(va) : "memory");
  return 0;
}

static void fill(void) {
  volatile uint8_t *p = (volatile uint8_t *)(BOUND - 0x20);
  for (int i = 0; i < 0x40; i++) p[i] = (uint8_t)(0xa0 + i);
}
static uint64_t bytes_at(uint64_t pa, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--) v = (v << 8) | *(volatile uint8_t *)(pa + i);
  return v;
}

static void run(uint64_t mode) {
  fill();
  puts_("loads\n");
  vm_expect_ok("ld ending below the bound", vm_try(mode, vm_ld, BOUND - 12), bytes_at(BOUND - 12, 8));
  vm_expect_ok("lbu of the last byte", vm_try(mode, vm_lbu, BOUND - 1), bytes_at(BOUND - 1, 1));
  vm_expect_ok("lw ending at the bound", vm_try(mode, vm_lw, BOUND - 4), (uint64_t)(int64_t)(int32_t)bytes_at(BOUND - 4, 4));
  vm_expect_ok("misaligned lw ending at the bound", vm_try(mode, vm_lw, BOUND - 5), (uint64_t)(int64_t)(int32_t)bytes_at(BOUND - 5, 4));
  vm_expect_fault("aligned ld reaching past the bound", vm_try(mode, vm_ld, BOUND - 4), CAUSE_LOAD_PAGE, BOUND);
  vm_expect_fault("misaligned ld across the bound", vm_try(mode, vm_ld, BOUND - 1), CAUSE_LOAD_PAGE, BOUND);
  vm_expect_fault("lw across the bound", vm_try(mode, vm_lw, BOUND - 2), CAUSE_LOAD_PAGE, BOUND);
  vm_expect_fault("lbu at the bound", vm_try(mode, vm_lbu, BOUND), CAUSE_LOAD_PAGE, BOUND);
  vm_expect_fault("ld past the bound", vm_try(mode, vm_ld, BOUND + 4), CAUSE_LOAD_PAGE, BOUND + 4);

  puts_("stores\n");
  vm_expect_ok("sw ending at the bound", vm_try(mode, vm_sw, BOUND - 4), ~0UL);
  check("sw stored", bytes_at(BOUND - 4, 4), vm_sd_value & 0xffffffff);
  fill();
  vm_expect_fault("sd reaching past the bound", vm_try(mode, vm_sd, BOUND - 4), CAUSE_STORE_PAGE, BOUND);
  check("nothing stored below the bound", bytes_at(BOUND - 4, 4), 0xbfbebdbcUL);
  vm_expect_fault("sw across the bound", vm_try(mode, vm_sw, BOUND - 2), CAUSE_STORE_PAGE, BOUND);
  vm_expect_fault("sh across the bound", vm_try(mode, op_sh, BOUND - 1), CAUSE_STORE_PAGE, BOUND);
  check("memory below the bound unchanged", bytes_at(BOUND - 4, 4), 0xbfbebdbcUL);
  check("memory at the bound unchanged", bytes_at(BOUND, 4), 0xc3c2c1c0UL);

  puts_("instructions at the bound\n");
  volatile uint16_t *code = (volatile uint16_t *)(BOUND - 4);
  code[0] = 0x451d;                      /* c.li a0, 7 */
  code[1] = 0x8082;                      /* c.jr ra: its last byte is the last below the bound */
  asm volatile("fence.i" ::: "memory");
  vm_expect_ok("compressed code ending at the bound", vm_try(mode, vm_call, BOUND - 4), 7);
  code[1] = 0x0513;                      /* addi a0, zero, 42: its second half is at the bound */
  *(volatile uint16_t *)BOUND = 0x02a0;
  asm volatile("fence.i" ::: "memory");
  struct vm_access r = vm_try(mode, vm_call, BOUND - 2);
  vm_expect_fault("4-byte instruction across the bound", r, CAUSE_FETCH_PAGE, BOUND);
  check("epc is the instruction", r.trapped ? trap_at(0)->epc : 0, BOUND - 2);
}

int main(void) {
  priv_init();
  CSR_WRITE_NUM(CSR_SBASE, 0);
  CSR_WRITE_NUM(CSR_SBOUND, BOUND);
  CSR_WRITE(satp, SATP_MODE_BASE_LIMIT << 60);
  puts_("S-mode\n");
  run(MODE_S);
  puts_("U-mode\n");
  run(MODE_U);
  CSR_WRITE(satp, 0);
  return vm_finish("base_limit_bound");
}
