/* Benchmark in the manner of Dhrystone (our own code, not Dhrystone): records passed
   by pointer and copied, short procedures with integer arithmetic and enumerations,
   string copies and comparisons, one- and two-dimensional array updates, over many
   rounds. */
#include "bench.h"

#define ROUNDS 1000000

enum colour { RED, GREEN, BLUE, YELLOW };
struct record {
  struct record *link;
  enum colour colour;
  int number;
  int value;
  char name[32];
};

static struct record first, second;
static int table[64];
static int grid[32][32];
static char text_a[32], text_b[32];
static int global_count;
static char global_char;

static void copy_string(char *d, const char *s) { while ((*d++ = *s++)) { } }
static int compare_strings(const char *a, const char *b) {
  while (*a && *a == *b) { a++; b++; }
  return *a - *b;
}

static enum colour next_colour(enum colour c, int n) {
  switch (c) {
  case RED: return n > 10 ? GREEN : BLUE;
  case GREEN: return YELLOW;
  case BLUE: return n & 1 ? RED : YELLOW;
  default: return RED;
  }
}

static int add_three(int a, int b, int c) { return a + b * 2 + c * 3; }

static void update_record(struct record *r, int round) {
  struct record *other = r->link;
  *other = *r;                        /* a structure assignment: a block copy */
  other->number = round & 63;
  other->colour = next_colour(r->colour, other->number);
  if (other->colour == YELLOW) r->value = add_three(r->value, round, other->number) & 0xFFFF;
  else other->value = r->value - 1;
  r->link = other;
  other->link = r;
}

static void arrays(int round) {
  int i = round & 31;
  table[i] = round;
  table[i + 32] = table[i] + i;
  for (int k = 0; k < 8; k++) grid[i][(i + k) & 31] += table[(i + k) & 63] & 7;
  grid[(i + 10) & 31][i] = table[i + 32] ^ round;
  global_count += grid[i][i] & 3;
}

static char classify(char c) {
  if (c >= 'a' && c <= 'm') return 'A';
  if (c >= 'n' && c <= 'z') return 'B';
  return 'C';
}

int main(void) {
  first.link = &second;
  first.colour = RED;
  first.value = 40;
  copy_string(first.name, "first record, some string");
  copy_string(text_a, "DHRYSTONE-LIKE PROGRAM, 1ST STRING");
  uint64_t sum = 0;
  struct record *r = &first;
  for (int round = 0; round < ROUNDS; round++) {
    update_record(r, round);
    r = r->link;
    copy_string(text_b, (round & 1) ? "DHRYSTONE-LIKE PROGRAM, 2ND STRING" : "DHRYSTONE-LIKE PROGRAM, 1ST STRING");
    int cmp = compare_strings(text_a, text_b);
    global_char = classify((char)('a' + round % 27));
    arrays(round);
    int x = add_three(round & 255, cmp, global_char);
    sum = sum * 31 + (uint64_t)(x + r->value + (int)r->colour + global_count);
  }
  return bench_result("dhrystone_like", sum, 0x7b8d47497bbd24f5ULL);
}
