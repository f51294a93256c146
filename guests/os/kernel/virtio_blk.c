/* A virtio block driver, the disk under swap (MOS 4th ed. 5.3 "I/O Software Layers":
   a device driver, and 5.4 "Disks"): virtio over MMIO, version 2 (virtio 1.2, 4.2.2 the
   register layout, 4.2.3.1 device initialization), one split virtqueue (2.7) used
   synchronously: each request is three descriptors (5.2.6: the header, the data, the
   status byte), the driver notifies the device and polls the used ring. Requests come
   only from the swap code, which runs under the big kernel lock, so one request is in
   flight at a time. The registers are reached through the kernel's PBMT=IO mapping. */
#include "kernel.h"

#define SLOT(n) (0x10001000UL + 0x1000UL * (u64)(n))
#define SLOTS 8
#define R_MAGIC 0x000
#define R_VERSION 0x004
#define R_DEVICE_ID 0x008
#define R_DEVICE_FEATURES 0x010
#define R_DEVICE_FEATURES_SEL 0x014
#define R_DRIVER_FEATURES 0x020
#define R_DRIVER_FEATURES_SEL 0x024
#define R_QUEUE_SEL 0x030
#define R_QUEUE_NUM_MAX 0x034
#define R_QUEUE_NUM 0x038
#define R_QUEUE_READY 0x044
#define R_QUEUE_NOTIFY 0x050
#define R_INTERRUPT_STATUS 0x060
#define R_INTERRUPT_ACK 0x064
#define R_STATUS 0x070
#define R_QUEUE_DESC 0x080
#define R_QUEUE_DRIVER 0x090
#define R_QUEUE_DEVICE 0x0a0
#define R_CONFIG 0x100
#define ST_ACKNOWLEDGE 1
#define ST_DRIVER 2
#define ST_DRIVER_OK 4
#define ST_FEATURES_OK 8
#define F_VERSION_1_HIGH 1          /* feature bit 32, in the upper word */
#define F_BLK_RO (1u << 5)
#define DESC_NEXT 1
#define DESC_WRITE 2
#define QSIZE 4

struct desc { u64 addr; u32 len; uint16_t flags, next; };
struct avail { uint16_t flags, idx, ring[QSIZE]; uint16_t used_event; };
struct used_elem { u32 id, len; };
struct used { uint16_t flags, idx; struct used_elem ring[QSIZE]; uint16_t avail_event; };
struct blk_header { u32 type, reserved; u64 sector; };

static struct desc descs[QSIZE] __attribute__((aligned(16)));
static struct avail avail __attribute__((aligned(4)));
static struct used used __attribute__((aligned(8)));
static struct blk_header header;
static volatile u8 status_byte;
static u64 base;                 /* the device's registers, 0 if none */
static u64 capacity;             /* in 512-byte sectors */
static uint16_t last_used;
static int slot_found;
u64 virtio_requests;

static u32 rd(u64 off) { return *(volatile u32 *)(base + off); }
static void wr(u64 off, u32 v) { *(volatile u32 *)(base + off) = v; }
static void wr64(u64 off, u64 v) { wr(off, (u32)v); wr(off + 4, (u32)(v >> 32)); }

/* Finds the first writable virtio block device and sets it up; 0 if there is none. */
int virtio_blk_init(void) {
  for (int n = 0; n < SLOTS; n++) {
    u64 b = SLOT(n);
    if (*(volatile u32 *)(b + R_MAGIC) != 0x74726976 || *(volatile u32 *)(b + R_VERSION) != 2 ||
        *(volatile u32 *)(b + R_DEVICE_ID) != 2)
      continue;
    base = b;
    wr(R_STATUS, 0);
    wr(R_STATUS, ST_ACKNOWLEDGE);
    wr(R_STATUS, ST_ACKNOWLEDGE | ST_DRIVER);
    wr(R_DEVICE_FEATURES_SEL, 0);
    u32 low = rd(R_DEVICE_FEATURES);
    wr(R_DEVICE_FEATURES_SEL, 1);
    u32 high = rd(R_DEVICE_FEATURES);
    if (!(high & F_VERSION_1_HIGH) || (low & F_BLK_RO)) { wr(R_STATUS, 0x80); base = 0; continue; }  /* FAILED */
    wr(R_DRIVER_FEATURES_SEL, 0);
    wr(R_DRIVER_FEATURES, 0);
    wr(R_DRIVER_FEATURES_SEL, 1);
    wr(R_DRIVER_FEATURES, F_VERSION_1_HIGH);
    wr(R_STATUS, ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK);
    if (!(rd(R_STATUS) & ST_FEATURES_OK)) { wr(R_STATUS, 0x80); base = 0; continue; }
    wr(R_QUEUE_SEL, 0);
    if (rd(R_QUEUE_NUM_MAX) < QSIZE) { wr(R_STATUS, 0x80); base = 0; continue; }
    wr(R_QUEUE_NUM, QSIZE);
    wr64(R_QUEUE_DESC, (u64)descs);
    wr64(R_QUEUE_DRIVER, (u64)&avail);
    wr64(R_QUEUE_DEVICE, (u64)&used);
    wr(R_QUEUE_READY, 1);
    wr(R_STATUS, ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
    capacity = (u64)rd(R_CONFIG) | ((u64)rd(R_CONFIG + 4) << 32);
    avail.flags = 1;             /* no interrupts: the driver polls */
    last_used = used.idx;
    slot_found = n;
    return 1;
  }
  return 0;
}

u64 virtio_blk_capacity(void) { return capacity; }
int virtio_blk_slot(void) { return slot_found; }

/* Reads (write = 0) or writes 4 KiB at `sector`; 0 on success. */
int virtio_blk_page(u64 sector, void *page, int write) {
  if (!base || sector + 8 > capacity) return -1;
  header.type = write ? 1 : 0;
  header.reserved = 0;
  header.sector = sector;
  status_byte = 0xff;
  descs[0] = (struct desc){ (u64)&header, sizeof header, DESC_NEXT, 1 };
  descs[1] = (struct desc){ (u64)page, (u32)PAGE, (uint16_t)(DESC_NEXT | (write ? 0 : DESC_WRITE)), 2 };
  descs[2] = (struct desc){ (u64)&status_byte, 1, DESC_WRITE, 0 };
  avail.ring[avail.idx % QSIZE] = 0;
  asm volatile("fence rw, rw" ::: "memory");
  avail.idx = (uint16_t)(avail.idx + 1);
  asm volatile("fence rw, rw" ::: "memory");
  wr(R_QUEUE_NOTIFY, 0);
  for (u64 spins = 0; *(volatile uint16_t *)&used.idx == last_used; spins++)
    if (spins > 100000000UL) return -1;
  asm volatile("fence rw, rw" ::: "memory");
  last_used = used.idx;
  u32 pending = rd(R_INTERRUPT_STATUS);
  if (pending) wr(R_INTERRUPT_ACK, pending);
  virtio_requests++;
  return status_byte == 0 ? 0 : -1;
}
