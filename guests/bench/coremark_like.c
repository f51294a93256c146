/* Benchmark in the manner of CoreMark (our own code, not CoreMark): per iteration, a
   linked list is searched, reversed and merge-sorted; small integer matrices are
   multiplied, added to and masked; a state machine scans a buffer of numbers, words
   and junk; every result is folded into a CRC-16. */
#include "bench.h"

#define ITERATIONS 12000
#define LIST 128
#define N 12
#define TEXT 512

struct item { struct item *next; int16_t key; int16_t value; };
static struct item items[LIST];
static int16_t ma[N * N], mb[N * N];
static int32_t mc[N * N];
static char text[TEXT];

static uint16_t crc16(uint16_t crc, uint32_t data, int bits) {
  for (int i = 0; i < bits; i++) {
    uint16_t x = (uint16_t)((data ^ crc) & 1);
    data >>= 1;
    crc >>= 1;
    if (x) crc ^= 0xA001;
  }
  return crc;
}

static struct item *reverse(struct item *l) {
  struct item *r = 0;
  while (l) { struct item *n = l->next; l->next = r; r = l; l = n; }
  return r;
}

static struct item *find(struct item *l, int16_t key) {
  while (l && l->key != key) l = l->next;
  return l;
}

/* Bottom-up merge sort of a list by key (then value), as CoreMark's list benchmark does. */
static struct item *sort(struct item *list) {
  for (int width = 1;; width *= 2) {
    struct item *p = list, *tail = 0, *head = 0;
    int merges = 0;
    while (p) {
      merges++;
      struct item *q = p;
      int psize = 0;
      for (int i = 0; i < width && q; i++) { psize++; q = q->next; }
      int qsize = width;
      while (psize > 0 || (qsize > 0 && q)) {
        struct item *e;
        if (psize == 0) { e = q; q = q->next; qsize--; }
        else if (qsize == 0 || !q) { e = p; p = p->next; psize--; }
        else if (p->key < q->key || (p->key == q->key && p->value <= q->value)) { e = p; p = p->next; psize--; }
        else { e = q; q = q->next; qsize--; }
        if (tail) tail->next = e; else head = e;
        tail = e;
      }
      p = q;
    }
    tail->next = 0;
    list = head;
    if (merges <= 1) return list;
  }
}

static uint16_t matrix(uint16_t crc, int16_t k) {
  for (int i = 0; i < N * N; i++) mb[i] = (int16_t)(mb[i] + k);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      int32_t s = 0;
      for (int x = 0; x < N; x++) s += (int32_t)ma[i * N + x] * mb[x * N + j];
      mc[i * N + j] = s;
    }
  int32_t acc = 0;
  for (int i = 0; i < N * N; i++) {
    int32_t v = mc[i] & 0x0FFF;
    acc += v > 2000 ? v >> 2 : v;
    ma[i] = (int16_t)((ma[i] ^ (int16_t)v) & 0x7F);
  }
  return crc16(crc, (uint32_t)acc, 32);
}

/* Counts numbers, words and other tokens: a small state machine over characters. */
static uint16_t scan(uint16_t crc) {
  enum { START, NUMBER, WORD, OTHER } state = START;
  uint32_t numbers = 0, words = 0, others = 0, value = 0;
  for (int i = 0; i < TEXT; i++) {
    char c = text[i];
    int digit = c >= '0' && c <= '9', letter = c >= 'a' && c <= 'z', space = c == ' ' || c == ',';
    switch (state) {
    case START:
      if (digit) { state = NUMBER; value = (uint32_t)(c - '0'); }
      else if (letter) state = WORD;
      else if (!space) state = OTHER;
      break;
    case NUMBER:
      if (digit) value = value * 10 + (uint32_t)(c - '0');
      else if (space) { numbers++; crc = crc16(crc, value, 16); state = START; }
      else state = OTHER;
      break;
    case WORD:
      if (space) { words++; state = START; } else if (!letter) state = OTHER;
      break;
    case OTHER:
      if (space) { others++; state = START; }
      break;
    }
  }
  return crc16(crc16(crc16(crc, numbers, 16), words, 16), others, 16);
}

int main(void) {
  uint64_t seed = 7;
  for (int i = 0; i < LIST; i++) {
    items[i].key = (int16_t)(bench_next(&seed) % 1000);
    items[i].value = (int16_t)i;
    items[i].next = i + 1 < LIST ? &items[i + 1] : 0;
  }
  for (int i = 0; i < N * N; i++) { ma[i] = (int16_t)(bench_next(&seed) % 64); mb[i] = (int16_t)(bench_next(&seed) % 64); }
  static const char alphabet[] = "0123456789abcdefghij ,#+";
  for (int i = 0; i < TEXT; i++) text[i] = alphabet[bench_next(&seed) % (sizeof alphabet - 1)];

  struct item *list = items;
  uint16_t crc = 0;
  for (int it = 0; it < ITERATIONS; it++) {
    struct item *f = find(list, (int16_t)(it % 1000));
    crc = crc16(crc, f ? (uint32_t)f->value : 0xFFFFu, 16);
    list = reverse(list);
    list = sort(list);
    crc = crc16(crc, (uint32_t)list->key, 16);
    list->key = (int16_t)((list->key + it * 7) % 1000);
    crc = matrix(crc, (int16_t)(it & 7));
    crc = scan(crc);
    text[it % TEXT] = alphabet[(it * 5) % (sizeof alphabet - 1)];
  }
  return bench_result("coremark_like", crc, 0x7e28);
}
