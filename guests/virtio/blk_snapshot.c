/* A snapshot drive (--drive ...,snapshot=on): writes succeed and read back, whole and
   partial sectors over several requests, neighbouring sectors keep the image's data,
   and FLUSH succeeds; the XCTest checks that the file itself is unchanged.
   QEMU-SKIP: needs a snapshot test disk (QEMU 7.2 in modern mode, -drive ...,snapshot=on, passes it too).
   PAGODA-FLAGS: --drive test-pattern,snapshot=on */
#include "virtio.h"

static struct virtq q;
static uint8_t buf[2048];

int main(void) {
  int slot = virtio_find(VIRTIO_ID_BLOCK);
  check("found a block device", slot >= 0, 1);
  if (slot < 0) return 1;
  uint64_t base = VIRTIO_SLOT(slot);
  check("start", virtio_start(base, &q, VIRTIO_F_VERSION_1 | VIRTIO_BLK_F_FLUSH), 0);
  check("RO not offered", (virtio_device_features(base) & VIRTIO_BLK_F_RO) != 0, 0);
  for (int i = 0; i < 1024; i++) buf[i] = (uint8_t)(0x77 + i);
  check("write sectors 3-4", blk_request(&q, VIRTIO_BLK_T_OUT, 3, buf, 1024, 0), VIRTIO_BLK_S_OK);
  for (int i = 0; i < 512; i++) buf[i] = 0x11;
  check("write sector 4 again", blk_request(&q, VIRTIO_BLK_T_OUT, 4, buf, 512, 0), VIRTIO_BLK_S_OK);
  check("flush", blk_request(&q, VIRTIO_BLK_T_FLUSH, 0, 0, 0, 0), VIRTIO_BLK_S_OK);
  for (int i = 0; i < 2048; i++) buf[i] = 0;
  check("read sectors 2-5", blk_request(&q, VIRTIO_BLK_T_IN, 2, buf, 2048, 0), VIRTIO_BLK_S_OK);
  check("sector 2: the image", pattern_mismatches(buf, 2, 512), 0);
  uint64_t bad = 0;
  for (int i = 0; i < 512; i++) bad += buf[512 + i] != (uint8_t)(0x77 + i);
  check("sector 3: written", bad, 0);
  bad = 0;
  for (int i = 0; i < 512; i++) bad += buf[1024 + i] != 0x11;
  check("sector 4: written twice", bad, 0);
  check("sector 5: the image", pattern_mismatches(buf + 1536, 5, 512), 0);
  return finish("virtio blk_snapshot");
}
