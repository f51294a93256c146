/* Reads what the firmware needs from the flattened device tree (Devicetree
 * Specification v0.4, chapter 5): the first memory node's reg, the number of cpu
 * nodes under /cpus, and whether a "pagoda,hart-mailbox" node exists. Every read is
 * bounded by the blob's totalsize; a blob that is not a device tree leaves the
 * defaults in place. */
#include "sbi.h"

#define FDT_MAGIC      0xd00dfeedU
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

static u32 be32(const u8 *p) { return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3]; }

static int starts_with(const char *s, const char *prefix) {
  while (*prefix) if (*s++ != *prefix++) return 0;
  return 1;
}

static int equal(const char *a, const char *b) {
  while (*a && *a == *b) { a++; b++; }
  return *a == *b;
}

/* Whether a NUL-separated string list of len bytes contains s. */
static int list_contains(const char *list, u32 len, const char *s) {
  u32 i = 0;
  while (i < len) {
    if (equal(list + i, s)) return 1;
    while (i < len && list[i]) i++;
    i++;
  }
  return 0;
}

static u64 cells(const u8 *p, u32 n) {
  u64 v = 0;
  for (u32 i = 0; i < n; i++) v = v << 32 | be32(p + 4 * i);
  return v;
}

void fdt_scan(u64 address) {
  if (address < ram_base || address & 7) return;
  const u8 *blob = (const u8 *)address;
  if (be32(blob) != FDT_MAGIC) return;
  u32 total = be32(blob + 4), off_struct = be32(blob + 8), off_strings = be32(blob + 12);
  u32 size_strings = be32(blob + 32), size_struct = be32(blob + 36);
  if (total > (64U << 20) || off_struct > total || size_struct > total - off_struct ||
      off_strings > total || size_strings > total - off_strings) return;
  const u8 *p = blob + off_struct, *end = p + size_struct;
  const char *strings = (const char *)blob + off_strings;
  u32 address_cells = 2, size_cells = 2;
  int depth = 0, in_memory = 0, in_cpus = 0, found_memory = 0;
  u64 cpus = 0;
  while (p + 4 <= end) {
    u32 token = be32(p);
    p += 4;
    if (token == FDT_BEGIN_NODE) {
      const char *name = (const char *)p;
      u32 n = 0;
      while (p + n < end && p[n]) n++;
      if (p + n >= end) return;
      p += (n + 4) & ~3U;
      depth++;
      if (depth == 2) { in_memory = starts_with(name, "memory"); in_cpus = equal(name, "cpus"); }
      if (depth == 3 && in_cpus && starts_with(name, "cpu@")) cpus++;
    } else if (token == FDT_END_NODE) {
      if (depth == 2) { in_memory = 0; in_cpus = 0; }
      depth--;
    } else if (token == FDT_PROP) {
      if (p + 8 > end) return;
      u32 len = be32(p), name_off = be32(p + 4);
      p += 8;
      if (len > (u32)(end - p) || name_off >= size_strings) return;
      const char *name = strings + name_off;
      if (depth == 1 && equal(name, "#address-cells") && len == 4) address_cells = be32(p);
      if (depth == 1 && equal(name, "#size-cells") && len == 4) size_cells = be32(p);
      if (depth == 2 && in_memory && !found_memory && equal(name, "reg") &&
          address_cells >= 1 && address_cells <= 2 && size_cells >= 1 && size_cells <= 2 &&
          len >= 4 * (address_cells + size_cells)) {
        u64 base = cells(p, address_cells), size = cells(p + 4 * address_cells, size_cells);
        if (base + size > base) { ram_base = base; ram_end = base + size; found_memory = 1; }
      }
      if (equal(name, "compatible") && list_contains((const char *)p, len, "pagoda,hart-mailbox"))
        has_mailbox = 1;
      p += (len + 3) & ~3U;
    } else if (token == FDT_NOP) {
    } else {
      break;   /* FDT_END or garbage */
    }
  }
  if (cpus > 0) hart_count = cpus > MAX_HARTS ? MAX_HARTS : cpus;
}
