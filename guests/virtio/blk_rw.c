/* Block requests (virtio 1.2, 5.2.6) on the test disk: reads (IN) of the known
   pattern, one sector and several, with the data split over two descriptors; writes
   (OUT) read back; FLUSH; GET_ID ("pagoda-vd0", NUL-padded to 20 bytes); an unknown
   type answers UNSUPP; a sector past the capacity, a transfer reaching past it, or a
   length that is not a whole number of sectors answers IOERR. Used lengths: data + 1
   for IN, 1 for OUT. The XCTest checks afterwards that sectors 5 and 6 of the file hold
   what was written and the rest still holds the pattern.
   QEMU-SKIP: needs a test disk. On QEMU 7.2 (-global virtio-mmio.force-legacy=false, -drive
   if=none,id=d0 -device virtio-blk-device,drive=d0,serial=pagoda-vd0) every check passes but two
   where QEMU departs from the spec: it writes the id and one NUL, not NUL padding to 20 bytes, and
   gives the whole writable length as the used length of an IOERR read (2.7.8: "the number of bytes
   written").
   PAGODA-FLAGS: --drive test-pattern */
#include "virtio.h"

static struct virtq q;
static uint8_t buf[4096] __attribute__((aligned(16)));

int main(void) {
  int slot = virtio_find(VIRTIO_ID_BLOCK);
  check("found a block device", slot >= 0, 1);
  if (slot < 0) return finish("virtio blk_rw");
  uint64_t base = VIRTIO_SLOT(slot);
  check("start", virtio_start(base, &q, VIRTIO_F_VERSION_1 | VIRTIO_BLK_F_FLUSH), 0);
  uint64_t capacity = blk_capacity(base);
  check("capacity", capacity, 64);

  puts_("read\n");
  uint32_t used = 0;
  check("read sector 0", blk_request(&q, VIRTIO_BLK_T_IN, 0, buf, 512, &used), VIRTIO_BLK_S_OK);
  check("read sector 0: used length", used, 513);
  check("sector 0 holds the pattern", pattern_mismatches(buf, 0, 512), 0);
  check("read sectors 8-15", blk_request(&q, VIRTIO_BLK_T_IN, 8, buf, 4096, &used), VIRTIO_BLK_S_OK);
  check("sectors 8-15 hold the pattern", pattern_mismatches(buf, 8, 4096), 0);
  check("read the last sector", blk_request(&q, VIRTIO_BLK_T_IN, capacity - 1, buf, 512, 0), VIRTIO_BLK_S_OK);
  check("last sector holds the pattern", pattern_mismatches(buf, capacity - 1, 512), 0);

  /* Header, data in two pieces (100 and 924 bytes), status: four descriptors. */
  for (int i = 0; i < 1024; i++) buf[i] = 0;
  blk_header.type = VIRTIO_BLK_T_IN;
  blk_header.sector = 20;
  blk_status = 0xee;
  desc_set(&q.desc[0], &blk_header, sizeof blk_header, VIRTQ_DESC_F_NEXT, 3);
  desc_set(&q.desc[3], buf, 100, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 5);
  desc_set(&q.desc[5], buf + 100, 924, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
  desc_set(&q.desc[1], &blk_status, 1, VIRTQ_DESC_F_WRITE, 0);
  virtq_submit(&q, 0);
  uint32_t id = 99;
  check("split read completes", virtq_wait(&q, &id, &used), 1);
  check("split read: id", id, 0);
  check("split read: used length", used, 1025);
  check("split read: status", blk_status, VIRTIO_BLK_S_OK);
  check("split read: data", pattern_mismatches(buf, 20, 1024), 0);

  puts_("write\n");
  for (int i = 0; i < 1024; i++) buf[i] = (uint8_t)(0xc0 ^ i);
  check("write sectors 5-6", blk_request(&q, VIRTIO_BLK_T_OUT, 5, buf, 1024, &used), VIRTIO_BLK_S_OK);
  check("write: used length", used, 1);
  for (int i = 0; i < 1024; i++) buf[i] = 0;
  check("read back", blk_request(&q, VIRTIO_BLK_T_IN, 5, buf, 1024, 0), VIRTIO_BLK_S_OK);
  uint64_t bad = 0;
  for (int i = 0; i < 1024; i++) bad += buf[i] != (uint8_t)(0xc0 ^ i);
  check("read back what was written", bad, 0);
  check("neighbour untouched", blk_request(&q, VIRTIO_BLK_T_IN, 7, buf, 512, 0), VIRTIO_BLK_S_OK);
  check("sector 7 holds the pattern", pattern_mismatches(buf, 7, 512), 0);

  puts_("flush and id\n");
  check("flush", blk_request(&q, VIRTIO_BLK_T_FLUSH, 0, 0, 0, &used), VIRTIO_BLK_S_OK);
  check("flush: used length", used, 1);
  for (int i = 0; i < 32; i++) buf[i] = 0xaa;
  check("get id", blk_request(&q, VIRTIO_BLK_T_GET_ID, 0, buf, 20, &used), VIRTIO_BLK_S_OK);
  check("get id: used length", used, 21);
  const char *want = "pagoda-vd0";
  uint64_t id_bad = 0;
  for (int i = 0; i < 20; i++) id_bad += buf[i] != (i < 10 ? (uint8_t)want[i] : 0);
  check("id is pagoda-vd0, NUL-padded", id_bad, 0);
  check("get id writes 20 bytes only", buf[20], 0xaa);

  puts_("errors\n");
  check("unknown type", blk_request(&q, 99, 0, 0, 0, 0), VIRTIO_BLK_S_UNSUPP);
  check("sector past the end", blk_request(&q, VIRTIO_BLK_T_IN, capacity, buf, 512, &used), VIRTIO_BLK_S_IOERR);
  check("IOERR: used length", used, 1);
  check("reaching past the end", blk_request(&q, VIRTIO_BLK_T_IN, capacity - 1, buf, 1024, 0), VIRTIO_BLK_S_IOERR);
  check("writing past the end", blk_request(&q, VIRTIO_BLK_T_OUT, capacity, buf, 512, 0), VIRTIO_BLK_S_IOERR);
  check("huge sector", blk_request(&q, VIRTIO_BLK_T_IN, 0x4000000000000000ULL, buf, 512, 0), VIRTIO_BLK_S_IOERR);
  check("part of a sector", blk_request(&q, VIRTIO_BLK_T_IN, 0, buf, 100, 0), VIRTIO_BLK_S_IOERR);
  check("device still fine", vio_read(base, VIO_STATUS) & VIRTIO_NEEDS_RESET, 0);
  check("still reads", blk_request(&q, VIRTIO_BLK_T_IN, 1, buf, 512, 0), VIRTIO_BLK_S_OK);
  check("sector 1 holds the pattern", pattern_mismatches(buf, 1, 512), 0);
  return finish("virtio blk_rw");
}
