/* M-mode firmware of our own for the boot path (`--bios handoff_firmware.elf --kernel
   image_payload.bin --initrd ...`): checks what the boot ROM hands over, as QEMU's virt
   board hands it to OpenSBI, then runs the kernel in S-mode.

   Entry (from the boot ROM): a0 = hart id, a1 = the device tree, a2 = OpenSBI's
   struct fw_dynamic_info in the boot ROM (magic 0x4942534f, version 2, next_addr,
   next_mode = 1 for S-mode, options, boot_hart). The kernel, a Linux-Image-format
   payload with text_offset 2 MiB, must be at RAM base + 2 MiB; the initrd, a pattern
   the test wrote (byte i = 7 i + 3), half-way into the 128 MiB of RAM above the
   kernel (QEMU's rule: kernel + min(RAM / 2, 128 MiB)).
   QEMU-SKIP: a firmware for Pagoda's --bios; the test passes the kernel and initrd. */
#include "priv.h"

#define RAM_BASE 0x80000000UL
#define KERNEL (RAM_BASE + (2UL << 20))
#define INITRD (KERNEL + (64UL << 20))
#define INITRD_SIZE 8192

static uint32_t be32(const volatile uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int main(uint64_t hartid, uint64_t dtb, uint64_t info) {
  priv_init();
  check("a0 is the boot hart", hartid, 0);
  check("a1 is a device tree (magic)", be32((const volatile uint8_t *)dtb), 0xd00dfeed);
  check("a1 is 2 MiB aligned", dtb & ((2UL << 20) - 1), 0);
  check("a2 points into the boot ROM", info, 0x1040);
  const volatile uint64_t *words = (const volatile uint64_t *)info;
  check("fw_dynamic_info magic", words[0], 0x4942534f);
  check("fw_dynamic_info version", words[1], 2);
  check("next_addr is RAM base + text_offset", words[2], KERNEL);
  check("next_mode is S", words[3], 1);
  check("options", words[4], 0);
  check("boot_hart", words[5], 0);

  const volatile uint8_t *initrd = (const volatile uint8_t *)INITRD;
  uint64_t wrong = 0;
  for (int i = 0; i < INITRD_SIZE; i++) wrong += initrd[i] != (uint8_t)(7 * i + 3);
  check("the initrd is where QEMU puts it", wrong, 0);
  check("nothing follows the initrd", initrd[INITRD_SIZE], 0);

  /* The payload is a function: it returns a0 + 0x5a17 and its own header's image_size. */
  uint64_t result = priv_run(MODE_S, (uint64_t (*)(uint64_t))KERNEL, 0x1000);
  check("the kernel ran in S-mode and returned", result, 0x1000 + 0x5a17);
  return finish("handoff_firmware");
}
