/* The entropy device (virtio 1.2, 5.4): alone on the machine (no drives) it takes slot
   0; two requests fill their device-writable buffers (used length = buffer length) and
   the bytes are printed, so the XCTest can check that the default seed gives the same
   bytes on every run and that they are splitmix64's. Buffers of one byte and split over
   two descriptors work too.
   QEMU-SKIP: prints random bytes (QEMU's entropy device is not seeded).
   PAGODA-FLAGS: --rng seeded */
#include "virtio.h"

static struct virtq q;
static uint8_t buf[64];

static void print_bytes(const uint8_t *p, int n) {
  for (int i = 0; i < n; i++) {
    putch("0123456789abcdef"[p[i] >> 4]);
    putch("0123456789abcdef"[p[i] & 15]);
  }
  putch('\n');
}

static uint32_t fill(uint8_t *p, uint32_t len) {
  desc_set(&q.desc[0], p, len, VIRTQ_DESC_F_WRITE, 0);
  virtq_submit(&q, 0);
  uint32_t used = 0;
  if (!virtq_wait(&q, 0, &used)) return 0xffffffff;
  return used;
}

int main(void) {
  int slot = virtio_find(VIRTIO_ID_ENTROPY);
  check("entropy device in slot 0", slot, 0);
  if (slot < 0) return finish("virtio rng");
  uint64_t base = VIRTIO_SLOT(slot);
  check("only VERSION_1 and ring features", virtio_device_features(base),
        VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC | VIRTIO_F_EVENT_IDX);
  check("start", virtio_start(base, &q, VIRTIO_F_VERSION_1), 0);
  check("first 32 bytes", fill(buf, 32), 32);
  puts_("bytes ");
  print_bytes(buf, 32);
  check("next 32 bytes", fill(buf + 32, 32), 32);
  puts_("bytes ");
  print_bytes(buf + 32, 32);
  uint64_t zero = 0;
  for (int i = 0; i < 64; i++) zero += buf[i] == 0;
  check("not all zero", zero < 16, 1);
  check("one byte", fill(buf, 1), 1);
  desc_set(&q.desc[0], buf, 3, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
  desc_set(&q.desc[1], buf + 3, 5, VIRTQ_DESC_F_WRITE, 0);
  virtq_submit(&q, 0);
  uint32_t used = 0;
  check("split buffer", virtq_wait(&q, 0, &used), 1);
  check("split buffer: used length", used, 8);
  return finish("virtio rng");
}
