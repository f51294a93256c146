/* The swap area (MOS 4th ed. 3.6.5 "Backing Store"): page-sized slots allocated from a
   bitmap, read and written a page at a time.

   Where the slots live: on the first writable virtio block disk (virtio_blk.c), slot s
   at sectors 8s to 8s+7, when the machine has one (`pagoda run --drive file=swap.img`)
   and the command line does not say swap=ram; otherwise in a RAM-backed area inside the
   kernel, behind the same interface. swap_device names the one in use. The cycles spent
   moving pages are charged to the process as I/O cycles by the callers. */
#include "../kernel.h"

#define SWAP_SLOTS 4096          /* 16 MiB */
static u8 area[SWAP_SLOTS][PAGE] __attribute__((aligned(4096), section(".noinit")));
static u64 bitmap[SWAP_SLOTS / 64];
static u64 used;
static u64 slots = SWAP_SLOTS;
static int on_disk;
static char device_name[80];
u64 swap_pages_out, swap_pages_in;
const char *swap_device = "RAM-backed area";

int virtio_blk_init(void);
u64 virtio_blk_capacity(void);
int virtio_blk_slot(void);
int virtio_blk_page(u64 sector, void *page, int write);

void swap_init(void) {
  memset(bitmap, 0, sizeof bitmap);
  used = 0;
  char v[16];
  int ram = arg_value(cfg.args, "swap", v, sizeof v) && strcmp(v, "ram") == 0;
  if (!ram && virtio_blk_init()) {
    u64 disk_slots = virtio_blk_capacity() / 8;
    if (disk_slots > 0) {
      on_disk = 1;
      slots = disk_slots < SWAP_SLOTS ? disk_slots : SWAP_SLOTS;
      char *d = device_name;
      const char *prefix = "virtio-blk disk";
      while (*prefix) *d++ = *prefix++;
      *d = 0;
      swap_device = device_name;
    }
  }
  if (on_disk)
    kprintf("[kernel] swap: %s in virtio slot %d (%lu sectors), %lu pages\n", swap_device, virtio_blk_slot(),
            virtio_blk_capacity(), slots);
  else kprintf("[kernel] swap: %s, %lu pages\n", swap_device, slots);
}

u64 swap_alloc(void) {
  for (u64 w = 0; w < SWAP_SLOTS / 64; w++)
    if (~bitmap[w]) {
      for (u64 b = 0; b < 64; b++)
        if (!(bitmap[w] >> b & 1) && w * 64 + b < slots) {
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
  if (on_disk) {
    if (virtio_blk_page(slot * 8, (void *)page, 1) != 0) panic("swap: disk write failed");
  } else memcpy(area[slot], page, PAGE);
  swap_pages_out++;
}

void swap_read(u64 slot, void *page) {
  if (on_disk) {
    if (virtio_blk_page(slot * 8, page, 0) != 0) panic("swap: disk read failed");
  } else memcpy(page, area[slot], PAGE);
  swap_pages_in++;
}

u64 swap_used(void) { return used; }
