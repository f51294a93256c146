/* Boot of Pagoda's SBI firmware: the boot hart's cold boot, secondary harts (waiting
 * harts with --boot-all-harts, and harts released through the mailbox for
 * hart_start), and each hart's M-mode state. */
#include "sbi.h"

/* OpenSBI's struct fw_dynamic_info (include/sbi/fw_dynamic.h's layout), which the
   boot ROM and QEMU pass in a2. */
struct fw_dynamic_info {
  u64 magic, version, next_addr, next_mode, options, boot_hart;
};
#define FW_DYNAMIC_MAGIC 0x4942534fUL
#define DEFAULT_NEXT_ADDR 0x80200000UL
#define MODE_S 1

u64 ram_base = 0x80000000UL, ram_end = 0x80000000UL + (128UL << 20);
u64 hart_count = 1;
int has_mailbox;
int has_sstc;
struct hart_state harts[MAX_HARTS];
/* In .data, so that it is 0 in the image and after every reload; the boot hart sets
   it once the shared state is ready, and clears it before a reboot. */
volatile u64 boot_ready __attribute__((section(".data"))) = 0;
extern char _bss_start[], _bss_end[], _fw_reserved_size[];
void fdt_scan(u64 address);
int probe_stimecmp(void);
void __attribute__((noreturn)) hart_park_on_fresh_stack(u64 hart);

void *memset(void *d, int c, unsigned long n) {
  volatile u8 *p = d;
  while (n--) *p++ = (u8)c;
  return d;
}

u64 hart_id(void) { return csr_read(mhartid); }

int address_in_firmware(u64 addr, u64 len) {
  u64 lo = (u64)_fw_start, hi = (u64)_fw_end_reserved;
  u64 last = addr + (len ? len - 1 : 0);
  if (last < addr) return 1;
  return addr < hi && last >= lo;
}

int address_in_ram(u64 addr, u64 len) {
  u64 last = addr + (len ? len - 1 : 0);
  return last >= addr && addr >= ram_base && last < ram_end;
}

/* The M-mode state every hart needs before it runs S-mode code (privileged spec
 * 3.1.8 medeleg/mideleg, 3.1.11 mcounteren, 3.1.18 menvcfg, 3.7 PMP). */
void hart_init_mstate(void) {
  extern char trap_vector[];
  csr_write(mtvec, (u64)trap_vector);
  /* Misaligned fetch, illegal instruction, breakpoint, ecall from U, and the
     instruction, load and store/AMO page faults. */
  csr_write(medeleg, (1UL << 0) | (1UL << 2) | (1UL << 3) | (1UL << 8) |
                     (1UL << 12) | (1UL << 13) | (1UL << 15));
  csr_write(mideleg, S_INTERRUPTS);
  csr_write(mcounteren, 0xFFFFFFFFUL);
  if (has_sstc) csr_set(menvcfg, MENVCFG_STCE);
  /* PMP entry 0: the firmware's region, NAPOT, no permissions for S and U.
     Entry 1: everything else, NAPOT over the whole address space, RWX. */
  u64 size = (u64)_fw_reserved_size;
  csr_write(pmpaddr0, ((u64)_fw_start | (size / 2 - 1)) >> 2);
  csr_write(pmpaddr1, ~0UL >> 10);
  csr_write(pmpcfg0, (0x1FUL << 8) | 0x18UL);
  csr_write(satp, 0);
  csr_write(mie, MIP_MSIP);
  csr_clear(mip, MIP_SSIP | MIP_STIP);
  u64 mstatus = csr_read(mstatus);
  mstatus &= ~(MSTATUS_MPP | MSTATUS_MIE | MSTATUS_MPRV);
  mstatus |= 1UL << 11;   /* MPP = S */
  csr_write(mstatus, mstatus);
}

static void detect_platform(u64 dtb) {
  fdt_scan(dtb);
  if (has_mailbox) {
    u64 n = *MAILBOX_NHARTS;
    if (n >= 1) hart_count = n > MAX_HARTS ? MAX_HARTS : n;
  }
  has_sstc = probe_stimecmp();
}

void __attribute__((noreturn)) cold_boot(u64 hart, u64 dtb, u64 info_address) {
  const struct fw_dynamic_info *info = 0;
  if (info_address && !(info_address & 7) &&
      ((const struct fw_dynamic_info *)info_address)->magic == FW_DYNAMIC_MAGIC)
    info = (const struct fw_dynamic_info *)info_address;
  u64 boot_hart = 0;
  if (info && info->version >= 2 && info->boot_hart < MAX_HARTS) boot_hart = info->boot_hart;

  if (hart != boot_hart) {
    /* A hart started together with the boot hart: wait in the firmware, STOPPED,
       until hart_start wakes it with a software interrupt. */
    while (!boot_ready) { }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (hart >= hart_count) for (;;) asm volatile("wfi");
    hart_init_mstate();
    hart_park_on_fresh_stack(hart);
  }

  memset(_bss_start, 0, (u64)(_bss_end - _bss_start));
  detect_platform(dtb);
  for (u64 h = 0; h < hart_count; h++) harts[h].hsm_state = HSM_STOPPED;
  harts[hart].hsm_state = HSM_STARTED;
  u64 next_addr = DEFAULT_NEXT_ADDR, next_mode = MODE_S;
  if (info) {
    next_addr = info->next_addr;
    next_mode = info->next_mode;
    if (next_mode != 0 && next_mode != 1 && next_mode != 3) next_mode = MODE_S;
  }
  hart_init_mstate();
  __atomic_thread_fence(__ATOMIC_RELEASE);
  boot_ready = 1;
  enter_supervisor(next_addr, hart, dtb, next_mode);
}

/* A hart released through the mailbox by hart_start (hsm.c has set its start
   address and opaque word). */
void __attribute__((noreturn)) warm_boot(u64 hart, u64 arg) {
  (void)arg;
  while (!boot_ready) { }
  __atomic_thread_fence(__ATOMIC_ACQUIRE);
  hart_init_mstate();
  struct hart_state *h = &harts[hart];
  u64 addr = h->start_addr, opaque = h->opaque;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  h->hsm_state = HSM_STARTED;
  enter_supervisor(addr, hart, opaque, MODE_S);
}

void __attribute__((noreturn)) panic(const char *what, u64 mcause, u64 mepc, u64 mtval) {
  uart_puts("pagoda-sbi: panic: ");
  uart_puts(what);
  uart_puts(" mcause=");
  uart_puthex(mcause);
  uart_puts(" mepc=");
  uart_puthex(mepc);
  uart_puts(" mtval=");
  uart_puthex(mtval);
  uart_puts("\n");
  system_shutdown(1);
}
