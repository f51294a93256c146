/* Leaf PTE permissions under Sv39 (privileged spec 4.3.1 "Addressing and Memory
   Protection", 4.3.2 steps 3 and 5, 4.1.1 SUM and MXR), for every R/W/X encoding
   with U clear and set, for loads, stores and instruction fetches, from S- and U-mode,
   with mstatus.SUM and mstatus.MXR each clear and set:

   - "If pte.v = 0, or if pte.r = 0 and pte.w = 1, ... stop and raise a page-fault
     exception corresponding to the original access type": the encodings W and WX
     (R = 0, W = 1) are reserved and fault for every access.
   - R = W = X = 0 is a pointer; at level 0 it is not a leaf and the walk faults.
   - A load needs R, or X with MXR set ("MXR ... makes loads from pages marked either
     readable or executable succeed"); a store needs W; a fetch needs X.
   - "U-mode software may only access the page when U = 1"; "If the SUM bit in the
     sstatus register is set, supervisor mode software may also access pages with
     U = 1" (loads and stores only): "Irrespective of SUM, the supervisor may not
     execute code on pages with U = 1."
   - A failing access raises the page fault of its type (load 13, store 15, fetch 12)
     with tval = the faulting virtual address, and a store that faults writes nothing.

   The expected outcome of each of the 2 x 2 x 2 x 16 x 3 cases is computed by
   allowed() below from these rules and compared with what happened. Changes of SUM
   and MXR take effect without an sfence.vma (4.2.1: sfence.vma orders page-table
   updates; SUM and MXR are read on every access). A and D are set in every test PTE
   so that the accessed and dirty bits play no part. Only failures are printed. */
#include "priv.h"
#include "vm.h"

enum { ACC_LOAD, ACC_STORE, ACC_FETCH };
static const char *const access_name[] = {"load", "store", "fetch"};
static const uint64_t access_cause[] = {CAUSE_LOAD_PAGE, CAUSE_STORE_PAGE, CAUSE_FETCH_PAGE};

static uint64_t cur_mode, cur_sum, cur_mxr, cur_flags;
static int cur_access;

/* check() for the current case, with a label such as "S-mode SUM=1 MXR=0 PTE U-W-
   store: trapped", built only when the check fails (passing checks print nothing). */
static void expect(const char *what, uint64_t got, uint64_t want) {
  if (got != want) {
    vm_label_start();
    vm_label_add(cur_mode == MODE_U ? "U-mode" : "S-mode");
    vm_label_add(cur_sum ? " SUM=1" : " SUM=0");
    vm_label_add(cur_mxr ? " MXR=1" : " MXR=0");
    vm_label_add(" PTE ");
    vm_label_add(cur_flags & PTE_U ? "U" : "-");
    vm_label_add(cur_flags & PTE_R ? "R" : "-");
    vm_label_add(cur_flags & PTE_W ? "W" : "-");
    vm_label_add(cur_flags & PTE_X ? "X" : "-");
    vm_label_add(" ");
    vm_label_add(access_name[cur_access]);
    vm_label_add(": ");
    vm_label_add(what);
  }
  check(vm_label, got, want);
}

/* The spec's rules for a leaf PTE at level 0 with A = D = 1. */
static int allowed(uint64_t mode, uint64_t flags, int access, uint64_t sum, uint64_t mxr) {
  int r = (flags & PTE_R) != 0, w = (flags & PTE_W) != 0, x = (flags & PTE_X) != 0, u = (flags & PTE_U) != 0;
  if (!r && w) return 0;                  /* reserved encodings */
  if (mode == MODE_U) {
    if (!u) return 0;
  } else if (u) {
    if (access == ACC_FETCH || !sum) return 0;
  }
  switch (access) {
  case ACC_LOAD: return r || (mxr && x);
  case ACC_STORE: return w;
  default: return x;
  }
}

static uint64_t page_flags(int i) {
  uint64_t f = PTE_A | PTE_D;
  if (i & 1) f |= PTE_R;
  if (i & 2) f |= PTE_W;
  if (i & 4) f |= PTE_X;
  if (i & 8) f |= PTE_U;
  return f;
}

static void run_mode(uint64_t mode) {
  vm_reset();
  vm_map_identity(mode == MODE_U);
  for (int i = 0; i < 16; i++) {
    /* V = 1 with R = W = X = 0 is a pointer, also mapped: at level 0 it must fault. */
    vm_set_pte(vm_test_va(i), 0, vm_pte_value(vm_test_pa(i), page_flags(i)));
    vm_put_code(vm_test_pa(i));
  }
  vm_enable(0);
  cur_mode = mode;
  for (int sm = 0; sm < 4; sm++) {
    cur_sum = sm & 1;
    cur_mxr = (sm >> 1) & 1;
    CSR_CLEAR(mstatus, MSTATUS_SUM | MSTATUS_MXR);
    CSR_SET(mstatus, (cur_sum ? MSTATUS_SUM : 0) | (cur_mxr ? MSTATUS_MXR : 0));
    puts_(mode == MODE_U ? "U-mode" : "S-mode");
    puts_(cur_sum ? " SUM=1" : " SUM=0");
    puts_(cur_mxr ? " MXR=1\n" : " MXR=0\n");
    for (int i = 0; i < 16; i++) {
      uint64_t va = vm_test_va(i), pa = vm_test_pa(i);
      cur_flags = page_flags(i);
      for (int a = ACC_LOAD; a <= ACC_FETCH; a++) {
        cur_access = a;
        int ok = allowed(mode, cur_flags, a, cur_sum, cur_mxr);
        volatile uint64_t *word = (volatile uint64_t *)(pa + 8);
        *word = 0;
        struct vm_access r;
        if (a == ACC_LOAD) r = vm_try(mode, vm_ld, va);
        else if (a == ACC_STORE) r = vm_try(mode, vm_sd, va + 8);
        else r = vm_try(mode, vm_call, va);
        if (ok) {
          expect("trapped", r.trapped, 0);
          if (a == ACC_LOAD) expect("value", r.value, VM_CODE_DWORD(42));
          if (a == ACC_FETCH) expect("value", r.value, 42);
        } else {
          expect("trapped", r.trapped, 1);
          expect("cause", r.cause, access_cause[a]);
          expect("tval", r.tval, a == ACC_STORE ? va + 8 : va);
        }
        if (a == ACC_STORE) expect("memory", *word, ok ? vm_sd_value : 0);
      }
    }
  }
  CSR_CLEAR(mstatus, MSTATUS_SUM | MSTATUS_MXR);
  vm_disable();
}

int main(void) {
  priv_init();
  run_mode(MODE_S);
  run_mode(MODE_U);
  return vm_finish("pte_permissions");
}
