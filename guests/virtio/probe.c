/* Probing the eight virtio-mmio slots (virtio 1.2, 4.2.2): every slot answers the
   magic value "virt", version 2 and QEMU's vendor id; slot 0 holds the block device
   (DeviceID 2), slot 1 the entropy device (4), slots 2-7 are empty (DeviceID 0, other
   registers 0). Feature negotiation (3.1.1): the block device offers VERSION_1,
   INDIRECT_DESC, EVENT_IDX, SIZE_MAX, SEG_MAX, BLK_SIZE and FLUSH but not RO; FEATURES_OK
   stays clear for a feature it did not offer (a driver without VERSION_1 is accepted, as QEMU does). The configuration
   space (5.2.4): capacity 64 sectors, size_max, seg_max, blk_size 512. Queue registers
   read back; writing 0 to Status resets the device.
   QEMU-SKIP: needs a test disk in slot 0 and the entropy device in slot 1 (QEMU puts
   its first device in the last slot and the comparison runs it without devices).
   PAGODA-FLAGS: --drive test-pattern */
#include "virtio.h"

int main(void) {
  puts_("slots\n");
  for (int n = 0; n < VIRTIO_SLOTS; n++) {
    uint64_t base = VIRTIO_SLOT(n);
    check("magic", vio_read(base, VIO_MAGIC), VIRTIO_MAGIC);
    check("version", vio_read(base, VIO_VERSION), 2);
    check("vendor", vio_read(base, VIO_VENDOR_ID), VIRTIO_VENDOR_QEMU);
    uint32_t want = n == 0 ? VIRTIO_ID_BLOCK : n == 1 ? VIRTIO_ID_ENTROPY : 0;
    check("device id", vio_read(base, VIO_DEVICE_ID), want);
    if (n >= 2) {
      check("empty slot: features", vio_read(base, VIO_DEVICE_FEATURES), 0);
      check("empty slot: queue max", vio_read(base, VIO_QUEUE_NUM_MAX), 0);
      vio_write(base, VIO_STATUS, VIRTIO_ACKNOWLEDGE);
      check("empty slot: status ignores writes", vio_read(base, VIO_STATUS), 0);
    }
  }
  check("find block", virtio_find(VIRTIO_ID_BLOCK), 0);
  check("find entropy", virtio_find(VIRTIO_ID_ENTROPY), 1);

  uint64_t blk = VIRTIO_SLOT(0);
  puts_("features\n");
  uint64_t features = virtio_device_features(blk);
  uint64_t offered = VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC | VIRTIO_F_EVENT_IDX | VIRTIO_BLK_F_SIZE_MAX |
                     VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH;
  check("offered features", features, offered);
  vio_write(blk, VIO_DEVICE_FEATURES_SEL, 2);
  check("features word 2", vio_read(blk, VIO_DEVICE_FEATURES), 0);
  check("unoffered feature refused", virtio_negotiate(blk, VIRTIO_F_VERSION_1 | VIRTIO_BLK_F_RO), 0);
  check("no VERSION_1 accepted (as on QEMU)", virtio_negotiate(blk, VIRTIO_BLK_F_FLUSH), 1);
  check("subset accepted", virtio_negotiate(blk, VIRTIO_F_VERSION_1 | VIRTIO_BLK_F_FLUSH), 1);
  check("status after FEATURES_OK", vio_read(blk, VIO_STATUS), VIRTIO_ACKNOWLEDGE | VIRTIO_DRIVER | VIRTIO_FEATURES_OK);
  check("everything accepted", virtio_negotiate(blk, features), 1);

  puts_("configuration space\n");
  check("capacity", blk_capacity(blk), 64);
  check("size_max", vio_read(blk, VIO_CONFIG + 8), 1u << 20);
  check("seg_max", vio_read(blk, VIO_CONFIG + 12), 254);
  check("blk_size", vio_read(blk, VIO_CONFIG + 20), 512);
  check("blk_size by bytes", *(volatile uint8_t *)(blk + VIO_CONFIG + 21), 2);
  check("capacity by halfword", *(volatile uint16_t *)(blk + VIO_CONFIG), 64);
  check("config generation", vio_read(blk, VIO_CONFIG_GENERATION), 0);

  puts_("queue registers\n");
  vio_write(blk, VIO_QUEUE_SEL, 0);
  check("queue max", vio_read(blk, VIO_QUEUE_NUM_MAX), 256);
  check("queue not ready", vio_read(blk, VIO_QUEUE_READY), 0);
  vio_write(blk, VIO_QUEUE_NUM, 16);
  check("queue num", vio_read(blk, VIO_QUEUE_NUM), 16);
  vio_write(blk, VIO_QUEUE_DESC_LOW, 0x80100000);
  vio_write(blk, VIO_QUEUE_DESC_HIGH, 0);
  check("desc low", vio_read(blk, VIO_QUEUE_DESC_LOW), 0x80100000);
  vio_write(blk, VIO_QUEUE_SEL, 1);
  check("queue 1 does not exist", vio_read(blk, VIO_QUEUE_NUM_MAX), 0);
  vio_write(blk, VIO_STATUS, 0);
  check("reset status", vio_read(blk, VIO_STATUS), 0);
  vio_write(blk, VIO_QUEUE_SEL, 0);
  check("reset: queue num back to max", vio_read(blk, VIO_QUEUE_NUM), 256);
  check("reset: desc cleared", vio_read(blk, VIO_QUEUE_DESC_LOW), 0);
  return finish("virtio probe");
}
