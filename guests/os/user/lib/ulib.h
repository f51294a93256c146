/* The user library: system calls, printing, argument parsing and malloc. */
#ifndef ULIB_H
#define ULIB_H
#include <stdint.h>
#include <stddef.h>
#include "../../common/syscalls.h"

long syscall4(long n, long a0, long a1, long a2, long a3);
static inline long write(const void *buf, long n) { return syscall4(SYS_WRITE, (long)buf, n, 0, 0); }
static inline void __attribute__((noreturn)) exit(int code) { syscall4(SYS_EXIT, code, 0, 0, 0); for (;;) { } }
static inline int getpid(void) { return (int)syscall4(SYS_GETPID, 0, 0, 0, 0); }
static inline void *sbrk(long incr) { return (void *)syscall4(SYS_SBRK, incr, 0, 0, 0); }
static inline long brk(void *addr) { return syscall4(SYS_BRK, (long)addr, 0, 0, 0); }
static inline void *mmap(size_t len) { return (void *)syscall4(SYS_MMAP, (long)len, 0, 0, 0); }
static inline int munmap(void *addr, size_t len) { return (int)syscall4(SYS_MUNMAP, (long)addr, (long)len, 0, 0); }
static inline int fork(void) { return (int)syscall4(SYS_FORK, 0, 0, 0, 0); }
static inline int wait(int *status) { return (int)syscall4(SYS_WAIT, (long)status, 0, 0, 0); }
static inline void yield(void) { syscall4(SYS_YIELD, 0, 0, 0, 0); }
static inline void tick(void) { syscall4(SYS_TICK, 0, 0, 0, 0); }
static inline void opt_hint(const uint64_t *refs, long n, volatile uint64_t *idx, void *base) {
  syscall4(SYS_OPT_HINT, (long)refs, n, (long)idx, (long)base);
}
static inline uint64_t cycles(void) { return (uint64_t)syscall4(SYS_CYCLES, 0, 0, 0, 0); }

int printf(const char *fmt, ...);
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
size_t strlen(const char *s);
/* The value of key=value in the argument string (copied to out), 1 if present. */
int arg(const char *args, const char *key, char *out, int size);
long arg_long(const char *args, const char *key, long fallback);

void *malloc(size_t n);
void free(void *p);
void *realloc(void *p, size_t n);
void *calloc(size_t n, size_t size);
struct malloc_stats { uint64_t small_allocs, large_allocs, frees, coalesces, brk_bytes, mmap_bytes; };
extern struct malloc_stats malloc_stats;
#endif
