/* The runtime of the S-mode test kernels for Pagoda's SBI firmware: SBI calls,
   console output through SBI DBCN, checks, and exit through SBI SRST. */
#ifndef SBI_RT_H
#define SBI_RT_H
#include <stdint.h>

#define EXT_BASE   0x10
#define EXT_TIME   0x54494D45
#define EXT_IPI    0x735049
#define EXT_RFENCE 0x52464E43
#define EXT_HSM    0x48534D
#define EXT_SRST   0x53525354
#define EXT_DBCN   0x4442434E

#define SBI_SUCCESS                0
#define SBI_ERR_FAILED            -1
#define SBI_ERR_NOT_SUPPORTED     -2
#define SBI_ERR_INVALID_PARAM     -3
#define SBI_ERR_INVALID_ADDRESS   -5
#define SBI_ERR_ALREADY_AVAILABLE -6

#define HSM_STARTED 0
#define HSM_STOPPED 1
#define HSM_START_PENDING 2
#define HSM_SUSPENDED 4

#define SIP_SSIP (1UL << 1)
#define SIP_STIP (1UL << 5)
#define SSTATUS_SIE (1UL << 1)
#define SSTATUS_SPP (1UL << 8)
#define SSTATUS_SUM (1UL << 18)
#define IRQ_S_SOFT (0x8000000000000000UL | 1)
#define IRQ_S_TIMER (0x8000000000000000UL | 5)

#define FIRMWARE_BASE 0x80000000UL
#define MAILBOX_BASE 0x102000UL

struct sbiret { long error; long value; };
struct sbiret sbi_call(uint64_t eid, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2,
                       uint64_t a3, uint64_t a4);
long sbi_legacy(uint64_t eid, uint64_t a0);   /* legacy calls: the result in a0 */
#define SBI0(e, f) sbi_call((e), (f), 0, 0, 0, 0, 0)
#define SBI1(e, f, a) sbi_call((e), (f), (a), 0, 0, 0, 0)
#define SBI2(e, f, a, b) sbi_call((e), (f), (a), (b), 0, 0, 0)
#define SBI3(e, f, a, b, c) sbi_call((e), (f), (a), (b), (c), 0, 0)

/* The registers at a trap (s_trap_vector): x[n] is register n; a handler may change
   sepc (and sstatus) to return elsewhere. */
struct s_frame { uint64_t x[32]; uint64_t sepc, scause, stval, sstatus; };
/* Called for every S-mode trap; an unexpected one (no handler) fails the test. */
extern void (*trap_handler)(struct s_frame *f);

void putch(char c);
void puts_(const char *s);
void print_hex(uint64_t v);
void print_dec(int64_t v);
void check(const char *label, uint64_t got, uint64_t want);
int finish(const char *name);
extern int failures;
void __attribute__((noreturn)) sbi_exit(int code);  /* SRST shutdown; system failure if code != 0 */
void __attribute__((noreturn)) sbi_stop_self(void);
void secondary_main(uint64_t hart, uint64_t opaque);  /* weak default: returns (the hart stops) */
extern void sbi_secondary_start(void);
int hart_count(void);   /* the mailbox's NHARTS */
void lock(volatile int *l);
void unlock(volatile int *l);

#define CSR_READ(name) ({ uint64_t _v; asm volatile("csrr %0, " #name : "=r"(_v)); _v; })
#define CSR_WRITE(name, v) asm volatile("csrw " #name ", %0" :: "r"((uint64_t)(v)) : "memory")
#define CSR_SET(name, v) asm volatile("csrs " #name ", %0" :: "r"((uint64_t)(v)) : "memory")
#define CSR_CLEAR(name, v) asm volatile("csrc " #name ", %0" :: "r"((uint64_t)(v)) : "memory")
static inline uint64_t read_time(void) { return CSR_READ(time); }
#endif
