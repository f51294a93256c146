/* A small bare-metal driver for virtio over MMIO, version 2 (virtio 1.2, 4.2), with one
   split virtqueue (2.7) per device, for the guests/virtio tests. Everything runs in
   M-mode with physical addresses. The device slots are those of QEMU's virt board:
   0x10001000 + 0x1000 n, PLIC source n + 1.

   The helpers poll the used ring; blk_request() builds the three-part block request
   of 5.2.6 (header, data, status) on descriptors 0-2. */
#ifndef VIRTIO_H
#define VIRTIO_H
#include "guest.h"

#define VIRTIO_SLOT(n) (0x10001000UL + 0x1000UL * (uint64_t)(n))
#define VIRTIO_SLOTS 8
#define VIRTIO_MAGIC 0x74726976u
#define VIRTIO_VENDOR_QEMU 0x554d4551u
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_ENTROPY 4

/* Register offsets (4.2.2). */
#define VIO_MAGIC 0x000
#define VIO_VERSION 0x004
#define VIO_DEVICE_ID 0x008
#define VIO_VENDOR_ID 0x00c
#define VIO_DEVICE_FEATURES 0x010
#define VIO_DEVICE_FEATURES_SEL 0x014
#define VIO_DRIVER_FEATURES 0x020
#define VIO_DRIVER_FEATURES_SEL 0x024
#define VIO_QUEUE_SEL 0x030
#define VIO_QUEUE_NUM_MAX 0x034
#define VIO_QUEUE_NUM 0x038
#define VIO_QUEUE_READY 0x044
#define VIO_QUEUE_NOTIFY 0x050
#define VIO_INTERRUPT_STATUS 0x060
#define VIO_INTERRUPT_ACK 0x064
#define VIO_STATUS 0x070
#define VIO_QUEUE_DESC_LOW 0x080
#define VIO_QUEUE_DESC_HIGH 0x084
#define VIO_QUEUE_DRIVER_LOW 0x090
#define VIO_QUEUE_DRIVER_HIGH 0x094
#define VIO_QUEUE_DEVICE_LOW 0x0a0
#define VIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIO_CONFIG_GENERATION 0x0fc
#define VIO_CONFIG 0x100

/* Device status (2.1) and interrupt status bits (4.2.2). */
#define VIRTIO_ACKNOWLEDGE 1u
#define VIRTIO_DRIVER 2u
#define VIRTIO_DRIVER_OK 4u
#define VIRTIO_FEATURES_OK 8u
#define VIRTIO_NEEDS_RESET 0x40u
#define VIRTIO_INT_USED 1u
#define VIRTIO_INT_CONFIG 2u

/* Feature bits (6, 5.2.3). */
#define VIRTIO_F_INDIRECT_DESC (1ULL << 28)
#define VIRTIO_F_EVENT_IDX (1ULL << 29)
#define VIRTIO_F_VERSION_1 (1ULL << 32)
#define VIRTIO_BLK_F_SIZE_MAX (1ULL << 1)
#define VIRTIO_BLK_F_SEG_MAX (1ULL << 2)
#define VIRTIO_BLK_F_RO (1ULL << 5)
#define VIRTIO_BLK_F_BLK_SIZE (1ULL << 6)
#define VIRTIO_BLK_F_FLUSH (1ULL << 9)

/* Block requests (5.2.6). */
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2
#define BLK_TIMEOUT 0xff   /* blk_request(): no completion came */

/* Descriptor flags (2.7.5). */
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

#define VQ_SIZE 8

struct virtq_desc {
  uint64_t addr;
  uint32_t len;
  uint16_t flags;
  uint16_t next;
};

/* One queue of VQ_SIZE entries: the three areas (aligned as 2.7 requires) and the
   driver's own indices. */
struct virtq {
  struct virtq_desc desc[VQ_SIZE];
  struct {
    uint16_t flags, idx, ring[VQ_SIZE], used_event;
  } avail;
  struct {
    uint16_t flags, idx;
    struct { uint32_t id, len; } ring[VQ_SIZE];
    uint16_t avail_event;
  } used __attribute__((aligned(4)));
  uint64_t base;
  uint16_t next_avail, last_used;
} __attribute__((aligned(16)));

struct virtio_blk_header {
  uint32_t type, reserved;
  uint64_t sector;
};

static inline uint32_t vio_read(uint64_t base, uint32_t offset) { return *(volatile uint32_t *)(base + offset); }
static inline void vio_write(uint64_t base, uint32_t offset, uint32_t value) { *(volatile uint32_t *)(base + offset) = value; }
static inline void vio_fence(void) { asm volatile("fence rw, rw" ::: "memory"); }

/* The first slot holding a device of type `id`, or -1. */
static inline int virtio_find(uint32_t id) {
  for (int n = 0; n < VIRTIO_SLOTS; n++)
    if (vio_read(VIRTIO_SLOT(n), VIO_MAGIC) == VIRTIO_MAGIC && vio_read(VIRTIO_SLOT(n), VIO_DEVICE_ID) == id) return n;
  return -1;
}

static inline uint64_t virtio_device_features(uint64_t base) {
  vio_write(base, VIO_DEVICE_FEATURES_SEL, 1);
  uint64_t high = vio_read(base, VIO_DEVICE_FEATURES);
  vio_write(base, VIO_DEVICE_FEATURES_SEL, 0);
  return high << 32 | vio_read(base, VIO_DEVICE_FEATURES);
}

/* 3.1.1 steps 1-6: reset, ACKNOWLEDGE, DRIVER, write `features`, FEATURES_OK, and
   read it back. Returns whether the device accepted the features. */
static inline int virtio_negotiate(uint64_t base, uint64_t features) {
  vio_write(base, VIO_STATUS, 0);
  vio_write(base, VIO_STATUS, VIRTIO_ACKNOWLEDGE);
  vio_write(base, VIO_STATUS, VIRTIO_ACKNOWLEDGE | VIRTIO_DRIVER);
  vio_write(base, VIO_DRIVER_FEATURES_SEL, 0);
  vio_write(base, VIO_DRIVER_FEATURES, (uint32_t)features);
  vio_write(base, VIO_DRIVER_FEATURES_SEL, 1);
  vio_write(base, VIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
  vio_write(base, VIO_STATUS, VIRTIO_ACKNOWLEDGE | VIRTIO_DRIVER | VIRTIO_FEATURES_OK);
  return (vio_read(base, VIO_STATUS) & VIRTIO_FEATURES_OK) != 0;
}

/* Points queue 0 at `q` with `size` entries (4.2.3.2) and makes it ready. */
static inline void virtq_setup(uint64_t base, struct virtq *q, uint32_t size) {
  uint8_t *p = (uint8_t *)q;
  for (uint64_t i = 0; i < sizeof *q; i++) p[i] = 0;
  q->base = base;
  vio_write(base, VIO_QUEUE_SEL, 0);
  vio_write(base, VIO_QUEUE_NUM, size);
  vio_write(base, VIO_QUEUE_DESC_LOW, (uint32_t)(uint64_t)q->desc);
  vio_write(base, VIO_QUEUE_DESC_HIGH, (uint32_t)((uint64_t)q->desc >> 32));
  vio_write(base, VIO_QUEUE_DRIVER_LOW, (uint32_t)(uint64_t)&q->avail);
  vio_write(base, VIO_QUEUE_DRIVER_HIGH, (uint32_t)((uint64_t)&q->avail >> 32));
  vio_write(base, VIO_QUEUE_DEVICE_LOW, (uint32_t)(uint64_t)&q->used);
  vio_write(base, VIO_QUEUE_DEVICE_HIGH, (uint32_t)((uint64_t)&q->used >> 32));
  vio_write(base, VIO_QUEUE_READY, 1);
}

/* The whole initialisation (3.1.1): features, queue 0, DRIVER_OK. Returns 0 on success. */
static inline int virtio_start(uint64_t base, struct virtq *q, uint64_t features) {
  if (!virtio_negotiate(base, features)) return 1;
  virtq_setup(base, q, VQ_SIZE);
  vio_write(base, VIO_STATUS, vio_read(base, VIO_STATUS) | VIRTIO_DRIVER_OK);
  return (vio_read(base, VIO_STATUS) & VIRTIO_NEEDS_RESET) ? 2 : 0;
}

/* Makes the chain at `head` available and notifies the device (2.7.13). */
static inline void virtq_submit(struct virtq *q, uint16_t head) {
  q->avail.ring[q->next_avail % VQ_SIZE] = head;
  vio_fence();
  q->next_avail++;
  *(volatile uint16_t *)&q->avail.idx = q->next_avail;
  vio_fence();
  vio_write(q->base, VIO_QUEUE_NOTIFY, 0);
}

/* Whether a used element is waiting. */
static inline int virtq_has_used(struct virtq *q) { return *(volatile uint16_t *)&q->used.idx != q->last_used; }

/* Waits (polling) for the next used element; returns 1 and its id and length, or 0
   when none comes. */
static inline int virtq_wait(struct virtq *q, uint32_t *id, uint32_t *len) {
  for (uint64_t spin = 0; spin < 20000000; spin++) {
    if (virtq_has_used(q)) {
      vio_fence();
      uint16_t slot = q->last_used % VQ_SIZE;
      if (id) *id = *(volatile uint32_t *)&q->used.ring[slot].id;
      if (len) *len = *(volatile uint32_t *)&q->used.ring[slot].len;
      q->last_used++;
      return 1;
    }
  }
  return 0;
}

static inline void desc_set(struct virtq_desc *d, const volatile void *addr, uint32_t len, uint16_t flags, uint16_t next) {
  d->addr = (uint64_t)addr;
  d->len = len;
  d->flags = flags;
  d->next = next;
}

static struct virtio_blk_header __attribute__((unused)) blk_header;
static volatile uint8_t __attribute__((unused)) blk_status;

/* A block request of `type` at `sector` with `len` bytes of `data` (none when len is 0)
   on descriptors 0-2: the data is device-writable for IN and GET_ID. Waits for it and
   returns its status (BLK_TIMEOUT if it never completes); `*used_len` gets the used
   length when not NULL. */
static inline int blk_request(struct virtq *q, uint32_t type, uint64_t sector, void *data, uint32_t len, uint32_t *used_len) {
  blk_header.type = type;
  blk_header.reserved = 0;
  blk_header.sector = sector;
  blk_status = 0xee;
  uint16_t data_flags = (type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID) ? VIRTQ_DESC_F_WRITE : 0;
  if (len) {
    desc_set(&q->desc[0], &blk_header, sizeof blk_header, VIRTQ_DESC_F_NEXT, 1);
    desc_set(&q->desc[1], data, len, data_flags | VIRTQ_DESC_F_NEXT, 2);
    desc_set(&q->desc[2], &blk_status, 1, VIRTQ_DESC_F_WRITE, 0);
  } else {
    desc_set(&q->desc[0], &blk_header, sizeof blk_header, VIRTQ_DESC_F_NEXT, 2);
    desc_set(&q->desc[2], &blk_status, 1, VIRTQ_DESC_F_WRITE, 0);
  }
  virtq_submit(q, 0);
  uint32_t id = 0xffff, length = 0;
  if (!virtq_wait(q, &id, &length)) return BLK_TIMEOUT;
  if (used_len) *used_len = length;
  if (id != 0) return 0xfe;
  return blk_status;
}

/* The test disk's contents (GuestRunner's `--drive test-pattern`): byte i of sector s. */
static inline uint8_t pattern_byte(uint64_t sector, uint64_t i) { return (uint8_t)(sector * 31 + i); }

/* The number of bytes of `buf` (len bytes, starting at byte `offset` of `sector`) that
   differ from the pattern. */
static inline uint64_t pattern_mismatches(const volatile uint8_t *buf, uint64_t sector, uint64_t len) {
  uint64_t bad = 0;
  for (uint64_t i = 0; i < len; i++)
    if (buf[i] != pattern_byte(sector + i / 512, i % 512)) bad++;
  return bad;
}

/* The blk device's configuration space (5.2.4), read field by field. */
static inline uint64_t blk_capacity(uint64_t base) {
  return (uint64_t)vio_read(base, VIO_CONFIG + 4) << 32 | vio_read(base, VIO_CONFIG);
}
#endif
