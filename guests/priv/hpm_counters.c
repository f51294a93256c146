/* Pagoda's hardware performance counters (README "Performance counters"; privileged
   spec 3.1.10-3.1.11): mhpmevent3..13 read the fixed event numbers 1..11 and ignore
   writes, the higher ones read 0; writing mhpmcounterN sets the count it continues
   from; S-mode reads hpmcounterN only when mcounteren allows it (else an illegal
   instruction). Page walks under Sv39 show up in the walk counters.
   QEMU-SKIP: the events are Pagoda's own; QEMU's counters count other things. */
#include "priv.h"
#include "vm.h"

static uint64_t s_read_hpm4(uint64_t unused) {
  (void)unused;
  return CSR_READ(hpmcounter4);
}
static uint64_t s_load(uint64_t va) { return *(volatile uint64_t *)va; }

int main(void) {
  priv_init();
  puts_("event selectors\n");
  check("mhpmevent3", CSR_READ(mhpmevent3), 1);
  check("mhpmevent8", CSR_READ(mhpmevent8), 6);
  check("mhpmevent13", CSR_READ(mhpmevent13), 11);
  check("mhpmevent14", CSR_READ(mhpmevent14), 0);
  CSR_WRITE(mhpmevent3, 7);
  check("mhpmevent3 ignores writes", CSR_READ(mhpmevent3), 1);

  puts_("writing a counter\n");
  CSR_WRITE(mhpmcounter4, 1000);                 /* DTLB misses: none in M-mode */
  check("mhpmcounter4 written", CSR_READ(mhpmcounter4), 1000);
  CSR_WRITE(mhpmcounter20, 5);
  check("mhpmcounter20 reads 0", CSR_READ(mhpmcounter20), 0);

  puts_("S-mode access\n");
  CSR_WRITE(mcounteren, 0);
  trap_reset();
  priv_run(MODE_S, s_read_hpm4, 0);
  check("hpmcounter4 without mcounteren: one trap", trap_count, 1);
  check("illegal instruction", trap_at(0)->cause, CAUSE_ILLEGAL);
  CSR_WRITE(mcounteren, 1UL << 4);
  trap_reset();
  check("hpmcounter4 with mcounteren", priv_run(MODE_S, s_read_hpm4, 0), 1000);
  check_no_trap("no trap");

  puts_("walks are counted\n");
  vm_reset();
  vm_map_identity(0);
  vm_map(0x40000000UL, VM_SCRATCH_PA, PAGE_4K, PTE_R | PTE_W | PTE_A | PTE_D);
  vm_enable(0);
  uint64_t misses = CSR_READ(mhpmcounter4), walks = CSR_READ(mhpmcounter6), reads = CSR_READ(mhpmcounter7);
  priv_run(MODE_S, s_load, 0x40000000UL);
  vm_disable();
  check("one more DTLB miss", CSR_READ(mhpmcounter4) - misses, 1);
  check("two walks (code and data)", CSR_READ(mhpmcounter6) - walks, 2);
  check("gigapage code: 1 PTE read, 4 KiB data: 3", CSR_READ(mhpmcounter7) - reads, 4);
  return finish("hpm_counters");
}
