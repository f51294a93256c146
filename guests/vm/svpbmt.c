// QEMU-SKIP: the cycle counts of NC and IO accesses are Pagoda's timing model
/* Svpbmt, page-based memory types (RISC-V privileged spec, "Svpbmt" chapter): with
   menvcfg.PBMTE set, bits 62:61 of a leaf PTE give the page's memory type: 0 PMA (the
   physical memory attributes, here cacheable RAM), 1 NC (non-cacheable, idempotent
   main memory), 2 IO (non-cacheable, strongly ordered I/O), 3 reserved.

   - menvcfg.PBMTE is writable and reads back.
   - PBMTE = 0: PBMT is reserved, so a leaf with NC set faults.
   - PBMTE = 1: NC and IO leaves translate to the same physical page as a PMA alias,
     and loads and stores through either see the same bytes; PBMT = 3 faults; PBMT set
     in a pointer (non-leaf) PTE faults.
   - Pagoda's timing model: NC and IO accesses bypass L1D and L2: 64 loads through an NC
     or IO alias each cost a memory access (memory_cycles = 80 in the default profile)
     while 64 loads of the same line through the PMA alias hit L1D, and the
     uncached loads count no L1D misses (mhpmcounter13). Instruction fetches from an
     NC alias of a code page bypass L1I and L2 the same way: 32 instructions run through
     it cost at least 32 memory accesses more than through the PMA mapping. */
#include "priv.h"
#include "vm.h"

#define PBMT_NC (1UL << 61)
#define PBMT_IO (2UL << 61)
#define PBMT_RESERVED (3UL << 61)
#define MENVCFG_PBMTE (1UL << 62)
#define LEAF (PTE_R | PTE_W | PTE_A | PTE_D)
#define LOADS 64

static uint64_t timed_loads(uint64_t va) {
  uint64_t t0, t1;
  asm volatile("rdcycle %0" : "=r"(t0));
  for (int i = 0; i < LOADS; i++) (void)*(volatile uint64_t *)va;
  asm volatile("rdcycle %0" : "=r"(t1));
  return t1 - t0;
}

/* 32 instructions and a return, alone on their page so that page can be aliased NC. */
asm(".pushsection .text.nc_body, \"ax\"\n"
    "  .balign 4096\n"
    "  .globl nc_body\n"
    "nc_body:\n"
    "  .rept 32\n"
    "  addi a0, a0, 1\n"
    "  .endr\n"
    "  ret\n"
    "  .balign 4096\n"
    "  .popsection");
extern char nc_body[];
#define BODY_INSTRUCTIONS 32

static uint64_t timed_call(uint64_t fn) {
  uint64_t t0, t1, r;
  asm volatile("rdcycle %0" : "=r"(t0));
  r = ((uint64_t (*)(uint64_t))fn)(0);
  asm volatile("rdcycle %0" : "=r"(t1));
  return r == BODY_INSTRUCTIONS ? t1 - t0 : 0;
}

static uint64_t l1d_misses(void) { return CSR_READ(mhpmcounter13); }

int main(void) {
  priv_init();
  CSR_WRITE(mcounteren, 7);
  CSR_WRITE_NUM(CSR_MENVCFG, 0);
  check("PBMTE clear", CSR_READ_NUM(CSR_MENVCFG) & MENVCFG_PBMTE, 0);

  uint64_t pa = vm_test_pa(0);
  *(volatile uint64_t *)pa = 0x1122334455667788UL;
  vm_reset();
  vm_map_identity(0);
  vm_map(vm_test_va(0), pa, PAGE_4K, LEAF);
  vm_map(vm_test_va(1), pa, PAGE_4K, LEAF | PBMT_NC);
  vm_map(vm_test_va(2), pa, PAGE_4K, LEAF | PBMT_IO);
  vm_map(vm_test_va(3), pa, PAGE_4K, LEAF | PBMT_RESERVED);
  vm_map(vm_test_va(4), (uint64_t)nc_body, PAGE_4K, PTE_R | PTE_X | PTE_A | PBMT_NC);
  /* A pointer PTE with PBMT set, above a leaf that is otherwise fine. */
  uint64_t far = VM_TEST_VA + PAGE_2M;
  vm_map(far, pa, PAGE_4K, LEAF);
  uint64_t *pointer = vm_slot(far, 1);
  *pointer |= PBMT_NC;
  vm_enable(1);

  vm_expect_ok("PBMTE=0: PMA page", vm_try(MODE_S, vm_ld, vm_test_va(0)), 0x1122334455667788UL);
  vm_expect_fault("PBMTE=0: NC is reserved", vm_try(MODE_S, vm_ld, vm_test_va(1)), CAUSE_LOAD_PAGE, vm_test_va(1));

  CSR_WRITE_NUM(CSR_MENVCFG, MENVCFG_PBMTE);
  vm_sfence();
  check("PBMTE set", CSR_READ_NUM(CSR_MENVCFG) & MENVCFG_PBMTE, MENVCFG_PBMTE);
  vm_expect_ok("NC load", vm_try(MODE_S, vm_ld, vm_test_va(1)), 0x1122334455667788UL);
  vm_expect_ok("IO load", vm_try(MODE_S, vm_ld, vm_test_va(2)), 0x1122334455667788UL);
  vm_sd_value = 0x0badcafe0badcafeUL;
  vm_expect_ok("IO store", vm_try(MODE_S, vm_sd, vm_test_va(2) + 8), ~0UL);
  check("IO store reached the page", ((volatile uint64_t *)pa)[1], 0x0badcafe0badcafeUL);
  vm_expect_ok("PMA load sees it", vm_try(MODE_S, vm_ld, vm_test_va(0) + 8), 0x0badcafe0badcafeUL);
  vm_expect_fault("PBMT=3 is reserved", vm_try(MODE_S, vm_ld, vm_test_va(3)), CAUSE_LOAD_PAGE, vm_test_va(3));
  vm_expect_fault("PBMT=3 store", vm_try(MODE_S, vm_sd, vm_test_va(3)), CAUSE_STORE_PAGE, vm_test_va(3));
  vm_expect_fault("PBMT in a pointer PTE", vm_try(MODE_S, vm_ld, far), CAUSE_LOAD_PAGE, far);

  /* Timing: the same line through each alias, warmed first. */
  (void)vm_try(MODE_S, timed_loads, vm_test_va(0));
  uint64_t pma = vm_try(MODE_S, timed_loads, vm_test_va(0)).value;
  uint64_t before = l1d_misses();
  uint64_t nc = vm_try(MODE_S, timed_loads, vm_test_va(1)).value;
  uint64_t misses_nc = l1d_misses() - before;
  uint64_t io = vm_try(MODE_S, timed_loads, vm_test_va(2)).value;
  puts_("cycles for 64 loads: PMA ");
  print_udec(pma);
  puts_(", NC ");
  print_udec(nc);
  puts_(", IO ");
  print_udec(io);
  putch('\n');
  check("NC loads each go to memory", nc >= pma + LOADS * 80, 1);
  check("IO loads each go to memory", io >= pma + LOADS * 80, 1);
  check("NC loads do not touch L1D (a few misses from the code around them at most)", misses_nc < 8, 1);

  (void)vm_try(MODE_S, timed_call, (uint64_t)nc_body);
  uint64_t code_pma = vm_try(MODE_S, timed_call, (uint64_t)nc_body).value;
  (void)vm_try(MODE_S, timed_call, vm_test_va(4));
  uint64_t code_nc = vm_try(MODE_S, timed_call, vm_test_va(4)).value;
  puts_("cycles for 32 instructions: PMA ");
  print_udec(code_pma);
  puts_(", NC ");
  print_udec(code_nc);
  putch('\n');
  check("the code ran through both mappings", code_pma != 0 && code_nc != 0, 1);
  check("NC fetches each go to memory", code_nc >= code_pma + BODY_INSTRUCTIONS * 80, 1);
  vm_disable();
  return finish("svpbmt");
}
