/// The 64-byte header at the start of a RISC-V Linux `Image` (the kernel's
/// Documentation/riscv/boot-image-header.rst):
///
/// | offset | size | field                                         |
/// |--------|------|-----------------------------------------------|
/// | 0x00   | 4    | code0 (executable: a jump over the header)    |
/// | 0x04   | 4    | code1                                         |
/// | 0x08   | 8    | text_offset: where in RAM the image wants to be|
/// | 0x10   | 8    | image_size: bytes the kernel occupies, bss too|
/// | 0x18   | 8    | flags                                         |
/// | 0x20   | 4    | version (major << 16 | minor)                 |
/// | 0x24   | 4    | reserved                                      |
/// | 0x28   | 8    | reserved                                      |
/// | 0x30   | 8    | magic "RISCV\0\0\0" (deprecated)              |
/// | 0x38   | 4    | magic2 "RSC\x05"                              |
/// | 0x3C   | 4    | reserved                                      |
///
/// All fields are little-endian. An image is recognised by either magic.
public struct LinuxImageHeader: Sendable, Equatable {
    public static let size = 64
    /// "RISCV\0\0\0" read as a little-endian u64.
    public static let magic: UInt64 = 0x0000_0056_4353_4952
    /// "RSC\x05" read as a little-endian u32.
    public static let magic2: UInt32 = 0x0543_5352

    /// Offset from the start of RAM at which the image is to be placed.
    public let textOffset: UInt64
    /// The memory the kernel occupies once running (0 in very old images: unknown).
    public let imageSize: UInt64
    public let flags: UInt64
    public let version: UInt32

    /// The header of `bytes`, or nil when they do not start with one.
    public init?(_ bytes: [UInt8]) {
        guard bytes.count >= Self.size else { return nil }
        func field(_ offset: Int, _ width: Int) -> UInt64 {
            var value: UInt64 = 0
            for i in (0..<width).reversed() { value = value << 8 | UInt64(bytes[offset + i]) }
            return value
        }
        guard field(0x30, 8) == Self.magic || UInt32(field(0x38, 4)) == Self.magic2 else { return nil }
        textOffset = field(0x08, 8)
        imageSize = field(0x10, 8)
        flags = field(0x18, 8)
        version = UInt32(field(0x20, 4))
    }

    /// Bit 0 of `flags`: the kernel is big-endian (Pagoda's harts are little-endian).
    public var isBigEndian: Bool { flags & 1 != 0 }
}
