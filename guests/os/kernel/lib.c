/* Small helpers for the kernel: memory and string functions, command-line parsing. */
#include "kernel.h"

void *memset(void *d, int c, size_t n) {
  u8 *p = d;
  if (((uintptr_t)p & 7) == 0 && (n & 7) == 0 && c == 0) {
    for (size_t i = 0; i < n / 8; i++) ((u64 *)p)[i] = 0;
    return d;
  }
  while (n--) *p++ = (u8)c;
  return d;
}

void *memcpy(void *d, const void *s, size_t n) {
  u8 *dp = d;
  const u8 *sp = s;
  if ((((uintptr_t)dp | (uintptr_t)sp | n) & 7) == 0) {
    for (size_t i = 0; i < n / 8; i++) ((u64 *)dp)[i] = ((const u64 *)sp)[i];
    return d;
  }
  while (n--) *dp++ = *sp++;
  return d;
}

int strcmp(const char *a, const char *b) {
  while (*a && *a == *b) { a++; b++; }
  return (u8)*a - (u8)*b;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

int starts_with(const char *s, const char *prefix) {
  while (*prefix) if (*s++ != *prefix++) return 0;
  return 1;
}

u64 parse_u64(const char *s) {
  u64 v = 0;
  while (*s >= '0' && *s <= '9') v = v * 10 + (u64)(*s++ - '0');
  if (*s == 'K' || *s == 'k') v <<= 10;
  if (*s == 'M' || *s == 'm') v <<= 20;
  return v;
}

/* Copies the value of "key=value" (space separated) into out; returns 1 if present. */
int arg_value(const char *args, const char *key, char *out, int size) {
  size_t klen = strlen(key);
  const char *p = args;
  while (*p) {
    while (*p == ' ') p++;
    if (starts_with(p, key) && p[klen] == '=') {
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
