/* The user library: system call stubs, printf, argument parsing. */
#include "ulib.h"
#include "../../common/fmt.h"

long syscall4(long n, long a0, long a1, long a2, long a3) {
  register long r0 asm("a0") = a0;
  register long r1 asm("a1") = a1;
  register long r2 asm("a2") = a2;
  register long r3 asm("a3") = a3;
  register long r7 asm("a7") = n;
  asm volatile("ecall" : "+r"(r0) : "r"(r1), "r"(r2), "r"(r3), "r"(r7) : "memory");
  return r0;
}

int printf(const char *fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vformat(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n > (int)sizeof buf - 1) n = sizeof buf - 1;
  write(buf, n);
  return n;
}

void *memset(void *d, int c, size_t n) {
  unsigned char *p = d;
  while (n--) *p++ = (unsigned char)c;
  return d;
}

void *memcpy(void *d, const void *s, size_t n) {
  unsigned char *dp = d;
  const unsigned char *sp = s;
  while (n--) *dp++ = *sp++;
  return d;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

int arg(const char *args, const char *key, char *out, int size) {
  size_t klen = strlen(key);
  const char *p = args;
  while (*p) {
    while (*p == ' ') p++;
    size_t i = 0;
    while (i < klen && p[i] == key[i]) i++;
    if (i == klen && p[klen] == '=') {
      p += klen + 1;
      int n = 0;
      while (*p && *p != ' ' && n < size - 1) out[n++] = *p++;
      out[n] = 0;
      return 1;
    }
    while (*p && *p != ' ') p++;
  }
  return 0;
}

long arg_long(const char *args, const char *key, long fallback) {
  char v[32];
  if (!arg(args, key, v, sizeof v)) return fallback;
  long x = 0;
  for (char *c = v; *c >= '0' && *c <= '9'; c++) x = x * 10 + (*c - '0');
  return x;
}
