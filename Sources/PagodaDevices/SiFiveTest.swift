/// What the guest asked of the SiFive test device.
public enum PowerRequest: Equatable, Sendable {
    /// Power off, test passed (QEMU exits with status 0).
    case pass
    /// Power off, test failed with `code` (QEMU exits with status `code`, so a failure
    /// reported with code 0 still exits 0 there).
    case fail(code: Int)
    /// Reset the machine.
    case reset
}

/// The SiFive test finisher of QEMU's `virt` board, through which a guest powers the
/// machine off or resets it. A write to offset 0 is decoded as
///
///     bits 0-15   status: 0x5555 pass, 0x3333 fail, 0x7777 reset; others are ignored
///     bits 16-31  the exit code of a fail
///
/// As on QEMU, the device takes 2- and 4-byte accesses (others fault), reads return 0,
/// and writes anywhere but offset 0 are ignored. A 2-byte write carries no code.
public final class SiFiveTest: MMIODevice {
    public let windowSize: UInt64 = 0x1000

    private let onRequest: (PowerRequest) -> Void

    private static let statusPass: UInt64 = 0x5555
    private static let statusFail: UInt64 = 0x3333
    private static let statusReset: UInt64 = 0x7777

    /// A test device that hands each request to `onRequest`.
    public init(onRequest: @escaping (PowerRequest) -> Void) {
        self.onRequest = onRequest
    }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        isSupported(offset: offset, size: size) ? 0 : nil
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard isSupported(offset: offset, size: size) else { return false }
        guard offset == 0 else { return true }
        let written = MMIOAccess.truncate(value, toSize: size)
        switch written & 0xFFFF {
        case Self.statusPass: onRequest(.pass)
        case Self.statusFail: onRequest(.fail(code: Int(written >> 16 & 0xFFFF)))
        case Self.statusReset: onRequest(.reset)
        default: break
        }
        return true
    }

    private func isSupported(offset: UInt64, size: Int) -> Bool {
        (size == 2 || size == 4) && MMIOAccess.isNaturallyAligned(offset: offset, size: size) && offset < windowSize
    }
}
