// QEMU-SKIP: QEMU 7.2 takes pending interrupts lowest-numbered first (SSI before MSI)
/* Interrupt priority across privilege levels (privileged spec 3.1.9): "Multiple
   simultaneous interrupts destined for M-mode are handled in the following decreasing
   priority order: MEI, MSI, MTI, SEI, SSI, STI." All six are made pending at once in
   M-mode, none delegated: MEI from the UART's THR-empty interrupt through the PLIC,
   MSI and MTI from the CLINT, SEI, SSI and STI written into mip by M-mode software. The
   handler disables each interrupt it takes, so the log shows the order. */
#include "priv.h"

#define UART_IER (*(volatile uint8_t *)(UART_BASE + 1))
#define IER_ETBEI 0x02
#define UART_IRQ 10
#define PLIC_PRIORITY(src) (*(volatile uint32_t *)(PLIC_BASE + 4 * (src)))
#define PLIC_ENABLE_CTX0   (*(volatile uint32_t *)(PLIC_BASE + 0x2000))
#define PLIC_THRESHOLD_CTX0 (*(volatile uint32_t *)(PLIC_BASE + 0x200000))
#define PLIC_CLAIM_CTX0    (*(volatile uint32_t *)(PLIC_BASE + 0x200004))

int main(void) {
  priv_init();
  CSR_WRITE_NUM(CSR_MENVCFG, 0);   /* STIP writable in mip */
  puts_("six interrupts pending at once\n");

  PLIC_PRIORITY(UART_IRQ) = 1;
  PLIC_ENABLE_CTX0 = 1u << UART_IRQ;
  PLIC_THRESHOLD_CTX0 = 0;
  UART_IER = IER_ETBEI;
  CLINT_MSIP(0) = 1;
  CLINT_MTIMECMP(0) = 0;
  CSR_SET(mip, MIP(IRQ_S_EXT) | MIP(IRQ_S_SOFT) | MIP(IRQ_S_TIMER));
  static const uint64_t order[6] = {IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER};
  uint64_t all = 0;
  for (int i = 0; i < 6; i++) all |= MIP(order[i]);
  check("all six pending", CSR_READ(mip) & all, all);

  /* Enabled lowest priority first, while MIE = 0. */
  for (int i = 5; i >= 0; i--) CSR_SET(mie, MIP(order[i]));
  trap_reset();
  CSR_SET(mstatus, MSTATUS_MIE);
  for (volatile int i = 0; i < 100; i++) { }
  CSR_CLEAR(mstatus, MSTATUS_MIE);

  uint32_t claimed = PLIC_CLAIM_CTX0;
  UART_IER = 0;
  PLIC_CLAIM_CTX0 = claimed;
  CLINT_MSIP(0) = 0;
  CLINT_MTIMECMP(0) = ~0UL;
  CSR_CLEAR(mip, MIP(IRQ_S_EXT) | MIP(IRQ_S_SOFT) | MIP(IRQ_S_TIMER));

  check("six interrupts taken", trap_count, 6);
  for (int i = 0; i < 6; i++) check("in priority order", trap_at(i)->cause, CAUSE_INTERRUPT | order[i]);
  check("the UART's interrupt claimed", claimed, UART_IRQ);
  return finish("interrupt_priority");
}
