// Generated from firmware/bootrom.S by firmware/gen-bootrom-swift.sh: do not edit.
// Change the assembly and run `make -C firmware swift`; tools/check-firmware.sh
// fails when this file no longer matches the source.

/// The boot ROM at the virt board's reset vector.
///
/// Every hart starts here in M-mode. The ROM sets `a0` to `mhartid`, `a1` to the
/// device tree address and `a2` to the argument word, then jumps to the kernel entry.
/// It reads those three 64-bit words from just after its code, relative to its own pc,
/// and `image(entry:dtbAddress:argument:)` fills them in.
public enum BootROM {
    /// Where the ROM is mapped.
    public static let base: UInt64 = 0x1000

    /// The ROM's instructions: 32-bit encodings, position-independent.
    public static let code: [UInt8] = [
        0x97, 0x02, 0x00, 0x00, // 0x00: auipc t0, 0
        0x73, 0x25, 0x40, 0xf1, // 0x04: csrr a0, mhartid
        0x83, 0xb5, 0x02, 0x02, // 0x08: ld a1, DTB_ADDRESS(t0)
        0x03, 0xb6, 0x82, 0x02, // 0x0c: ld a2, ARGUMENT(t0)
        0x83, 0xb2, 0x82, 0x01, // 0x10: ld t0, KERNEL_ENTRY(t0)
        0x67, 0x80, 0x02, 0x00, // 0x14: jr t0
    ]

    /// Offset of the 64-bit kernel entry address the ROM jumps to.
    public static let entryOffset = 0x18
    /// Offset of the 64-bit device tree address the ROM passes in `a1`.
    public static let dtbOffset = 0x20
    /// Offset of the spare 64-bit word the ROM passes in `a2` (for example the
    /// address of OpenSBI's `fw_dynamic_info`; 0 when unused).
    public static let argumentOffset = 0x28
    /// The size of the ROM image.
    public static let size = 0x30

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
