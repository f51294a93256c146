/* The runtime of the S-mode test kernels for Pagoda's SBI firmware. */
#include "sbi_rt.h"

void (*trap_handler)(struct s_frame *f);
int failures;
static volatile int print_lock;

struct sbiret sbi_call(uint64_t eid, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2,
                       uint64_t a3, uint64_t a4) {
  register uint64_t r0 asm("a0") = a0, r1 asm("a1") = a1, r2 asm("a2") = a2,
      r3 asm("a3") = a3, r4 asm("a4") = a4, r6 asm("a6") = fid, r7 asm("a7") = eid;
  asm volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r3), "r"(r4), "r"(r6), "r"(r7) : "memory");
  return (struct sbiret){ (long)r0, (long)r1 };
}

long sbi_legacy(uint64_t eid, uint64_t a0) {
  register uint64_t r0 asm("a0") = a0, r7 asm("a7") = eid;
  asm volatile("ecall" : "+r"(r0) : "r"(r7) : "memory", "a1");
  return (long)r0;
}

void lock(volatile int *l) { while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE)) { } }
void unlock(volatile int *l) { __atomic_store_n(l, 0, __ATOMIC_RELEASE); }

void putch(char c) { SBI1(EXT_DBCN, 2, (uint8_t)c); }
void puts_(const char *s) { while (*s) putch(*s++); }

void print_hex(uint64_t v) {
  puts_("0x");
  for (int i = 60; i >= 0; i -= 4) putch("0123456789abcdef"[(v >> i) & 15]);
}

void print_dec(int64_t v) {
  char buf[24];
  int n = 0;
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do { buf[n++] = (char)('0' + u % 10); u /= 10; } while (u);
  if (v < 0) putch('-');
  while (n) putch(buf[--n]);
}

void check(const char *label, uint64_t got, uint64_t want) {
  lock(&print_lock);
  if (got == want) {
    puts_("ok   ");
    puts_(label);
  } else {
    failures++;
    puts_("FAIL ");
    puts_(label);
    puts_(": got ");
    print_hex(got);
    puts_(", want ");
    print_hex(want);
  }
  putch('\n');
  unlock(&print_lock);
}

int finish(const char *name) {
  puts_(failures ? "FAIL " : "PASS ");
  puts_(name);
  putch('\n');
  return failures ? 1 : 0;
}

void sbi_exit(int code) {
  SBI2(EXT_SRST, 0, 0, code ? 1 : 0);   /* shutdown; reason: none or system failure */
  for (;;) { }
}

void sbi_stop_self(void) {
  SBI0(EXT_HSM, 1);
  for (;;) { }
}

__attribute__((weak)) void secondary_main(uint64_t hart, uint64_t opaque) { (void)hart; (void)opaque; }

int hart_count(void) { return (int)*(volatile uint32_t *)MAILBOX_BASE; }

void s_trap(struct s_frame *f) {
  if (trap_handler) { trap_handler(f); return; }
  puts_("unexpected S-mode trap: scause=");
  print_hex(f->scause);
  puts_(" sepc=");
  print_hex(f->sepc);
  puts_(" stval=");
  print_hex(f->stval);
  putch('\n');
  sbi_exit(1);
}
