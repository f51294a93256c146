/// The hand-off record a loader passes to M-mode firmware in `a2`: OpenSBI's
/// `struct fw_dynamic_info` (OpenSBI docs/firmware/fw_dynamic.md), which Pagoda's own
/// firmware reads too. Six little-endian 64-bit words:
///
/// | offset | field     | meaning                                             |
/// |--------|-----------|-----------------------------------------------------|
/// | 0x00   | magic     | 0x4942534f ("OSBI")                                 |
/// | 0x08   | version   | 2                                                   |
/// | 0x10   | next_addr | where the next stage (the kernel) starts            |
/// | 0x18   | next_mode | privilege of the next stage: 0 U, 1 S, 3 M          |
/// | 0x20   | options   | 0 (firmware defaults)                               |
/// | 0x28   | boot_hart | the hart that boots the next stage                  |
///
/// The boot ROM holds it, just after its own code and data words.
public struct FirmwareDynamicInfo: Sendable, Equatable {
    public static let magic: UInt64 = 0x4942_534F
    public static let version: UInt64 = 2
    /// Where the record lives in the boot ROM (8-byte aligned, after `BootROM.size`).
    public static let romOffset = 0x40
    public static let size = 48

    public enum NextMode: UInt64, Sendable { case user = 0, supervisor = 1, machine = 3 }

    public var nextAddress: UInt64
    public var nextMode: NextMode
    public var bootHart: UInt64

    public init(nextAddress: UInt64, nextMode: NextMode = .supervisor, bootHart: UInt64 = 0) {
        self.nextAddress = nextAddress
        self.nextMode = nextMode
        self.bootHart = bootHart
    }

    /// The physical address of the record once the ROM is in place.
    public static var address: UInt64 { BootROM.base + UInt64(romOffset) }

    /// The record as stored in memory.
    public var bytes: [UInt8] {
        [Self.magic, Self.version, nextAddress, nextMode.rawValue, 0, bootHart].flatMap { word in
            (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) }
        }
    }
}
