/* Notification suppression (virtio 1.2, 2.7.7 and 2.7.10). With VIRTIO_F_EVENT_IDX the
   device publishes avail_event (the available index it wants to hear about next) as it
   takes requests, and raises the used-buffer interrupt only when the used index passes
   the driver's used_event: with used_event one ahead, the first completion raises
   nothing and the second does. Without EVENT_IDX, VIRTQ_AVAIL_F_NO_INTERRUPT suppresses
   the interrupt and clearing it lets the next completion raise one. Interrupts are
   observed in InterruptStatus and the PLIC's pending bit for the slot's source.
   QEMU-SKIP: needs a test disk (QEMU 7.2 in modern mode passes it too).
   PAGODA-FLAGS: --drive test-pattern */
#include "virtio.h"

#define PLIC_PENDING (*(volatile uint32_t *)(PLIC_BASE + 0x1000))

static struct virtq q;
static uint8_t buf[512];

static uint32_t interrupt_status(uint64_t base) { return vio_read(base, VIO_INTERRUPT_STATUS) & VIRTIO_INT_USED; }

int main(void) {
  int slot = virtio_find(VIRTIO_ID_BLOCK);
  check("found a block device", slot >= 0, 1);
  if (slot < 0) return finish("virtio blk_event_idx");
  uint64_t base = VIRTIO_SLOT(slot);
  int source = slot + 1;

  puts_("event index\n");
  check("start", virtio_start(base, &q, VIRTIO_F_VERSION_1 | VIRTIO_F_EVENT_IDX), 0);
  q.avail.used_event = 0;  /* interrupt when entry 0 is used */
  check("first read", blk_request(&q, VIRTIO_BLK_T_IN, 0, buf, 512, 0), VIRTIO_BLK_S_OK);
  check("avail_event published", *(volatile uint16_t *)&q.used.avail_event, 1);
  check("interrupt for used_event 0", interrupt_status(base), 1);
  check("PLIC source pending", (PLIC_PENDING >> source) & 1, 1);
  vio_write(base, VIO_INTERRUPT_ACK, VIRTIO_INT_USED);
  check("acknowledged", interrupt_status(base), 0);

  /* used.idx is 1: ask to hear only when entry 2 is used (after two more requests). */
  q.avail.used_event = 2;
  check("second read", blk_request(&q, VIRTIO_BLK_T_IN, 1, buf, 512, 0), VIRTIO_BLK_S_OK);
  check("used index 2", *(volatile uint16_t *)&q.used.idx, 2);
  check("suppressed", interrupt_status(base), 0);
  check("avail_event follows", *(volatile uint16_t *)&q.used.avail_event, 2);
  check("third read", blk_request(&q, VIRTIO_BLK_T_IN, 2, buf, 512, 0), VIRTIO_BLK_S_OK);
  check("interrupt once used_event is passed", interrupt_status(base), 1);
  check("data", pattern_mismatches(buf, 2, 512), 0);
  vio_write(base, VIO_INTERRUPT_ACK, VIRTIO_INT_USED);

  /* used_event far behind (0, the index wrapped past it long ago): nothing. */
  q.avail.used_event = 0;
  check("fourth read", blk_request(&q, VIRTIO_BLK_T_IN, 3, buf, 512, 0), VIRTIO_BLK_S_OK);
  check("used_event behind: suppressed", interrupt_status(base), 0);

  puts_("no-interrupt flag\n");
  check("restart without EVENT_IDX", virtio_start(base, &q, VIRTIO_F_VERSION_1), 0);
  q.avail.flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
  check("read with NO_INTERRUPT", blk_request(&q, VIRTIO_BLK_T_IN, 4, buf, 512, 0), VIRTIO_BLK_S_OK);
  check("NO_INTERRUPT: suppressed", interrupt_status(base), 0);
  check("no avail_event without EVENT_IDX", *(volatile uint16_t *)&q.used.avail_event, 0);
  q.avail.flags = 0;
  check("read without the flag", blk_request(&q, VIRTIO_BLK_T_IN, 5, buf, 512, 0), VIRTIO_BLK_S_OK);
  check("interrupt without the flag", interrupt_status(base), 1);
  vio_write(base, VIO_INTERRUPT_ACK, VIRTIO_INT_USED);
  check("acknowledged again", interrupt_status(base), 0);
  return finish("virtio blk_event_idx");
}
