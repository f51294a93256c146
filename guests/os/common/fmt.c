/* Formatted output for the kernel and user programs (see fmt.h). */
#include "fmt.h"
#include <stdint.h>

struct out { char *buf; int size, n; };

static void put(struct out *o, char c) {
  if (o->n < o->size - 1) o->buf[o->n] = c;
  o->n++;
}

static void field(struct out *o, const char *s, int len, int width, int left, char pad) {
  if (!left) for (int i = len; i < width; i++) put(o, pad);
  for (int i = 0; i < len; i++) put(o, s[i]);
  if (left) for (int i = len; i < width; i++) put(o, ' ');
}

int vformat(char *buf, int size, const char *fmt, va_list ap) {
  struct out o = { buf, size, 0 };
  for (; *fmt; fmt++) {
    if (*fmt != '%') { put(&o, *fmt); continue; }
    fmt++;
    int left = 0, width = 0, lng = 0;
    char pad = ' ';
    if (*fmt == '-') { left = 1; fmt++; }
    if (*fmt == '0') { pad = '0'; fmt++; }
    while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
    while (*fmt == 'l') { lng = 1; fmt++; }
    char tmp[24];
    int len = 0;
    switch (*fmt) {
    case 'd': case 'u': case 'x': {
      uint64_t v;
      int neg = 0;
      if (*fmt == 'd') {
        int64_t s = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
        if (s < 0) { neg = 1; v = (uint64_t)0 - (uint64_t)s; } else v = (uint64_t)s;
      } else v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
      unsigned baseN = *fmt == 'x' ? 16 : 10;
      char rev[24];
      int r = 0;
      do { rev[r++] = "0123456789abcdef"[v % baseN]; v /= baseN; } while (v);
      if (neg) tmp[len++] = '-';
      while (r) tmp[len++] = rev[--r];
      field(&o, tmp, len, width, left, pad);
      break;
    }
    case 's': {
      const char *s = va_arg(ap, const char *);
      if (!s) s = "(null)";
      int l = 0;
      while (s[l]) l++;
      field(&o, s, l, width, left, ' ');
      break;
    }
    case 'c': tmp[0] = (char)va_arg(ap, int); field(&o, tmp, 1, width, left, ' '); break;
    case '%': put(&o, '%'); break;
    case 0: fmt--; break;
    default: put(&o, '%'); put(&o, *fmt); break;
    }
  }
  if (o.size > 0) o.buf[o.n < o.size ? o.n : o.size - 1] = 0;
  return o.n;
}
