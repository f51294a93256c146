/// The core-local interruptor of QEMU's `virt` board (SiFive CLINT layout, which the
/// RISC-V ACLINT specification keeps as its MSWI and MTIMER devices):
///
///     0x0000 + 4*h   msip[h]      u32, bit 0 drives mip.MSIP of hart h, bits 1-31 read 0
///     0x4000 + 8*h   mtimecmp[h]  u64, mip.MTIP of hart h is mtime >= mtimecmp[h]
///     0xBFF8         mtime        u64, the machine's time (read and written)
///
/// As on QEMU, msip takes 4-byte accesses only; mtimecmp and mtime take 8-byte accesses
/// or 4-byte accesses to either half. Registers of harts beyond `harts` read 0 and
/// ignore writes; the rest of the window (0xC000 and up) is not decoded.
///
/// The CLINT raises nothing itself: harts ask `softwareInterruptPending(hart:)` and
/// `timerInterruptPending(hart:)` when they check for interrupts.
public final class CLINT: MMIODevice {
    public let windowSize: UInt64 = 0x1_0000
    public let harts: Int

    private let time: TimeSource
    private var msip: [Bool]
    /// Called with the hart whose msip a write set to 1 (an IPI; shootdown accounting).
    public var onSoftwareInterruptRaised: ((Int) -> Void)?
    private var timeCompare: [UInt64]

    private static let msipBase: UInt64 = 0x0000
    private static let mtimecmpBase: UInt64 = 0x4000
    private static let mtimeOffset: UInt64 = 0xBFF8
    private static let timerEnd: UInt64 = 0xC000

    /// The most harts the layout has room for: mtimecmp[4094] ends where mtime starts.
    public static let maximumHarts = 4095

    /// A CLINT for harts 0..<`harts` (1...`maximumHarts`) reading time from `time`.
    ///
    /// mtimecmp starts at all ones. The ACLINT specification leaves its reset value
    /// unspecified; QEMU starts it at 0 but only raises MTIP once mtimecmp is written,
    /// and all ones gives that same behaviour here: no timer interrupt until software
    /// programs one.
    public init(harts: Int, time: TimeSource) {
        precondition((1...Self.maximumHarts).contains(harts), "CLINT supports 1...\(Self.maximumHarts) harts")
        self.harts = harts
        self.time = time
        msip = Array(repeating: false, count: harts)
        timeCompare = Array(repeating: .max, count: harts)
    }

    // MARK: - Queries for the harts

    /// mip.MSIP of `hart`: bit 0 of its msip register.
    public func softwareInterruptPending(hart: Int) -> Bool {
        guard msip.indices.contains(hart) else { return false }
        return msip[hart]
    }

    /// mip.MTIP of `hart`: mtime has reached its mtimecmp.
    public func timerInterruptPending(hart: Int) -> Bool {
        guard timeCompare.indices.contains(hart) else { return false }
        return time.mtime >= timeCompare[hart]
    }

    /// The mtimecmp register of `hart` (all ones for a hart that does not exist).
    public func mtimecmp(hart: Int) -> UInt64 {
        guard timeCompare.indices.contains(hart) else { return .max }
        return timeCompare[hart]
    }

    /// The earliest mtimecmp over all harts: the time at which a hart parked in WFI may
    /// need waking for its timer. `nil` when no hart has a timer armed (all are all ones).
    public func nextTimerDeadline() -> UInt64? {
        let earliest = timeCompare.min() ?? .max
        return earliest == .max ? nil : earliest
    }

    // MARK: - Bus interface

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard MMIOAccess.isNaturallyAligned(offset: offset, size: size) else { return nil }
        if offset < Self.mtimecmpBase {
            guard size == 4 else { return nil }
            guard let hart = msipHart(offset) else { return 0 }
            return msip[hart] ? 1 : 0
        }
        guard offset < Self.timerEnd, size == 4 || size == 8 else { return nil }
        let register: UInt64
        if offset >= Self.mtimeOffset {
            register = time.mtime
        } else if let hart = mtimecmpHart(offset) {
            register = timeCompare[hart]
        } else {
            return 0
        }
        return size == 8 ? register : register >> ((offset & 4) * 8) & 0xFFFF_FFFF
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard MMIOAccess.isNaturallyAligned(offset: offset, size: size) else { return false }
        if offset < Self.mtimecmpBase {
            guard size == 4 else { return false }
            if let hart = msipHart(offset) {
                msip[hart] = value & 1 != 0
                if value & 1 != 0 { onSoftwareInterruptRaised?(hart) }
            }
            return true
        }
        guard offset < Self.timerEnd, size == 4 || size == 8 else { return false }
        if offset >= Self.mtimeOffset {
            time.mtime = Self.merge(time.mtime, offset: offset, size: size, value: value)
        } else if let hart = mtimecmpHart(offset) {
            timeCompare[hart] = Self.merge(timeCompare[hart], offset: offset, size: size, value: value)
        }
        return true
    }

    // MARK: - Decoding

    /// The hart whose msip register is at `offset`, if it exists.
    private func msipHart(_ offset: UInt64) -> Int? {
        let hart = Int((offset - Self.msipBase) / 4)
        return hart < harts ? hart : nil
    }

    /// The hart whose mtimecmp contains `offset`, if it exists.
    private func mtimecmpHart(_ offset: UInt64) -> Int? {
        let hart = Int((offset - Self.mtimecmpBase) / 8)
        return hart < harts ? hart : nil
    }

    /// A 64-bit register after a write of `size` bytes at `offset`: the whole register
    /// for 8 bytes, else the half that `offset` selects.
    private static func merge(_ old: UInt64, offset: UInt64, size: Int, value: UInt64) -> UInt64 {
        guard size == 4 else { return value }
        let shift = (offset & 4) * 8
        let mask: UInt64 = 0xFFFF_FFFF << shift
        return old & ~mask | (value << shift) & mask
    }
}
