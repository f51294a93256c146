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
#define WORD_1   (((uint64_t)VM_CODE_RET << 32) | 0x00100513)
#define WORD_2   (((uint64_t)VM_CODE_RET << 32) | 0x00200513)

static int checks;
static void ck(const char *label, uint64_t got, uint64_t want) {
  checks++;
  check(label, got, want);
}

static void set_mpp(uint64_t mode) {
  CSR_CLEAR(mstatus, MSTATUS_MPP);
  CSR_SET(mstatus, mode << MSTATUS_MPP_SHIFT);
}

static void put_li_ret(uint64_t pa, uint64_t imm) {
  volatile uint32_t *p = (volatile uint32_t *)pa;
  p[0] = (uint32_t)(imm << 20) | 0x513u;   /* addi a0, zero, imm */
  p[1] = VM_CODE_RET;
}

/* amoadd.d under MPRV with MPP = `mpp`; checks one trap at the AMO, in M-mode, with
   `cause` and mtval = va. */
static void amo_fault(const char *label, uint64_t mpp, uint64_t va, uint64_t cause) {
  uint64_t v = 0, pc;
  set_mpp(mpp);
  trap_reset();
  asm volatile("lla %[pc], 1f\n csrs mstatus, %[m]\n1: amoadd.d %[v], %[one], (%[va])\n csrc mstatus, %[m]"
               : [pc] "=&r"(pc), [v] "+&r"(v)
               : [va] "r"(va), [m] "r"(MSTATUS_MPRV), [one] "r"(1UL) : "memory");
  ck(label, trap_count, 1);
  ck(label, trap_at(0)->cause, cause);
  ck(label, trap_at(0)->tval, va);
  ck(label, trap_at(0)->epc, pc);
  ck(label, trap_at(0)->handler, MODE_M);
  ck(label, v, 0);
}

/* One MPRV = 1 window (MPP = S): call `code`, then load from it; or the other way round. */
static void call_then_load(uint64_t code, uint64_t *called, uint64_t *loaded) {
  register uint64_t a0 asm("a0") = 0;
  uint64_t w = 0;
  set_mpp(MODE_S);
  asm volatile("csrs mstatus, %[m]\n jalr %[c]\n ld %[w], 0(%[c])\n csrc mstatus, %[m]"
               : "+r"(a0), [w] "+&r"(w) : [c] "r"(code), [m] "r"(MSTATUS_MPRV)
               : "ra", "t0", "t1", "t2", "a1", "memory");
  *called = a0;
  *loaded = w;
}
static void load_then_call(uint64_t code, uint64_t *called, uint64_t *loaded) {
  register uint64_t a0 asm("a0") = 0;
  uint64_t w = 0;
  set_mpp(MODE_S);
  asm volatile("csrs mstatus, %[m]\n ld %[w], 0(%[c])\n jalr %[c]\n csrc mstatus, %[m]"
               : "+r"(a0), [w] "+&r"(w) : [c] "r"(code), [m] "r"(MSTATUS_MPRV)
               : "ra", "t0", "t1", "t2", "a1", "memory");
  *called = a0;
  *loaded = w;
}

int main(void) {
  priv_init();
  *(volatile uint64_t *)PA_RO = MARK_RO;
  *(volatile uint64_t *)PA_S = MARK_S;
  put_li_ret(PA_C1, 1);
  put_li_ret(PA_C2, 2);
  put_li_ret(PA_D1, 1);
  put_li_ret(PA_D2, 2);
  asm volatile("fence.i" ::: "memory");
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
  ck("read-only page unchanged", *(volatile uint64_t *)PA_RO, MARK_RO);
  ck("supervisor page unchanged", *(volatile uint64_t *)PA_S, MARK_S);

  puts_("a fetch and a load of one address in one MPRV window\n");
  uint64_t called, loaded;
  call_then_load(PA_C1, &called, &loaded);
  ck("call first: runs the physical page", called, 1);
  ck("call first: the load reads the mapped page", loaded, WORD_2);
  load_then_call(PA_D1, &called, &loaded);
  ck("load first: reads the mapped page", loaded, WORD_2);
  ck("load first: the call runs the physical page", called, 1);

  vm_disable();
  puts_("checks: ");
  print_udec((uint64_t)checks);
  putch('\n');
  return finish("mprv_qemu_skip");
}
