/* Reading the kernel command line from the flattened device tree Pagoda hands the boot
   hart (Devicetree Specification 0.4, ch. 5: header, structure block, strings block). */
#include "kernel.h"

static u32 be32(const void *p) {
  const u8 *b = p;
  return ((u32)b[0] << 24) | ((u32)b[1] << 16) | ((u32)b[2] << 8) | b[3];
}

static int contains(const char *s, u32 len, const char *word) {
  u64 n = strlen(word);
  for (u32 i = 0; i + n <= len; i++) {
    u64 k = 0;
    while (k < n && s[i + k] == word[k]) k++;
    if (k == n) return 1;
  }
  return 0;
}

/* Walks the structure block: the value of property `prop` in /chosen when chosen is set,
   else of the first property named `prop` anywhere; 0 if absent or malformed. */
static const char *find_property(const void *fdt, const char *prop, int chosen_only, u32 *length) {
  const u8 *base = fdt;
  if (!fdt || be32(base) != 0xd00dfeed) return 0;
  u32 total = be32(base + 4), off_struct = be32(base + 8), off_strings = be32(base + 12);
  u32 size_struct = be32(base + 36);
  if (off_struct >= total || off_strings >= total || size_struct > total - off_struct) return 0;
  const u8 *p = base + off_struct, *end = p + size_struct;
  int depth = 0, in_chosen = 0;
  while (p + 4 <= end) {
    u32 token = be32(p);
    p += 4;
    if (token == 1) {                       /* FDT_BEGIN_NODE */
      const char *name = (const char *)p;
      u32 len = 0;
      while (p + len < end && p[len]) len++;
      depth++;
      if (depth == 2) in_chosen = strcmp(name, "chosen") == 0;
      p += (len + 4) & ~3U;
    } else if (token == 2) {                /* FDT_END_NODE */
      if (depth == 2) in_chosen = 0;
      depth--;
    } else if (token == 3) {                /* FDT_PROP */
      if (p + 8 > end) return 0;
      u32 len = be32(p), nameoff = be32(p + 4);
      p += 8;
      if (len > (u32)(end - p) || nameoff >= total - off_strings) return 0;
      if ((in_chosen || !chosen_only) && strcmp((const char *)base + off_strings + nameoff, prop) == 0 && len > 0 &&
          p[len - 1] == 0) {
        *length = len;
        return (const char *)p;
      }
      p += (len + 3) & ~3U;
    } else if (token == 4) {                /* FDT_NOP */
    } else break;                           /* FDT_END or garbage */
  }
  return 0;
}

/* The value of /chosen/bootargs, or "" if the tree is absent or malformed. */
const char *fdt_bootargs(const void *fdt) {
  u32 len;
  const char *v = find_property(fdt, "bootargs", 1, &len);
  return v ? v : "";
}

/* Whether the first cpu's riscv,isa string names extension `ext` (as "_ext"). */
int fdt_has_extension(const void *fdt, const char *ext) {
  u32 len;
  const char *v = find_property(fdt, "riscv,isa", 0, &len);
  char word[32] = "_";
  u64 n = strlen(ext);
  if (!v || n > 30) return 0;
  memcpy(word + 1, ext, n + 1);
  return contains(v, len, word);
}
