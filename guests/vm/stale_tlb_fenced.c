/* stale_tlb.c with the sfence.vma after the PTE change: `--check-tlb` reports nothing. */
#define STALE_TLB_FENCED 1
#include "stale_tlb.c"
