/* The swap area (MOS 4th ed. 3.6.5 "Backing Store"): page-sized slots allocated from a
   bitmap, read and written a page at a time.

   Where the slots live: a RAM-backed area inside the kernel, behind this interface, until
   a virtio-blk disk is available; swap_device names which one is in use. The cycles spent
   moving pages are charged to the process as I/O cycles by the callers. */
#include "../kernel.h"

#define SWAP_SLOTS 4096          /* 16 MiB */
static u8 area[SWAP_SLOTS][PAGE] __attribute__((aligned(4096), section(".noinit")));
static u64 bitmap[SWAP_SLOTS / 64];
static u64 used;
u64 swap_pages_out, swap_pages_in;
const char *swap_device = "RAM-backed area";

void swap_init(void) {
  memset(bitmap, 0, sizeof bitmap);
  used = 0;
}

u64 swap_alloc(void) {
  for (u64 w = 0; w < SWAP_SLOTS / 64; w++)
    if (~bitmap[w]) {
      for (u64 b = 0; b < 64; b++)
        if (!(bitmap[w] >> b & 1)) {
          bitmap[w] |= 1UL << b;
          used++;
          return w * 64 + b;
        }
    }
  panic("swap area full");
}

void swap_free(u64 slot) {
  if (slot >= SWAP_SLOTS || !(bitmap[slot / 64] >> (slot % 64) & 1)) panic("freeing a free swap slot");
  bitmap[slot / 64] &= ~(1UL << (slot % 64));
  used--;
}

void swap_write(u64 slot, const void *page) {
  memcpy(area[slot], page, PAGE);
  swap_pages_out++;
}

void swap_read(u64 slot, void *page) {
  memcpy(page, area[slot], PAGE);
  swap_pages_in++;
}

u64 swap_used(void) { return used; }
