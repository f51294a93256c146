/* DMA and LR/SC: a device write into the granule a hart has reserved (lr.d) breaks the
   reservation, as a store by another hart would (the A extension: an SC fails when
   the reservation set was written), so the following sc.d fails and memory holds the
   device's data. Without DMA in between, the same lr.d/sc.d pair succeeds.
   QEMU-SKIP: needs a test disk; QEMU's sc compares values instead of watching stores.
   PAGODA-FLAGS: --drive test-pattern */
#include "virtio.h"

static struct virtq q;
static uint64_t buf[64] __attribute__((aligned(64)));

static inline uint64_t load_reserved(volatile uint64_t *p) {
  uint64_t v;
  asm volatile("lr.d %0, (%1)" : "=r"(v) : "r"(p) : "memory");
  return v;
}

static inline uint64_t store_conditional(volatile uint64_t *p, uint64_t v) {
  uint64_t failed;
  asm volatile("sc.d %0, %2, (%1)" : "=r"(failed) : "r"(p), "r"(v) : "memory");
  return failed;
}

int main(void) {
  uint64_t base = VIRTIO_SLOT(0);
  check("start", virtio_start(base, &q, VIRTIO_F_VERSION_1), 0);

  buf[0] = 1;
  load_reserved(&buf[0]);
  check("sc.d without DMA succeeds", store_conditional(&buf[0], 2), 0);
  check("stored", buf[0], 2);

  load_reserved(&buf[0]);
  check("read into the reserved granule", blk_request(&q, VIRTIO_BLK_T_IN, 0, buf, 512, 0), VIRTIO_BLK_S_OK);
  check("sc.d after DMA fails", store_conditional(&buf[0], 3) != 0, 1);
  check("the device's data stays", pattern_mismatches((uint8_t *)buf, 0, 512), 0);

  /* DMA elsewhere leaves the reservation alone. */
  static uint8_t other[512];
  buf[0] = 5;
  load_reserved(&buf[0]);
  check("read elsewhere", blk_request(&q, VIRTIO_BLK_T_IN, 1, other, 512, 0), VIRTIO_BLK_S_OK);
  check("sc.d after unrelated DMA succeeds", store_conditional(&buf[0], 6), 0);
  check("stored again", buf[0], 6);
  return finish("virtio blk_dma_reservation");
}
