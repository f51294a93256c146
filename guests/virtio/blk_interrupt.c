/* Completion by interrupt: the block device's PLIC source (slot n raises n + 1) wakes
   the hart from WFI, first in M-mode through hart 0's M context, then in S-mode through
   its S context with SEIP delegated (mideleg). The trap handlers of priv.h record the
   interrupt and disable it; the test then claims source 1, acknowledges
   InterruptStatus, completes the claim and finds the request done with its data in
   place (while the hart sleeps, modelled time jumps to the completion).
   QEMU-SKIP: needs a test disk in slot 0.
   PAGODA-FLAGS: --drive test-pattern */
#include "priv.h"
#include "virtio.h"

#define PLIC_REG(offset) (*(volatile uint32_t *)(PLIC_BASE + (offset)))
#define PLIC_PRIORITY(src) PLIC_REG(4 * (src))
#define PLIC_ENABLE(ctx) PLIC_REG(0x2000 + 0x80 * (ctx))
#define PLIC_THRESHOLD(ctx) PLIC_REG(0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx) PLIC_REG(0x200004 + 0x1000 * (ctx))
#define BLK_IRQ 1

static struct virtq q;
static uint8_t buf[1024];
static volatile uint64_t claimed, status_seen;

/* Claims and completes on `context`, acknowledging the device. */
static void service(int context) {
  uint32_t source = PLIC_CLAIM(context);
  claimed = source;
  uint32_t status = vio_read(VIRTIO_SLOT(0), VIO_INTERRUPT_STATUS);
  status_seen = status;
  vio_write(VIRTIO_SLOT(0), VIO_INTERRUPT_ACK, status);
  PLIC_CLAIM(context) = source;
}

/* Submits a read of `sector` on descriptors 0-2. */
static void submit_read(uint64_t sector) {
  blk_header.type = VIRTIO_BLK_T_IN;
  blk_header.sector = sector;
  blk_status = 0xee;
  desc_set(&q.desc[0], &blk_header, sizeof blk_header, VIRTQ_DESC_F_NEXT, 1);
  desc_set(&q.desc[1], buf, sizeof buf, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
  desc_set(&q.desc[2], &blk_status, 1, VIRTQ_DESC_F_WRITE, 0);
  virtq_submit(&q, 0);
}

static uint64_t s_mode_wait(uint64_t sector) {
  CSR_SET(sie, MIP(IRQ_S_EXT));
  CSR_SET(sstatus, MSTATUS_SIE);
  submit_read(sector);
  uint64_t before = trap_count;
  for (int i = 0; i < 1000 && trap_count == before; i++) asm volatile("wfi");
  return trap_count - before;
}

int main(void) {
  priv_init();
  uint64_t base = VIRTIO_SLOT(0);
  check("start", virtio_start(base, &q, VIRTIO_F_VERSION_1), 0);
  PLIC_PRIORITY(BLK_IRQ) = 1;
  PLIC_THRESHOLD(0) = 0;
  PLIC_THRESHOLD(1) = 0;

  puts_("M-mode\n");
  PLIC_ENABLE(0) = 1u << BLK_IRQ;
  trap_reset();
  CSR_WRITE(mie, MIP(IRQ_M_EXT));
  submit_read(6);
  check("nothing yet", virtq_has_used(&q), 0);
  CSR_SET(mstatus, MSTATUS_MIE);
  for (int i = 0; i < 1000 && trap_count == 0; i++) asm volatile("wfi");
  CSR_CLEAR(mstatus, MSTATUS_MIE);
  service(0);
  check("one interrupt", trap_count, 1);
  check("machine external interrupt", trap_at(0)->cause, CAUSE_INTERRUPT | IRQ_M_EXT);
  check("claimed the block device's source", claimed, BLK_IRQ);
  check("used-buffer interrupt", status_seen, VIRTIO_INT_USED);
  check("used element", virtq_wait(&q, 0, 0), 1);
  check("status", blk_status, VIRTIO_BLK_S_OK);
  check("data", pattern_mismatches(buf, 6, sizeof buf), 0);
  check("line low after the acknowledgement", (PLIC_REG(0x1000) >> BLK_IRQ) & 1, 0);

  puts_("S-mode\n");
  PLIC_ENABLE(0) = 0;
  PLIC_ENABLE(1) = 1u << BLK_IRQ;
  CSR_WRITE(mideleg, MIP(IRQ_S_EXT));
  CSR_WRITE(mie, MIP(IRQ_S_EXT));
  trap_reset();
  check("one interrupt in S-mode", priv_run(MODE_S, s_mode_wait, 8), 1);
  service(1);
  check("taken by the S handler", trap_at(0)->handler, MODE_S);
  check("supervisor external interrupt", trap_at(0)->cause, CAUSE_INTERRUPT | IRQ_S_EXT);
  check("S: claimed the block device's source", claimed, BLK_IRQ);
  check("S: used element", virtq_wait(&q, 0, 0), 1);
  check("S: data", pattern_mismatches(buf, 8, sizeof buf), 0);
  return finish("virtio blk_interrupt");
}

