// QEMU-SKIP: QEMU 7.2 reports an AMO page fault on a page not readable either as a load page fault (13), and under MPRV lets an M-mode fetch and an MPRV load of the same page share one untranslated or translated TLB entry
/* mstatus.MPRV cases where QEMU 7.2 does not follow the privileged spec (the rest of
   MPRV is in vm/mprv.c, compared with QEMU):

   - An AMO is a store/AMO access (3.1.15, Table 3.6): under MPRV a page fault of an
     AMO is a store/AMO page fault (15) with mtval = the address, and memory is
     unchanged. QEMU 7.2 raises a load page fault (13) when the page does not
     allow the load either (unmapped, or not accessible in MPP's mode).
   - 3.1.6.3: with MPRV = 1 "load and store memory addresses are translated ... as
     though the current privilege mode were set to MPP. Instruction address-translation
     and protection are unaffected". Within one MPRV = 1 window (no change of mstatus
     between them), a call to physical address C runs the code at C, and a load from
     virtual address C reads the page the page tables map C to, in either order. QEMU
     7.2 uses one TLB entry for both, filled by whichever access comes first, so the
     second reads (or runs) the wrong page. */
#include "priv.h"
#include "vm.h"

#define VA_RO    0x40002000UL   /* S page, R only */
#define VA_NONE  0x40004000UL   /* not mapped */
#define VA_S     0x40000000UL   /* S page, R W */
#define PA_S     (VM_SCRATCH_PA + 0x0000)
#define PA_RO    (VM_SCRATCH_PA + 0x2000)
/* "li a0, 1; ret" at PA_C1 and PA_D1, which the page tables map to PA_C2 and PA_D2
   holding "li a0, 2; ret". */
#define PA_C1    (VM_SCRATCH_PA + 0x20000)
#define PA_C2    (VM_SCRATCH_PA + 0x21000)
#define PA_D1    (VM_SCRATCH_PA + 0x22000)
#define PA_D2    (VM_SCRATCH_PA + 0x23000)
#define MARK_RO  0x4040000000000003UL
#define MARK_S   0x5555000000000001UL

/* amoadd.d under MPRV with MPP = `mpp`; checks one trap at the AMO, taken in M-mode from
   M-mode, with `cause` and mtval = va, and that the AMO's rd was not written. */
static void amo_fault(const char *label, uint64_t mpp, uint64_t va, uint64_t cause) {
  uint64_t v = 0, pc;
  vm_set_mpp(mpp);
  trap_reset();
  asm volatile("lla %[pc], 1f\n csrs mstatus, %[m]\n1: amoadd.d %[v], %[one], (%[va])\n csrc mstatus, %[m]"
               : [pc] "=&r"(pc), [v] "+&r"(v)
               : [va] "r"(va), [m] "r"(MSTATUS_MPRV), [one] "r"(1UL) : "memory");
  check_one_trap(label, cause, MODE_M, MODE_M, pc, va);
  check(label, v, 0);
}

/* One MPRV = 1 window (MPP = S) with a call of `code` and a load from it: the call first,
   or with `load_first` the load. */
static void call_and_load(uint64_t code, int load_first, uint64_t *called, uint64_t *loaded) {
  register uint64_t a0 asm("a0") = 0;
  uint64_t w = 0;
  vm_set_mpp(MODE_S);
#define MPRV_WINDOW(insns)                                                    \
  asm volatile("csrs mstatus, %[m]\n" insns "\n csrc mstatus, %[m]"          \
               : "+r"(a0), [w] "+&r"(w) : [c] "r"(code), [m] "r"(MSTATUS_MPRV) \
               : "ra", "t0", "t1", "t2", "a1", "memory")
  if (load_first) MPRV_WINDOW(" ld %[w], 0(%[c])\n jalr %[c]");
  else MPRV_WINDOW(" jalr %[c]\n ld %[w], 0(%[c])");
#undef MPRV_WINDOW
  *called = a0;
  *loaded = w;
}

int main(void) {
  priv_init();
  *(volatile uint64_t *)PA_RO = MARK_RO;
  *(volatile uint64_t *)PA_S = MARK_S;
  vm_put_li_ret(PA_C1, 1);
  vm_put_li_ret(PA_C2, 2);
  vm_put_li_ret(PA_D1, 1);
  vm_put_li_ret(PA_D2, 2);
  vm_reset();
  vm_map(VA_S, PA_S, PAGE_4K, PTE_R | PTE_W | PTE_A | PTE_D);
  vm_map(VA_RO, PA_RO, PAGE_4K, PTE_R | PTE_A | PTE_D);
  vm_map(PA_C1, PA_C2, PAGE_4K, PTE_R | PTE_X | PTE_A);
  vm_map(PA_D1, PA_D2, PAGE_4K, PTE_R | PTE_X | PTE_A);
  vm_enable(5);
  CSR_CLEAR(mstatus, MSTATUS_SUM | MSTATUS_MXR);

  puts_("AMO page faults under MPRV are store/AMO page faults\n");
  amo_fault("S amoadd read-only", MODE_S, VA_RO, CAUSE_STORE_PAGE);
  amo_fault("S amoadd unmapped", MODE_S, VA_NONE + 8, CAUSE_STORE_PAGE);
  amo_fault("U amoadd supervisor page", MODE_U, VA_S, CAUSE_STORE_PAGE);
  check("read-only page unchanged", *(volatile uint64_t *)PA_RO, MARK_RO);
  check("supervisor page unchanged", *(volatile uint64_t *)PA_S, MARK_S);

  puts_("a fetch and a load of one address in one MPRV window\n");
  uint64_t called, loaded;
  call_and_load(PA_C1, 0, &called, &loaded);
  check("call first: runs the physical page", called, 1);
  check("call first: the load reads the mapped page", loaded, VM_CODE_DWORD(2));
  call_and_load(PA_D1, 1, &called, &loaded);
  check("load first: reads the mapped page", loaded, VM_CODE_DWORD(2));
  check("load first: the call runs the physical page", called, 1);

  vm_disable();
  return vm_finish("mprv_qemu_skip");
}
