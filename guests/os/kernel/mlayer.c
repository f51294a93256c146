/* The M-mode layer under the kernel (MOS 4th ed. 1.3.1 "Processors", kernel and user
   mode, and 5.1.5 "Interrupts Revisited"): everything the S-mode kernel cannot do
   itself. It delegates traps and interrupts to S-mode, opens physical memory to S and U
   through one PMP entry, lets S-mode program its own timer (Sstc: stimecmp) and read the
   counters, and forwards inter-processor interrupts: the CLINT only raises M-level
   software interrupts, so the M handler turns each into S-mode's SSIP.

   Two jobs exist only because base/limit relocation (satp.MODE 14) applies to S-mode too:
   - a user instruction page fault is not delegated; it is handed to S-mode here as if
     delegated, with satp switched back to the kernel's;
   - entering a user program under base/limit is an ecall from S-mode: satp is switched
     to base/limit at the same moment the hart drops to U-mode (mret). */
#include "kernel.h"

#define MSTATUS_SIE (1UL << 1)
#define MSTATUS_SPIE (1UL << 5)
#define MSTATUS_SPP (1UL << 8)
#define MSTATUS_MPP (3UL << 11)
#define MSTATUS_MPP_S (1UL << 11)
#define MSTATUS_MPIE (1UL << 7)

u64 m_enter_satp[MAX_HARTS];     /* satp for the next user entry through the M layer */
u64 m_forwarded[MAX_HARTS];      /* traps handed from M to S */

void s_entry(u64 hart, u64 arg);
void m_trap_entry(void);

void m_setup(u64 hart, u64 arg) {
  CSR_WRITE(mtvec, (u64)m_trap_entry);
  /* Exceptions from U-mode: misaligned, access faults, illegal, breakpoint, ecall,
     load/store page faults. Instruction page faults (12) stay in M (see above). */
  CSR_WRITE(medeleg, (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) |
                         (1 << 7) | (1 << 8) | (1 << 13) | (1 << 15));
  CSR_WRITE(mideleg, (1 << 1) | (1 << 5) | (1 << 9));   /* SSIP, STIP, SEIP */
  CSR_WRITE(mie, 1 << 3);                                /* MSIP: IPIs arrive here */
  /* PMP entry 0: NAPOT over the whole address space, RWX. */
  CSR_WRITE(pmpaddr0, ~0UL >> 10);
  CSR_WRITE(pmpcfg0, 0x1f);
  /* Sstc (bit 63) and, when Pagoda has it, Svpbmt (bit 62). */
  asm volatile("csrw 0x30a, %0" :: "r"((1UL << 63) | (1UL << 62)));
  CSR_WRITE(mcounteren, 7);     /* cycle, time, instret readable in S */
  CSR_WRITE(satp, 0);
  u64 st = CSR_READ(mstatus);
  st = (st & ~MSTATUS_MPP) | MSTATUS_MPP_S;
  CSR_WRITE(mstatus, st);
  CSR_WRITE(mepc, (u64)s_entry);
  register u64 a0 asm("a0") = hart;
  register u64 a1 asm("a1") = arg;
  asm volatile("mret" :: "r"(a0), "r"(a1));
  for (;;) { }
}

static void m_die(const char *what, u64 cause) {
  (void)what;
  kprintf("[m-layer] hart %lu: unexpected trap mcause=%lx mepc=%lx mtval=%lx\n", CSR_READ(mhartid), cause,
          CSR_READ(mepc), CSR_READ(mtval));
  power_off(97);
}

void m_trap(void) {
  u64 cause = CSR_READ(mcause);
  u64 hart = CSR_READ(mhartid);
  if (cause == ((1UL << 63) | 3)) {                 /* IPI: M software -> S software */
    *(volatile u32 *)(CLINT_BASE + 4 * hart) = 0;
    CSR_SET(mip, 1 << 1);
    return;
  }
  u64 st = CSR_READ(mstatus);
  u64 from = (st >> 11) & 3;
  if (cause == 12 && from == 0) {                   /* user fetch fault: deliver to S */
    m_forwarded[hart]++;
    CSR_WRITE(scause, cause);
    CSR_WRITE(sepc, CSR_READ(mepc));
    CSR_WRITE(stval, CSR_READ(mtval));
    st &= ~(MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_MPP);
    if (st & MSTATUS_SIE) st |= MSTATUS_SPIE;
    st &= ~MSTATUS_SIE;
    st |= MSTATUS_MPP_S;
    CSR_WRITE(mstatus, st);
    CSR_WRITE(mepc, CSR_READ(stvec));
    CSR_WRITE(satp, kernel_satp);
    return;
  }
  if (cause == 12 && from == 1 && (CSR_READ(satp) >> 60) == 14 && CSR_READ(mepc) == CSR_READ(stvec)) {
    /* A delegated trap from a user program under base/limit reached stvec, whose
       fetch is relocated too: give S-mode its own translation back and retry. */
    m_forwarded[hart]++;
    CSR_WRITE(satp, kernel_satp);
    return;
  }
  if (cause == 9 && from == 1) {                    /* S asks: enter U under base/limit */
    CSR_WRITE(mepc, CSR_READ(sepc));
    st &= ~MSTATUS_MPP;                             /* MPP = U */
    st |= MSTATUS_MPIE;
    CSR_WRITE(mstatus, st);
    CSR_WRITE(satp, m_enter_satp[hart]);
    return;
  }
  m_die("trap", cause);
}
