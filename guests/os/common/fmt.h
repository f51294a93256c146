/* Formatted output shared by the kernel and the user library: %d %u %x %s %c, the
   l modifier, a field width and '-' for left alignment, '0' for zero padding. */
#ifndef OS_FMT_H
#define OS_FMT_H
#include <stdarg.h>
int vformat(char *buf, int size, const char *fmt, va_list ap);
#endif
