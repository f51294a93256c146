/* A read-only drive (--drive ...,readonly=on): the device offers VIRTIO_BLK_F_RO
   (5.2.3), reads work, writes answer VIRTIO_BLK_S_IOERR and leave the data as it was,
   FLUSH succeeds. The XCTest checks that the file is unchanged.
   QEMU-SKIP: needs a read-only test disk (QEMU 7.2 in modern mode, -drive ...,readonly=on, passes it too).
   PAGODA-FLAGS: --drive test-pattern,readonly=on */
#include "virtio.h"

static struct virtq q;
static uint8_t buf[1024];

int main(void) {
  int slot = virtio_find(VIRTIO_ID_BLOCK);
  check("found a block device", slot >= 0, 1);
  if (slot < 0) return 1;
  uint64_t base = VIRTIO_SLOT(slot);
  uint64_t features = virtio_device_features(base);
  check("RO offered", (features & VIRTIO_BLK_F_RO) != 0, 1);
  check("start", virtio_start(base, &q, VIRTIO_F_VERSION_1 | VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH), 0);
  check("read", blk_request(&q, VIRTIO_BLK_T_IN, 2, buf, 1024, 0), VIRTIO_BLK_S_OK);
  check("data", pattern_mismatches(buf, 2, 1024), 0);
  for (int i = 0; i < 1024; i++) buf[i] = 0x5a;
  uint32_t used = 0;
  check("write refused", blk_request(&q, VIRTIO_BLK_T_OUT, 2, buf, 1024, &used), VIRTIO_BLK_S_IOERR);
  check("write refused: used length", used, 1);
  check("read again", blk_request(&q, VIRTIO_BLK_T_IN, 2, buf, 1024, 0), VIRTIO_BLK_S_OK);
  check("data unchanged", pattern_mismatches(buf, 2, 1024), 0);
  check("flush", blk_request(&q, VIRTIO_BLK_T_FLUSH, 0, 0, 0, 0), VIRTIO_BLK_S_OK);
  check("device fine", vio_read(base, VIO_STATUS) & VIRTIO_NEEDS_RESET, 0);
  return finish("virtio blk_readonly");
}
