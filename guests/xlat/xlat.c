/* The translation-overhead workload: one memory access pattern over one working set,
   run in S-mode under one translation setting, measured with the hart's counters.

   Parameters come from the kernel command line (/chosen/bootargs in the device tree
   that a1 points to at entry; `pagoda run --bootargs "..."`, or QEMU's -append):

     mode=bare|base|sv39-4k|sv39-2m|sv39-1g   translation for the S-mode run (bare)
     pattern=seq|random|chase                 access pattern (random)
     size=64K..64M                            working set, a power of two (1M)
     accesses=N                               loads in the measured run (1048576)

   The working set is an array of 64-byte lines at physical 0x84000000. `seq` loads
   one word of each line in order, wrapping around; `random` loads the lines a
   xorshift generator picks; `chase` follows a pointer stored in each line around one
   random cycle through all lines (built with Sattolo's algorithm), so each load
   depends on the previous one. Setting up (filling the lines, building the page
   tables) happens in M-mode, untranslated, before the measured run.

   Modes: `bare` runs with satp = 0. `base` is Pagoda's base/limit relocation
   (satp.MODE = 14): sbase = 0x80000000, sbound = 128 MiB, so the program and its data
   appear at virtual address physical - 0x80000000; the code is position-independent
   and is entered at its relocated address. `sv39-4k`, `sv39-2m` and `sv39-1g` map
   the program and the working set one-to-one with pages of that size.

   Output: one line `xlat key=value ...` with the measured run's retired instructions
   and cycles (minstret, mcycle) and Pagoda's event counters (mhpmcounter3 up: TLB
   misses and accesses, page walks, PTE reads, walk cycles), read in M-mode just
   before entering and just after leaving the measured run, and a checksum of the
   loaded values (of the offsets visited, for chase), which is the same in every mode for one pattern and size. */
#include "priv.h"
#include "vm.h"

#define DATA_PA 0x84000000UL
#define MAX_SIZE (64UL << 20)
#define LINE 64
#define RELOCATION_BASE 0x80000000UL
#define RELOCATION_BOUND (128UL << 20)

enum { MODE_BARE, MODE_BASE, MODE_4K, MODE_2M, MODE_1G };
static const char *const mode_names[] = {"bare", "base", "sv39-4k", "sv39-2m", "sv39-1g"};
enum { PATTERN_SEQ, PATTERN_RANDOM, PATTERN_CHASE };
static const char *const pattern_names[] = {"seq", "random", "chase"};

/* ---- the command line, from the flattened device tree (devicetree spec 5) ---- */

static uint32_t be32(const void *p) {
  const uint8_t *b = p;
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static int str_eq(const char *a, const char *b) {
  while (*a && *a == *b) { a++; b++; }
  return *a == *b;
}

/* The value of the first property called "bootargs", or "" when there is none. */
static const char *find_bootargs(const uint8_t *fdt) {
  if (!fdt || be32(fdt) != 0xd00dfeed) return "";
  const uint8_t *structure = fdt + be32(fdt + 8), *strings = fdt + be32(fdt + 12);
  uint32_t size = be32(fdt + 36);
  for (uint32_t off = 0; off + 4 <= size;) {
    uint32_t token = be32(structure + off);
    off += 4;
    if (token == 1) {                    /* FDT_BEGIN_NODE: a NUL-terminated name */
      while (structure[off]) off++;
      off = (off + 4) & ~3u;
    } else if (token == 3) {             /* FDT_PROP: len, nameoff, value */
      uint32_t len = be32(structure + off), name = be32(structure + off + 4);
      if (str_eq((const char *)strings + name, "bootargs")) return (const char *)structure + off + 8;
      off = (off + 8 + len + 3) & ~3u;
    } else if (token == 9) {             /* FDT_END */
      break;
    }                                    /* FDT_END_NODE, FDT_NOP: nothing follows */
  }
  return "";
}

/* Looks up `key=` in the command line: copies its value into `out` (up to 15 chars). */
static int arg_value(const char *args, const char *key, char out[16]) {
  for (const char *p = args; *p;) {
    while (*p == ' ') p++;
    const char *k = key, *q = p;
    while (*k && *q == *k) { k++; q++; }
    if (!*k && *q == '=') {
      q++;
      int n = 0;
      while (*q && *q != ' ' && n < 15) out[n++] = *q++;
      out[n] = 0;
      return 1;
    }
    while (*p && *p != ' ') p++;
  }
  return 0;
}

/* A number with an optional K, M or G suffix; 0 when malformed. */
static uint64_t parse_size(const char *s) {
  uint64_t v = 0;
  if (!*s) return 0;
  for (; *s >= '0' && *s <= '9'; s++) v = v * 10 + (uint64_t)(*s - '0');
  if (*s == 'K' || *s == 'k') { v <<= 10; s++; }
  else if (*s == 'M' || *s == 'm') { v <<= 20; s++; }
  else if (*s == 'G' || *s == 'g') { v <<= 30; s++; }
  return *s ? 0 : v;
}

static int lookup(const char *value, const char *const *names, int count) {
  for (int i = 0; i < count; i++)
    if (str_eq(value, names[i])) return i;
  return -1;
}

static void __attribute__((noreturn)) usage(const char *what) {
  puts_("xlat: bad ");
  puts_(what);
  puts_(" (mode=bare|base|sv39-4k|sv39-2m|sv39-1g pattern=seq|random|chase size=64K..64M accesses=N)\n");
  guest_exit(2);
}

/* ---- the workloads: run in S-mode, position-independent, no absolute addresses ---- */

static inline uint64_t xorshift(uint64_t *state) {
  uint64_t x = *state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *state = x;
}

static inline void __attribute__((noreturn)) return_to_m(uint64_t result) {
  register uint64_t a0 asm("a0") = result;
  asm volatile("ecall" :: "r"(a0) : "memory");
  __builtin_unreachable();
}

static void __attribute__((noreturn, noinline)) run_seq(uint64_t data, uint64_t lines, uint64_t accesses) {
  uint64_t sum = 0, i = 0;
  for (uint64_t n = 0; n < accesses; n++) {
    sum += *(volatile uint64_t *)(data + i * LINE);
    i = (i + 1) & (lines - 1);
  }
  return_to_m(sum);
}

static void __attribute__((noreturn, noinline)) run_random(uint64_t data, uint64_t lines, uint64_t accesses) {
  uint64_t sum = 0, state = 0x9e3779b97f4a7c15UL;
  for (uint64_t n = 0; n < accesses; n++)
    sum += *(volatile uint64_t *)(data + (xorshift(&state) & (lines - 1)) * LINE);
  return_to_m(sum);
}

static void __attribute__((noreturn, noinline)) run_chase(uint64_t data, uint64_t lines, uint64_t accesses) {
  (void)lines;
  uint64_t p = data, sum = 0;
  for (uint64_t n = 0; n < accesses; n++) {
    p = *(volatile uint64_t *)p;
    sum += p - data;
  }
  return_to_m(sum);
}

/* ---- M-mode: setting up, entering S-mode, coming back ---- */

/* run_in_s(entry, sp, a0, a1, a2) enters `entry` in S-mode with that stack and
   arguments; the workload's ecall comes back here, returning its a0. */
uint64_t run_in_s(uint64_t entry, uint64_t sp, uint64_t a0, uint64_t a1, uint64_t a2);
void xlat_unexpected_trap(uint64_t cause, uint64_t epc, uint64_t tval);
uint64_t m_context[14];
asm(
  "  .text\n"
  "  .globl run_in_s\n"
  "run_in_s:\n"
  "  la t0, m_context\n"
  "  sd ra, 0(t0)\n"
  "  sd sp, 8(t0)\n"
  "  .irp n,0,1,2,3,4,5,6,7,8,9,10,11\n"
  "  sd s\\n, 16+\\n*8(t0)\n"
  "  .endr\n"
  "  la t0, xlat_trap\n"
  "  csrw mtvec, t0\n"
  "  li t0, 3 << 11\n"
  "  csrc mstatus, t0\n"
  "  li t0, 1 << 11\n"
  "  csrs mstatus, t0\n"
  "  csrw mepc, a0\n"
  "  mv sp, a1\n"
  "  mv a0, a2\n"
  "  mv a1, a3\n"
  "  mv a2, a4\n"
  "  mret\n"
  "  .balign 4\n"
  "xlat_trap:\n"
  "  la t0, m_context\n"
  "  ld ra, 0(t0)\n"
  "  ld sp, 8(t0)\n"
  "  .irp n,0,1,2,3,4,5,6,7,8,9,10,11\n"
  "  ld s\\n, 16+\\n*8(t0)\n"
  "  .endr\n"
  "  csrr t1, mcause\n"
  "  li t2, 9\n"                       /* an ecall from S: the workload's result */
  "  beq t1, t2, 1f\n"
  "  mv a0, t1\n"
  "  csrr a1, mepc\n"
  "  csrr a2, mtval\n"
  "  call xlat_unexpected_trap\n"
  "1:ret\n");

void xlat_unexpected_trap(uint64_t cause, uint64_t epc, uint64_t tval) {
  puts_("xlat: unexpected trap, cause ");
  print_hex(cause);
  puts_(" epc ");
  print_hex(epc);
  puts_(" tval ");
  print_hex(tval);
  putch('\n');
  guest_exit(3);
}

static uint64_t s_stack[512] __attribute__((aligned(16)));
extern char __heap_start[];

static void fill(int pattern, uint64_t data_va, uint64_t lines) {
  volatile uint64_t *base = (volatile uint64_t *)DATA_PA;
  if (pattern != PATTERN_CHASE) {
    for (uint64_t i = 0; i < lines; i++) base[i * (LINE / 8)] = i * 0x9e3779b97f4a7c15UL;
    return;
  }
  /* Sattolo's algorithm: line i holds the index of its successor, one cycle. */
  for (uint64_t i = 0; i < lines; i++) base[i * (LINE / 8)] = i;
  uint64_t state = 0x2545f4914f6cdd1dUL;
  for (uint64_t i = lines - 1; i > 0; i--) {
    uint64_t j = xorshift(&state) % i;
    uint64_t t = base[i * (LINE / 8)];
    base[i * (LINE / 8)] = base[j * (LINE / 8)];
    base[j * (LINE / 8)] = t;
  }
  for (uint64_t i = 0; i < lines; i++) base[i * (LINE / 8)] = data_va + base[i * (LINE / 8)] * LINE;
}

/* Identity-maps [start, end) with pages of `page` bytes, readable, writable and
   executable, accessed and dirty. */
static void map_range(uint64_t start, uint64_t end, uint64_t page) {
  for (uint64_t a = start & ~(page - 1); a < end; a += page)
    vm_map(a, a, page, PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
}

static void field(const char *key, uint64_t v) {
  putch(' ');
  puts_(key);
  putch('=');
  print_udec(v);
}

#define COUNTERS 11
static void read_counters(uint64_t out[COUNTERS + 2]) {
  out[0] = CSR_READ(minstret);
  out[1] = CSR_READ(mcycle);
  out[2] = CSR_READ(mhpmcounter3);   /* ITLB misses */
  out[3] = CSR_READ(mhpmcounter4);   /* DTLB misses */
  out[4] = CSR_READ(mhpmcounter5);   /* L2 TLB misses */
  out[5] = CSR_READ(mhpmcounter6);   /* page walks */
  out[6] = CSR_READ(mhpmcounter7);   /* PTE reads */
  out[7] = CSR_READ(mhpmcounter8);   /* walk cycles */
  out[8] = CSR_READ(mhpmcounter9);   /* page faults */
  out[9] = CSR_READ(mhpmcounter10);  /* ITLB accesses */
  out[10] = CSR_READ(mhpmcounter11); /* DTLB accesses */
  out[11] = CSR_READ(mhpmcounter12); /* L1I misses */
  out[12] = CSR_READ(mhpmcounter13); /* L1D misses */
}

int main(uint64_t hart, const uint8_t *fdt) {
  (void)hart;
  const char *args = find_bootargs(fdt);
  char value[16];
  int mode = MODE_BARE, pattern = PATTERN_RANDOM;
  uint64_t size = 1UL << 20, accesses = 1UL << 20;
  if (arg_value(args, "mode", value) && (mode = lookup(value, mode_names, 5)) < 0) usage("mode");
  if (arg_value(args, "pattern", value) && (pattern = lookup(value, pattern_names, 3)) < 0) usage("pattern");
  if (arg_value(args, "size", value)) size = parse_size(value);
  if (size < 4096 || size > MAX_SIZE || (size & (size - 1))) usage("size");
  if (arg_value(args, "accesses", value) && (accesses = parse_size(value)) == 0) usage("accesses");

  /* Physical and virtual addresses differ only in base/limit mode. */
  uint64_t offset = mode == MODE_BASE ? RELOCATION_BASE : 0;
  uint64_t lines = size / LINE, data_va = DATA_PA - offset;
  fill(pattern, data_va, lines);

  priv_init();
  CSR_WRITE(satp, 0);
  if (mode == MODE_BASE) {
    CSR_WRITE_NUM(CSR_SBASE, RELOCATION_BASE);
    CSR_WRITE_NUM(CSR_SBOUND, RELOCATION_BOUND);
    CSR_WRITE(satp, SATP_MODE_BASE_LIMIT << 60);
  } else if (mode != MODE_BARE) {
    uint64_t page = mode == MODE_4K ? PAGE_4K : mode == MODE_2M ? PAGE_2M : PAGE_1G;
    vm_reset();
    map_range(0x80000000UL, (uint64_t)__heap_start, page);
    map_range(DATA_PA, DATA_PA + size, page);
    vm_enable(0);
  }
  asm volatile("sfence.vma" ::: "memory");

  void (*entry)(uint64_t, uint64_t, uint64_t) =
      pattern == PATTERN_SEQ ? run_seq : pattern == PATTERN_RANDOM ? run_random : run_chase;
  uint64_t before[COUNTERS + 2], after[COUNTERS + 2];
  read_counters(before);
  uint64_t checksum = run_in_s((uint64_t)entry - offset, (uint64_t)(s_stack + 512) - offset, data_va, lines, accesses);
  read_counters(after);
  CSR_WRITE(satp, 0);

  puts_("xlat mode=");
  puts_(mode_names[mode]);
  puts_(" pattern=");
  puts_(pattern_names[pattern]);
  field("size", size);
  field("accesses", accesses);
  static const char *const names[COUNTERS + 2] = {
      "instret", "cycles", "itlb_misses", "dtlb_misses", "l2tlb_misses", "page_walks", "pte_reads",
      "walk_cycles", "page_faults", "itlb_accesses", "dtlb_accesses", "l1i_misses", "l1d_misses"};
  for (int i = 0; i < COUNTERS + 2; i++) field(names[i], after[i] - before[i]);
  puts_(" checksum=");
  print_hex(checksum);
  putch('\n');
  return 0;
}
