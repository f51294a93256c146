/* The virt board's 16550 UART (register map and bits from the PC16550D data sheet)
   and its interrupt through the PLIC (RISC-V PLIC specification): the divisor latch
   behind LCR.DLAB, the scratch register, IER's four bits, LSR's THRE and TEMT with
   the transmitter idle, IIR = 0x01 ("no interrupt pending") with bits 7:6 set while the
   FIFOs are enabled, and the THR-empty interrupt (IER.ETBEI) on PLIC source 10:
   masked while its priority does not exceed the context's threshold, otherwise
   raising mip.MEIP on hart 0's M-mode context (mcause 2^63 + 11); the claim returns
   10, IIR reports it as 0x02 and reading IIR clears it; after the completion nothing
   is pending. Console output uses the same UART. */
#include "priv.h"

static volatile uint8_t *const uart = (volatile uint8_t *)UART_BASE;
enum { RBR_THR_DLL = 0, IER_DLM = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };
#define LCR_DLAB 0x80
#define LSR_DR   0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define IER_ETBEI 0x02
#define IIR_NONE 0x01
#define IIR_THRI 0x02
#define IIR_FIFOS 0xc0
#define FCR_ENABLE 0x01
#define FCR_CLEAR  0x06

#define UART_IRQ 10
#define PLIC_REG(offset) (*(volatile uint32_t *)(PLIC_BASE + (offset)))
#define PLIC_PRIORITY(src) PLIC_REG(4 * (src))
#define PLIC_PENDING       PLIC_REG(0x1000)
#define PLIC_ENABLE_CTX0   PLIC_REG(0x2000)
#define PLIC_THRESHOLD_CTX0 PLIC_REG(0x200000)
#define PLIC_CLAIM_CTX0    PLIC_REG(0x200004)

int main(void) {
  priv_init();

  puts_("divisor latch\n");
  uart[IER_DLM] = 0;
  uint8_t lcr = uart[LCR];
  uart[LCR] = lcr | LCR_DLAB;
  uint8_t dll = uart[RBR_THR_DLL], dlm = uart[IER_DLM];
  uart[RBR_THR_DLL] = 0x34;
  uart[IER_DLM] = 0x12;
  check("DLL readback", uart[RBR_THR_DLL], 0x34);
  check("DLM readback", uart[IER_DLM], 0x12);
  check("LCR shows DLAB", uart[LCR], lcr | LCR_DLAB);
  uart[RBR_THR_DLL] = dll;
  uart[IER_DLM] = dlm;
  uart[LCR] = 0x1b;   /* 8 bits, 1 stop bit, even parity */
  check("LCR readback", uart[LCR], 0x1b);
  check("IER untouched by DLM writes", uart[IER_DLM], 0);
  uart[LCR] = lcr;

  puts_("scratch and interrupt enable registers\n");
  uart[SCR] = 0xa5;
  check("SCR 0xa5", uart[SCR], 0xa5);
  uart[SCR] = 0x5a;
  check("SCR 0x5a", uart[SCR], 0x5a);
  uart[IER_DLM] = 0x0d;
  check("IER readback", uart[IER_DLM], 0x0d);
  uart[IER_DLM] = 0xf0;
  check("IER bits 7:4 read 0", uart[IER_DLM], 0);

  puts_("idle line and interrupt identification\n");
  check("LSR: THRE and TEMT set, no data", uart[LSR] & (LSR_DR | LSR_THRE | LSR_TEMT), LSR_THRE | LSR_TEMT);
  uart[IIR_FCR] = 0;
  check("IIR with FIFOs off", uart[IIR_FCR], IIR_NONE);
  uart[IIR_FCR] = FCR_ENABLE | FCR_CLEAR;
  check("IIR with FIFOs on", uart[IIR_FCR], IIR_FIFOS | IIR_NONE);
  uart[IIR_FCR] = 0;
  check("IIR with FIFOs off again", uart[IIR_FCR], IIR_NONE);

  puts_("THR-empty interrupt through the PLIC\n");
  PLIC_PRIORITY(UART_IRQ) = 1;
  check("PLIC priority readback", PLIC_PRIORITY(UART_IRQ), 1);
  PLIC_ENABLE_CTX0 = 1u << UART_IRQ;
  check("PLIC enable readback", PLIC_ENABLE_CTX0, 1u << UART_IRQ);
  PLIC_THRESHOLD_CTX0 = 1;
  CSR_WRITE(mie, MIP(IRQ_M_EXT));
  trap_reset();
  CSR_SET(mstatus, MSTATUS_MIE);
  uart[IER_DLM] = IER_ETBEI;
  /* Priority 1 does not exceed threshold 1: pending at the PLIC, not at the hart. */
  uint32_t pending = PLIC_PENDING;
  uint64_t meip = CSR_READ(mip) & MIP(IRQ_M_EXT);
  uint64_t early = trap_count;
  PLIC_THRESHOLD_CTX0 = 0;
  for (volatile int i = 0; i < 1000 && trap_count == 0; i++) { }
  CSR_CLEAR(mstatus, MSTATUS_MIE);
  uint64_t meip_taken = CSR_READ(mip) & MIP(IRQ_M_EXT);
  uint32_t claimed = PLIC_CLAIM_CTX0;
  uint64_t meip_claimed = CSR_READ(mip) & MIP(IRQ_M_EXT);
  uint8_t iir = uart[IIR_FCR];
  uint8_t iir_after = uart[IIR_FCR];
  uart[IER_DLM] = 0;
  PLIC_CLAIM_CTX0 = claimed;
  uint32_t pending_after = PLIC_PENDING;
  uint32_t claimed_again = PLIC_CLAIM_CTX0;
  uint64_t meip_done = CSR_READ(mip) & MIP(IRQ_M_EXT);

  check("source 10 pending below the threshold", pending & (1u << UART_IRQ), 1u << UART_IRQ);
  check("MEIP clear below the threshold", meip, 0);
  check("no trap below the threshold", early, 0);
  check("one external interrupt", trap_count, 1);
  check("mcause", last_trap()->cause, CAUSE_INTERRUPT | IRQ_M_EXT);
  check("MEIP pending before the claim", meip_taken, MIP(IRQ_M_EXT));
  check("claim returns the UART", claimed, UART_IRQ);
  check("MEIP clear once claimed", meip_claimed, 0);
  check("IIR reports THR empty", iir, IIR_THRI);
  check("IIR read cleared it", iir_after, IIR_NONE);
  check("nothing pending after completion", pending_after & (1u << UART_IRQ), 0);
  check("claim with nothing pending", claimed_again, 0);
  check("MEIP clear at the end", meip_done, 0);
  PLIC_ENABLE_CTX0 = 0;
  PLIC_PRIORITY(UART_IRQ) = 0;

  return finish("uart");
}
