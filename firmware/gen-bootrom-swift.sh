#!/bin/sh
# Writes Sources/PagodaDevices/BootROM.swift (to stdout) from the built boot ROM.
#
#   gen-bootrom-swift.sh build/bootrom.elf build/bootrom.bin bootrom.S
#
# The offsets come from the ELF's symbols, the bytes from the raw image and the
# per-word comments from the instruction lines of the assembly source. The output
# depends on nothing else (no dates, paths or tool versions), so a rebuild gives
# the same file byte for byte.
set -eu

if [ $# -ne 3 ]; then
  echo "usage: $0 bootrom.elf bootrom.bin bootrom.S" >&2
  exit 2
fi
elf=$1 bin=$2 src=$3
NM=${NM:-llvm-nm}

fail() { echo "gen-bootrom-swift: $*" >&2; exit 1; }

. "$(dirname "$0")/elf-symbol.sh"

start=$(symbol _start)
entry=$(symbol KERNEL_ENTRY)
dtb=$(symbol DTB_ADDRESS)
argument=$(symbol ARGUMENT)
size=$(symbol ROM_SIZE)

[ "$start" -eq 4096 ] || fail "_start is not at 0x1000"
[ $((entry % 8)) -eq 0 ] && [ $((dtb % 8)) -eq 0 ] && [ $((argument % 8)) -eq 0 ] ||
  fail "the data words must be 8-byte aligned"
[ $((entry % 4)) -eq 0 ] || fail "the code must be whole 32-bit instructions"

bytes=$(od -An -v -tx1 "$bin" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')
count=$(echo "$bytes" | wc -w)
[ "$count" -eq "$size" ] || fail "$bin is $count bytes, expected ROM_SIZE = $size"

# The data words must be zero in the image: image(entry:dtbAddress:argument:) fills them in.
echo "$bytes" | awk -v from="$entry" '{
  for (i = from + 1; i <= NF; i++) if ($i != "00") { print "nonzero byte in the data words"; exit 1 }
}' >&2 || fail "$bin has data after the code that is not a data word"

# The instruction lines between _start and the first .org, one per 32-bit word
# (the source assembles with .option norvc and uses no expanding pseudo-instructions).
instructions=$(awk '
  /^_start:/ { inside = 1; next }
  inside && /^[ \t]*\.org/ { exit }
  inside {
    sub(/#.*/, "")
    gsub(/[ \t]+/, " "); sub(/^ /, ""); sub(/ $/, "")
    if ($0 != "" && $0 !~ /^\./ && $0 !~ /:$/) print
  }' "$src")
words=$((entry / 4))
annotate=yes
[ "$(echo "$instructions" | wc -l)" -eq "$words" ] || annotate=no

hex() { printf '0x%02x' "$1"; }

cat <<SWIFT
// Generated from firmware/bootrom.S by firmware/gen-bootrom-swift.sh: do not edit.
// Change the assembly and run \`make -C firmware swift\`; tools/check-firmware.sh
// fails when this file no longer matches the source.

/// The boot ROM at the virt board's reset vector.
///
/// Every hart starts here in M-mode. The ROM sets \`a0\` to \`mhartid\`, \`a1\` to the
/// device tree address and \`a2\` to the argument word, then jumps to the kernel entry.
/// It reads those three 64-bit words from just after its code, relative to its own pc,
/// and \`image(entry:dtbAddress:argument:)\` fills them in.
public enum BootROM {
    /// Where the ROM is mapped.
    public static let base: UInt64 = 0x1000

    /// The ROM's instructions: 32-bit encodings, position-independent.
    public static let code: [UInt8] = [
SWIFT

echo "$bytes" | awk -v words="$words" -v annotate="$annotate" -v instructions="$instructions" '
  BEGIN { split(instructions, text, "\n") }
  {
    for (w = 0; w < words; w++) {
      line = sprintf("        0x%s, 0x%s, 0x%s, 0x%s, // 0x%02x", $(4*w+1), $(4*w+2), $(4*w+3), $(4*w+4), 4*w)
      if (annotate == "yes") line = line ": " text[w+1]
      print line
    }
  }'

cat <<SWIFT
    ]

    /// Offset of the 64-bit kernel entry address the ROM jumps to.
    public static let entryOffset = $(hex "$entry")
    /// Offset of the 64-bit device tree address the ROM passes in \`a1\`.
    public static let dtbOffset = $(hex "$dtb")
    /// Offset of the spare 64-bit word the ROM passes in \`a2\` (for example the
    /// address of OpenSBI's \`fw_dynamic_info\`; 0 when unused).
    public static let argumentOffset = $(hex "$argument")
    /// The size of the ROM image.
    public static let size = $(hex "$size")

    /// The ROM image with its data words filled in, stored little-endian as the hart loads them.
    public static func image(entry: UInt64, dtbAddress: UInt64, argument: UInt64 = 0) -> [UInt8] {
        var rom = code + [UInt8](repeating: 0, count: size - code.count)
        for (offset, value) in [(entryOffset, entry), (dtbOffset, dtbAddress), (argumentOffset, argument)] {
            for index in 0..<8 {
                rom[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index))
            }
        }
        return rom
    }
}
SWIFT
