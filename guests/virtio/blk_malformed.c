/* A driver that breaks the rules (virtio 1.2, 2.7) puts the device in
   DEVICE_NEEDS_RESET (2.1.2: Status bit 0x40, and with DRIVER_OK a configuration-change
   interrupt), never the machine in trouble: the device uses nothing, the guest runs
   on, and after a reset (Status = 0) and a new initialisation the device works again.
   Each case below is one such break; the XCTest checks that each gives exactly one
   line of diagnostics, in this order, and that a second break before the reset gives
   none.
   QEMU-SKIP: needs a test disk, and QEMU reports several of these cases
   differently (or not at all).
   PAGODA-FLAGS: --drive test-pattern */
#include "virtio.h"

static struct virtq q;
static struct virtq_desc table[12] __attribute__((aligned(16)));
static uint8_t buf[4096] __attribute__((aligned(16)));
static uint64_t base;

#define FEATURES (VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC)

static void start(uint64_t features) {
  check("start", virtio_start(base, &q, features), 0);
  blk_header.type = VIRTIO_BLK_T_IN;
  blk_header.reserved = 0;
  blk_header.sector = 1;
  blk_status = 0xee;
}

/* The device must be broken: NEEDS_RESET (with the configuration-change interrupt when
   `interrupt`), nothing used, status byte untouched. Then reset, restart, and read. */
static void expect_needs_reset(const char *label, int interrupt) {
  puts_(label);
  putch('\n');
  check(label, (vio_read(base, VIO_STATUS) & VIRTIO_NEEDS_RESET) != 0, 1);
  if (interrupt) check("config-change interrupt", vio_read(base, VIO_INTERRUPT_STATUS) & VIRTIO_INT_CONFIG, VIRTIO_INT_CONFIG);
  check("nothing used", *(volatile uint16_t *)&q.used.idx, 0);
  check("status byte untouched", blk_status, 0xee);
  vio_write(base, VIO_STATUS, 0);
  check("reset clears everything", vio_read(base, VIO_STATUS) | vio_read(base, VIO_INTERRUPT_STATUS), 0);
  start(FEATURES);
  for (int i = 0; i < 512; i++) buf[i] = 0;
  check("usable after the reset", blk_request(&q, VIRTIO_BLK_T_IN, 1, buf, 512, 0), VIRTIO_BLK_S_OK);
  check("data after the reset", pattern_mismatches(buf, 1, 512), 0);
  start(FEATURES);
}

/* Header, `data` (len, flags) and status on descriptors 0-2. */
static void submit3(const volatile void *data, uint32_t len, uint16_t data_flags) {
  desc_set(&q.desc[0], &blk_header, sizeof blk_header, VIRTQ_DESC_F_NEXT, 1);
  desc_set(&q.desc[1], data, len, data_flags | VIRTQ_DESC_F_NEXT, 2);
  desc_set(&q.desc[2], &blk_status, 1, VIRTQ_DESC_F_WRITE, 0);
  virtq_submit(&q, 0);
}

int main(void) {
  int slot = virtio_find(VIRTIO_ID_BLOCK);
  check("found a block device", slot >= 0, 1);
  if (slot < 0) return 1;
  base = VIRTIO_SLOT(slot);
  start(FEATURES);

  submit3((void *)0x40000000UL, 512, VIRTQ_DESC_F_WRITE);
  expect_needs_reset("buffer where nothing is", 1);

  submit3((void *)UART_BASE, 512, VIRTQ_DESC_F_WRITE);
  expect_needs_reset("buffer on a device", 1);

  submit3((void *)0xffffffffffffff00UL, 512, VIRTQ_DESC_F_WRITE);
  expect_needs_reset("buffer wrapping around the address space", 1);

  desc_set(&q.desc[0], &blk_header, sizeof blk_header, VIRTQ_DESC_F_NEXT, 1);
  desc_set(&q.desc[1], buf, 512, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
  virtq_submit(&q, 0);
  /* A second break before the reset: ignored, no second message. */
  virtq_submit(&q, 0);
  expect_needs_reset("descriptor loop", 1);

  desc_set(&table[0], &blk_header, sizeof blk_header, VIRTQ_DESC_F_NEXT, 1);
  for (int i = 1; i <= VQ_SIZE - 1; i++) desc_set(&table[i], buf + 512 * (i - 1), 512, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, (uint16_t)(i + 1));
  desc_set(&table[VQ_SIZE], &blk_status, 1, VIRTQ_DESC_F_WRITE, 0);
  desc_set(&q.desc[0], table, (VQ_SIZE + 1) * sizeof table[0], VIRTQ_DESC_F_INDIRECT, 0);
  virtq_submit(&q, 0);
  expect_needs_reset("chain longer than the queue", 1);

  submit3(buf, 512, 0);
  expect_needs_reset("read into a device-readable buffer", 1);

  blk_header.type = VIRTIO_BLK_T_OUT;
  submit3(buf, 512, VIRTQ_DESC_F_WRITE);
  expect_needs_reset("write from a device-writable buffer", 1);

  desc_set(&q.desc[0], &blk_header, sizeof blk_header, VIRTQ_DESC_F_NEXT, 1);
  desc_set(&q.desc[1], &blk_status, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
  desc_set(&q.desc[2], buf, 512, 0, 0);
  virtq_submit(&q, 0);
  expect_needs_reset("readable after writable", 1);

  blk_header.type = VIRTIO_BLK_T_FLUSH;
  desc_set(&q.desc[0], &blk_header, sizeof blk_header, 0, 0);
  virtq_submit(&q, 0);
  expect_needs_reset("no room for the status", 1);

  desc_set(&q.desc[0], &blk_header, 8, VIRTQ_DESC_F_NEXT, 2);
  desc_set(&q.desc[2], &blk_status, 1, VIRTQ_DESC_F_WRITE, 0);
  virtq_submit(&q, 0);
  expect_needs_reset("header too short", 1);

  desc_set(&q.desc[0], table, 24, VIRTQ_DESC_F_INDIRECT, 0);
  virtq_submit(&q, 0);
  expect_needs_reset("indirect table of 24 bytes", 1);

  desc_set(&table[0], &blk_header, sizeof blk_header, VIRTQ_DESC_F_NEXT, 1);
  desc_set(&table[1], table, 32, VIRTQ_DESC_F_INDIRECT, 0);
  desc_set(&q.desc[0], table, 2 * sizeof table[0], VIRTQ_DESC_F_INDIRECT, 0);
  virtq_submit(&q, 0);
  expect_needs_reset("indirect table inside a table", 1);

  desc_set(&q.desc[0], table, 2 * sizeof table[0], VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
  virtq_submit(&q, 0);
  expect_needs_reset("indirect with next", 1);

  check("start without INDIRECT_DESC", virtio_start(base, &q, VIRTIO_F_VERSION_1), 0);
  desc_set(&table[0], &blk_header, sizeof blk_header, VIRTQ_DESC_F_NEXT, 1);
  desc_set(&table[1], &blk_status, 1, VIRTQ_DESC_F_WRITE, 0);
  blk_header.type = VIRTIO_BLK_T_FLUSH;
  desc_set(&q.desc[0], table, 2 * sizeof table[0], VIRTQ_DESC_F_INDIRECT, 0);
  virtq_submit(&q, 0);
  expect_needs_reset("indirect without the feature", 1);

  desc_set(&q.desc[0], &blk_header, sizeof blk_header, VIRTQ_DESC_F_NEXT, 200);
  virtq_submit(&q, 0);
  expect_needs_reset("next index out of range", 1);

  q.avail.ring[0] = 0;
  q.next_avail = 100;
  virtq_submit(&q, 0);
  expect_needs_reset("available index jump", 1);

  /* Queue set-up errors, found when the queue is made ready (before DRIVER_OK). */
  check("negotiate", virtio_negotiate(base, FEATURES), 1);
  vio_write(base, VIO_QUEUE_SEL, 0);
  vio_write(base, VIO_QUEUE_NUM, 6);
  vio_write(base, VIO_QUEUE_DESC_LOW, (uint32_t)(uint64_t)q.desc);
  vio_write(base, VIO_QUEUE_DRIVER_LOW, (uint32_t)(uint64_t)&q.avail);
  vio_write(base, VIO_QUEUE_DEVICE_LOW, (uint32_t)(uint64_t)&q.used);
  vio_write(base, VIO_QUEUE_READY, 1);
  expect_needs_reset("queue size not a power of two", 0);

  check("negotiate", virtio_negotiate(base, FEATURES), 1);
  vio_write(base, VIO_QUEUE_NUM, 512);
  vio_write(base, VIO_QUEUE_DESC_LOW, (uint32_t)(uint64_t)q.desc);
  vio_write(base, VIO_QUEUE_DRIVER_LOW, (uint32_t)(uint64_t)&q.avail);
  vio_write(base, VIO_QUEUE_DEVICE_LOW, (uint32_t)(uint64_t)&q.used);
  vio_write(base, VIO_QUEUE_READY, 1);
  expect_needs_reset("queue size above the maximum", 0);

  check("negotiate", virtio_negotiate(base, FEATURES), 1);
  vio_write(base, VIO_QUEUE_NUM, VQ_SIZE);
  vio_write(base, VIO_QUEUE_DESC_LOW, 0x40000000);
  vio_write(base, VIO_QUEUE_DRIVER_LOW, (uint32_t)(uint64_t)&q.avail);
  vio_write(base, VIO_QUEUE_DEVICE_LOW, (uint32_t)(uint64_t)&q.used);
  vio_write(base, VIO_QUEUE_READY, 1);
  expect_needs_reset("descriptor table outside RAM", 0);

  check("negotiate", virtio_negotiate(base, FEATURES), 1);
  vio_write(base, VIO_QUEUE_NUM, VQ_SIZE);
  vio_write(base, VIO_QUEUE_DESC_LOW, (uint32_t)(uint64_t)q.desc);
  vio_write(base, VIO_QUEUE_DRIVER_LOW, (uint32_t)(uint64_t)&q.avail);
  vio_write(base, VIO_QUEUE_DEVICE_LOW, (uint32_t)(uint64_t)&q.used + 2);
  vio_write(base, VIO_QUEUE_READY, 1);
  expect_needs_reset("misaligned used ring", 0);

  return finish("virtio blk_malformed");
}
