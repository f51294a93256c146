/* The smallest guest: prints a line and passes. */
#include "guest.h"
int main(void) {
  puts_("hello from a guest\n");
  check("1+1", 1 + 1, 2);
  return finish("smoke");
}
