#!/bin/sh
# Writes Sources/PagodaDevices/PagodaFirmware.swift (to stdout) from the built SBI
# firmware.
#
#   gen-firmware-swift.sh build/pagoda-sbi.elf build/pagoda-sbi.bin
#
# The image is stored as a base64 string literal, decoded once when first used, so
# the Swift compiler does not have to type-check a huge array literal. The reserved
# size and the implementation id come from the ELF's absolute symbols. The output
# depends on nothing else (no dates, paths or tool versions).
set -eu

if [ $# -ne 2 ]; then
  echo "usage: $0 pagoda-sbi.elf pagoda-sbi.bin" >&2
  exit 2
fi
elf=$1 bin=$2
NM=${NM:-llvm-nm}

fail() { echo "gen-firmware-swift: $*" >&2; exit 1; }

. "$(dirname "$0")/elf-symbol.sh"

start=$(symbol _start)
reserved=$(symbol _fw_reserved_size)
impl=$(symbol pagoda_sbi_implementation_id)
size=$(wc -c <"$bin" | tr -d ' ')

[ "$start" -eq $((0x80000000)) ] || fail "_start is not at 0x80000000"
[ $((reserved & (reserved - 1))) -eq 0 ] || fail "the reserved size $reserved is not a power of two"
[ "$size" -le "$reserved" ] || fail "the image ($size bytes) is larger than its reserved region"

cat <<SWIFT
// Generated from firmware/sbi/ by firmware/gen-firmware-swift.sh: do not edit.
// Change the firmware and run \`make -C firmware swift\`; tools/check-firmware.sh
// fails when this file no longer matches the sources.

/// Pagoda's own SBI firmware (firmware/sbi/), placed at RAM base and entered there
/// in M-mode from the boot ROM with a0 = hartid, a1 = the device tree and
/// a2 = \`struct fw_dynamic_info\`. It implements SBI 2.0 (Base, legacy console,
/// set_timer and shutdown, TIME, IPI, RFENCE, HSM, SRST, DBCN) and starts the
/// kernel in S-mode at \`next_addr\`.
public enum PagodaFirmware {
    /// Where the image is placed and entered.
    public static let base: UInt64 = 0x8000_0000

    /// The raw image, $size bytes, to be copied to \`base\`.
    public static let image: [UInt8] = decode(encodedImage)

    /// The firmware's region from \`base\`, a power of two: code, data and an M-mode
    /// stack for each of up to 64 harts. It is closed to S and U mode by one NAPOT PMP
    /// entry, and the device tree reserves it (\`/reserved-memory\`, \`no-map\`).
    public static let reservedSize: UInt64 = $(printf '0x%x' "$reserved")

    /// What \`sbi_get_impl_id\` returns: 0x50474441, "PGDA", an id the SBI
    /// specification has not registered for anyone.
    public static let implementationID: UInt64 = $(printf '0x%x' "$impl")

    private static let encodedImage = """
SWIFT
base64 -w 76 "$bin"
cat <<'SWIFT'
"""

    /// Decodes base64 (RFC 4648 section 4), skipping line breaks.
    private static func decode(_ text: String) -> [UInt8] {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = UInt8(index)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for character in text.utf8 {
            let value = table[Int(character)]
            if value == 0xFF { continue }  // line breaks and '=' padding
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return bytes
    }
}
SWIFT
