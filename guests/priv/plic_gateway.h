/* The PLIC's gateway for a level-triggered source that stays high: the 16550's
   THR-empty interrupt (PLIC source 10), which only an IIR read or a THR write clears.
   The sequence runs with interrupts off at the hart and reads the PLIC's pending bits
   and its claim register directly (context 0, hart 0's M-mode), writing nothing to the
   console until it is over, since every byte written raises THR empty again.

   With QEMU's gateway (Pagoda's default, `--plic-gateway qemu`) a request is made each
   time the device raises its line: completing a request whose condition was never
   cleared makes no new one; a THR write raises the line again, even while the request
   is in service; an IER write raises it when it turns ETBEI on (QEMU's 16550, which
   sets THR empty only on that edge). With the PLIC specification's gateway
   (`--plic-gateway spec`) "the gateway can forward a new interrupt request" after the
   completion as long as the level is high, and nothing is forwarded while in service. */
#include "priv.h"

static volatile uint8_t *const uart = (volatile uint8_t *)UART_BASE;
enum { THR = 0, IER = 1, IIR = 2, LSR = 5 };
#define IER_ETBEI 0x02
#define UART_IRQ 10
#define PLIC_REG(offset) (*(volatile uint32_t *)(PLIC_BASE + (offset)))
#define PLIC_PRIORITY(src) PLIC_REG(4 * (src))
#define PLIC_PENDING       PLIC_REG(0x1000)
#define PLIC_ENABLE_CTX0   PLIC_REG(0x2000)
#define PLIC_THRESHOLD_CTX0 PLIC_REG(0x200000)
#define PLIC_CLAIM_CTX0    PLIC_REG(0x200004)

static uint32_t uart_pending(void) { return (PLIC_PENDING >> UART_IRQ) & 1; }

/* `spec`: whether the specification's gateway is expected (else QEMU's). */
static int plic_gateway_test(const char *name, int spec) {
  priv_init();
  CSR_CLEAR(mstatus, MSTATUS_MIE);
  CSR_WRITE(mie, 0);
  uart[IER] = 0;
  PLIC_PRIORITY(UART_IRQ) = 1;
  PLIC_ENABLE_CTX0 = 1u << UART_IRQ;
  PLIC_THRESHOLD_CTX0 = 0;
  uint32_t quiet = uart_pending();

  uart[IER] = IER_ETBEI;               /* THR is empty: the line rises */
  uint32_t raised = uart_pending();
  uint32_t first = PLIC_CLAIM_CTX0;
  uint32_t claimed_pending = uart_pending();
  (void)uart[LSR];                     /* as a driver that never reads IIR */
  PLIC_CLAIM_CTX0 = first;             /* complete with the line still high */
  uint32_t after_complete = uart_pending();
  uint32_t second = PLIC_CLAIM_CTX0;   /* 10 with spec's gateway, 0 with QEMU's */
  if (second) PLIC_CLAIM_CTX0 = second;

  uart[THR] = '.';                     /* a byte written: THR empties, the line is raised */
  uint32_t after_write = uart_pending();
  uint32_t third = PLIC_CLAIM_CTX0;
  uart[IER] = IER_ETBEI;               /* IER unchanged: nothing is raised */
  uint32_t unchanged_ier = uart_pending();
  uart[THR] = '.';                     /* raised again while the request is in service */
  uint32_t in_service_pending = uart_pending();
  PLIC_CLAIM_CTX0 = third;
  uint32_t fourth = PLIC_CLAIM_CTX0;   /* 10 with QEMU's gateway (and with spec's: still high) */
  if (fourth) PLIC_CLAIM_CTX0 = fourth;

  uint8_t iir = uart[IIR];             /* reports THR empty and clears it: the line falls */
  uint32_t after_iir = uart_pending();
  uint32_t fifth = PLIC_CLAIM_CTX0;
  uart[IER] = 0;
  PLIC_ENABLE_CTX0 = 0;
  PLIC_PRIORITY(UART_IRQ) = 0;

  puts_("\n");
  check("nothing pending with the line low", quiet, 0);
  check("IER.ETBEI with THR empty raises a request", raised, 1);
  check("the claim returns the UART", first, UART_IRQ);
  check("a claimed request is not pending", claimed_pending, 0);
  check("completion with the line high", after_complete, spec ? 1 : 0);
  check("claim after that completion", second, spec ? UART_IRQ : 0);
  check("a THR write raises a request", after_write, 1);
  check("claim after the THR write", third, UART_IRQ);
  check("an unchanged IER raises nothing", unchanged_ier, 0);
  check("raised while in service", in_service_pending, spec ? 0 : 1);
  check("claim after completing it", fourth, UART_IRQ);
  check("IIR reports THR empty", iir & 0x0f, 0x02);
  check("the IIR read lowers the line", after_iir, 0);
  check("nothing to claim at the end", fifth, 0);
  return finish(name);
}
