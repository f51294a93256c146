/* Benchmark: string and pointer work: hand-written strlen, strcmp and memcpy over
   generated words, a linked list built, shuffled and walked, and a chained hash table. */
#include "bench.h"

#define WORDS 4096
#define ROUNDS 600
static char text[WORDS * 16];
static char *word[WORDS];
static char copy[WORDS * 16];
struct node { struct node *next; uint64_t key; };
static struct node nodes[WORDS];
static struct node *buckets[1024];

static long my_strlen(const char *s) { const char *p = s; while (*p) p++; return p - s; }
static int my_strcmp(const char *a, const char *b) { while (*a && *a == *b) { a++; b++; } return (unsigned char)*a - (unsigned char)*b; }
static void my_memcpy(char *d, const char *s, long n) { while (n--) *d++ = *s++; }
static uint64_t hash(const char *s) { uint64_t h = 1469598103934665603ULL; while (*s) { h ^= (unsigned char)*s++; h *= 1099511628211ULL; } return h; }

int main(void) {
  uint64_t seed = 99, sum = 0;
  char *p = text;
  for (int i = 0; i < WORDS; i++) {
    word[i] = p;
    int len = 3 + (int)(bench_next(&seed) % 12);
    for (int k = 0; k < len; k++) *p++ = (char)('a' + bench_next(&seed) % 26);
    *p++ = 0;
  }
  for (int r = 0; r < ROUNDS; r++) {
    long total = 0;
    for (int i = 0; i < WORDS; i++) total += my_strlen(word[i]);
    my_memcpy(copy, text, p - text);
    int less = 0;
    for (int i = 1; i < WORDS; i++) less += my_strcmp(word[i - 1], word[i]) < 0;
    for (int i = 0; i < 1024; i++) buckets[i] = 0;
    for (int i = 0; i < WORDS; i++) {
      nodes[i].key = hash(copy + (word[i] - text));
      struct node **b = &buckets[nodes[i].key & 1023];
      nodes[i].next = *b;
      *b = &nodes[i];
    }
    uint64_t walk = 0;
    for (int i = 0; i < 1024; i++) for (struct node *n = buckets[i]; n; n = n->next) walk = walk * 3 + (n->key >> 7);
    sum = sum * 1000003 + (uint64_t)total * 7 + (uint64_t)less + walk;
    word[r % WORDS][0] = (char)('a' + r % 26);
  }
  return bench_result("strings_lists", sum, 0x36fed98f52897d90ULL);
}
