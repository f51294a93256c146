/* Pagoda's SBI firmware: shared definitions.
 *
 * The firmware implements the RISC-V Supervisor Binary Interface, version 2.0
 * (https://github.com/riscv-non-isa/riscv-sbi-doc), for Pagoda's virt-like machine:
 * CLINT at 0x0200_0000, 16550 UART at 0x1000_0000, SiFive test device at 0x10_0000
 * and Pagoda's hart mailbox at 0x10_2000. It runs in M-mode from RAM base and hands
 * the boot hart to the S-mode kernel.
 *
 * Implementation id 0x50474441 ("PGDA"): not one of the ids the SBI specification
 * registers (chapter 4.9), chosen so that it cannot clash with them. */
#ifndef PAGODA_SBI_H
#define PAGODA_SBI_H

/* Also included by entry.S: plain numbers only up to __ASSEMBLER__. */
#define SBI_IMPL_ID        0x50474441         /* "PGDA" */
#define MAX_HARTS 64
#define STACK_SHIFT 12                        /* 4 KiB of M-mode stack per hart */

#ifndef __ASSEMBLER__
typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned char u8;
typedef long s64;

#define SBI_SPEC_VERSION   (2UL << 24)        /* 2.0: major in bits 30:24, minor in 23:0 */
#define SBI_IMPL_VERSION   0x00010000UL       /* 1.0 */

/* Error codes, SBI 2.0 chapter 3 (table 1). */
#define SBI_SUCCESS                0
#define SBI_ERR_FAILED            -1
#define SBI_ERR_NOT_SUPPORTED     -2
#define SBI_ERR_INVALID_PARAM     -3
#define SBI_ERR_DENIED            -4
#define SBI_ERR_INVALID_ADDRESS   -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_ERR_ALREADY_STARTED   -7
#define SBI_ERR_ALREADY_STOPPED   -8

/* Extension ids. */
#define EXT_LEGACY_SET_TIMER 0x00
#define EXT_LEGACY_PUTCHAR   0x01
#define EXT_LEGACY_GETCHAR   0x02
#define EXT_LEGACY_SHUTDOWN  0x08
#define EXT_BASE   0x10
#define EXT_TIME   0x54494D45UL
#define EXT_IPI    0x735049UL
#define EXT_RFENCE 0x52464E43UL
#define EXT_HSM    0x48534DUL
#define EXT_SRST   0x53525354UL
#define EXT_DBCN   0x4442434EUL

/* HSM hart states, SBI 2.0 chapter 9 (table 27). */
#define HSM_STARTED        0
#define HSM_STOPPED        1
#define HSM_START_PENDING  2
#define HSM_STOP_PENDING   3
#define HSM_SUSPENDED      4

/* Devices. */
#define UART_BASE    0x10000000UL
#define TEST_BASE    0x100000UL
#define MAILBOX_BASE 0x102000UL
#define CLINT_BASE   0x2000000UL
#define CLINT_MSIP(h)     ((volatile u32 *)(CLINT_BASE + 4 * (u64)(h)))
#define CLINT_MTIMECMP(h) ((volatile u64 *)(CLINT_BASE + 0x4000 + 8 * (u64)(h)))
#define MAILBOX_NHARTS    ((volatile u32 *)MAILBOX_BASE)
#define MAILBOX_START(h)  ((volatile u64 *)(MAILBOX_BASE + 0x100 + 32 * (u64)(h)))
#define MAILBOX_ARG(h)    ((volatile u64 *)(MAILBOX_BASE + 0x108 + 32 * (u64)(h)))
#define MAILBOX_STATE(h)  ((volatile u32 *)(MAILBOX_BASE + 0x110 + 32 * (u64)(h)))
#define MAILBOX_DOORBELL(h) ((volatile u32 *)(MAILBOX_BASE + 0x114 + 32 * (u64)(h)))

/* CSR bits (privileged spec 3.1). */
#define MSTATUS_SIE  (1UL << 1)
#define MSTATUS_MIE  (1UL << 3)
#define MSTATUS_SPIE (1UL << 5)
#define MSTATUS_MPIE (1UL << 7)
#define MSTATUS_SPP  (1UL << 8)
#define MSTATUS_MPP  (3UL << 11)
#define MSTATUS_MPRV (1UL << 17)
#define MIP_SSIP (1UL << 1)
#define MIP_MSIP (1UL << 3)
#define MIP_STIP (1UL << 5)
#define MIP_MTIP (1UL << 7)
#define MIP_SEIP (1UL << 9)
#define S_INTERRUPTS (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MENVCFG_STCE (1UL << 63)

#define csr_read(name) ({ u64 _v; asm volatile("csrr %0, " #name : "=r"(_v)); _v; })
#define csr_write(name, v) asm volatile("csrw " #name ", %0" :: "r"((u64)(v)) : "memory")
#define csr_set(name, v) asm volatile("csrs " #name ", %0" :: "r"((u64)(v)) : "memory")
#define csr_clear(name, v) asm volatile("csrc " #name ", %0" :: "r"((u64)(v)) : "memory")

/* The registers the trap vector saves (entry.S): x[n] is register n (x[0] unused),
   then mepc. */
struct trap_frame {
  u64 x[32];
  u64 mepc;
  u64 pad;
};
#define REG_A(f, n) ((f)->x[10 + (n)])

/* A remote fence request a hart posts for others to carry out (ipi_rfence.c). */
struct rfence_request {
  u64 kind;            /* RFENCE_* */
  u64 start, size, asid;
  volatile u64 remaining;  /* targets that have not done it yet */
};
#define RFENCE_FENCE_I    1
#define RFENCE_SFENCE_VMA 2
#define RFENCE_SFENCE_VMA_ASID 3

/* Per-hart firmware state. */
struct hart_state {
  volatile u64 hsm_state;       /* HSM_* */
  volatile u64 start_addr;      /* hart_start / resume */
  volatile u64 opaque;
  volatile u64 ipi_pending;     /* IPI_* bits */
  volatile u64 rfence_from;     /* bit s: carry out hart s's request */
  struct rfence_request request;
  u64 pad[3];
};
#define IPI_SSIP 1UL

struct sbiret { s64 error; u64 value; };

/* Platform facts found at boot (platform.c). */
extern u64 ram_base, ram_end;
extern u64 hart_count;
extern int has_mailbox;
extern int has_sstc;
extern struct hart_state harts[MAX_HARTS];
extern char _fw_start[], _fw_end_reserved[];

/* platform.c */
void hart_init_mstate(void);
u64 hart_id(void);
int address_in_firmware(u64 addr, u64 len);
int address_in_ram(u64 addr, u64 len);
void __attribute__((noreturn)) enter_supervisor(u64 addr, u64 a0, u64 a1, u64 mode);
void __attribute__((noreturn)) hart_park(u64 hart);
void __attribute__((noreturn)) panic(const char *what, u64 mcause, u64 mepc, u64 mtval);
void *memset(void *d, int c, unsigned long n);

/* console.c */
void uart_putc(u8 c);
int uart_getc(void);
void uart_puts(const char *s);
void uart_puthex(u64 v);
struct sbiret sbi_dbcn(u64 fid, struct trap_frame *f);

/* srst.c */
void __attribute__((noreturn)) system_shutdown(int failure);
void __attribute__((noreturn)) system_reboot(void);
struct sbiret sbi_srst(u64 fid, struct trap_frame *f);

/* base.c */
struct sbiret sbi_base(u64 fid, struct trap_frame *f);
int extension_present(u64 eid);

/* timer.c */
void timer_set(u64 stime);
void timer_machine_interrupt(void);
struct sbiret sbi_time(u64 fid, struct trap_frame *f);

/* ipi_rfence.c */
void ipi_process(u64 hart);
struct sbiret sbi_ipi(u64 fid, struct trap_frame *f);
struct sbiret sbi_rfence(u64 fid, struct trap_frame *f);
s64 send_ipi_many(u64 mask, u64 base);

/* hsm.c */
struct sbiret sbi_hsm(u64 fid, struct trap_frame *f);

#endif /* __ASSEMBLER__ */
#endif
