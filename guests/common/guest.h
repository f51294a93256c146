/* The guest runtime: console output through the virt board's 16550 UART and exit
   through the SiFive test device. Works the same on pagoda and on QEMU's virt board. */
#ifndef GUEST_H
#define GUEST_H
#include <stdint.h>

#define UART_BASE 0x10000000UL
#define TEST_BASE 0x100000UL
#define CLINT_BASE 0x2000000UL
#define PLIC_BASE 0xc000000UL
#define MAILBOX_BASE 0x102000UL

/* Pagoda's hart mailbox (not on QEMU): release a held hart at guest_secondary_start,
   which calls secondary_main(hart, arg) on a stack of its own. */
void release_hart(int hart, uint64_t arg);
int  hart_state(int hart);           /* 0 held, 1 running */
int  mailbox_harts(void);            /* NHARTS */
void secondary_main(uint64_t hart, uint64_t arg); /* weak default: returns (the hart parks) */

void putch(char c);
void puts_(const char *s);          /* no newline added */
void print_hex(uint64_t v);          /* 0x%016lx */
void print_dec(int64_t v);
void print_udec(uint64_t v);
int  getch(void);                    /* -1 when no byte is waiting */
void __attribute__((noreturn)) guest_exit(int code); /* 0: pass, else fail with code */

/* check(): print "ok"/"FAIL" with a label, count failures; finish() exits. */
void check(const char *label, uint64_t got, uint64_t want);
int  finish(const char *name);      /* prints "PASS name" or "FAIL name (N)"; returns exit code */
extern int guest_failures;
/* How many check() calls the program has made, passed or failed. finish() does not
   print it; a test that reports its number of checks prints it itself. */
extern int guest_checks;

static inline uint64_t read_csr_mcause(void) { uint64_t v; asm volatile("csrr %0, mcause" : "=r"(v)); return v; }
#define CSR_READ(name) ({ uint64_t _v; asm volatile("csrr %0, " #name : "=r"(_v)); _v; })
#define CSR_WRITE(name, v) asm volatile("csrw " #name ", %0" :: "r"((uint64_t)(v)))
#define CSR_SET(name, v) asm volatile("csrs " #name ", %0" :: "r"((uint64_t)(v)))
#define CSR_CLEAR(name, v) asm volatile("csrc " #name ", %0" :: "r"((uint64_t)(v)))

#endif
