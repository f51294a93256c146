/// Physical memory protection: 16 entries (privileged spec, "Physical Memory Protection").
///
/// `pmpcfg0` and `pmpcfg2` hold the eight 8-bit configurations each (RV64 has no odd
/// pmpcfg registers); `pmpaddr0...15` hold bits 55:2 of addresses. Entries 16...63 read
/// as zero. Matching is by the lowest-numbered entry whose range covers any byte of the
/// access; an access that is only partly covered fails.
///
/// One deliberate choice: when no entry is active (every A field OFF), S and U accesses
/// are allowed, as QEMU does, so that kernels written for QEMU's virt board that never
/// program the PMP still run. Once any entry is active, the spec's rule applies and an
/// S or U access that matches no entry fails.
public struct PMP: Sendable {
    public static let entryCount = 16
    static let read: UInt8 = 1, write: UInt8 = 2, execute: UInt8 = 4, locked: UInt8 = 0x80

    public private(set) var config = [UInt8](repeating: 0, count: entryCount)
    public private(set) var address = [UInt64](repeating: 0, count: entryCount)
    /// Decoded ranges [low, high) of each entry, empty when the entry is off.
    private var ranges = [(low: UInt64, high: UInt64)](repeating: (0, 0), count: entryCount)
    /// Whether any entry is active.
    public private(set) var anyActive = false

    public init() {}

    // MARK: CSR access

    /// `pmpcfgN` for N = 0 or 2 (entries 4N/... packed eight per register on RV64).
    public func readConfig(register n: Int) -> UInt64 {
        guard n == 0 || n == 2 else { return 0 }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(config[n * 4 + i]) << (8 * UInt64(i)) }
        return v
    }

    public mutating func writeConfig(register n: Int, value: UInt64) {
        guard n == 0 || n == 2 else { return }
        for i in 0..<8 {
            let index = n * 4 + i
            if config[index] & PMP.locked != 0 { continue }
            var c = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) & 0x9F
            // R=0, W=1 is reserved: keep the entry's previous permissions (WARL).
            if c & (PMP.read | PMP.write) == PMP.write { c = (c & ~0x07) | (config[index] & 0x07) }
            config[index] = c
        }
        recompute()
    }

    public func readAddress(_ i: Int) -> UInt64 {
        guard i < PMP.entryCount else { return 0 }
        return address[i]
    }

    public mutating func writeAddress(_ i: Int, value: UInt64) {
        guard i < PMP.entryCount else { return }
        if config[i] & PMP.locked != 0 { return }
        // A locked TOR entry also locks the address register below it.
        if i + 1 < PMP.entryCount, config[i + 1] & PMP.locked != 0, (config[i + 1] >> 3) & 3 == 1 { return }
        address[i] = value & ((1 << 54) - 1)
        recompute()
    }

    private mutating func recompute() {
        anyActive = false
        for i in 0..<PMP.entryCount {
            let a = address[i]
            switch (config[i] >> 3) & 3 {
            case 1:  // TOR
                let low = i == 0 ? 0 : address[i - 1] << 2
                ranges[i] = (low, a << 2)
            case 2:  // NA4
                ranges[i] = (a << 2, (a << 2) + 4)
            case 3:  // NAPOT: trailing ones of pmpaddr give the size.
                let ones = UInt64((~a).trailingZeroBitCount)
                if ones >= 54 {
                    ranges[i] = (0, .max)
                } else {
                    let size = UInt64(1) << (ones + 3)
                    let low = (a << 2) & ~(size - 1)
                    ranges[i] = (low, low &+ size)
                }
            default:
                ranges[i] = (0, 0)
            }
            if (config[i] >> 3) & 3 != 0 { anyActive = true }
        }
    }

    // MARK: Checks

    private static func permission(for access: AccessType) -> UInt8 {
        switch access {
        case .fetch: return execute
        case .load: return read
        case .store: return write
        }
    }

    /// Whether an access of `length` bytes at physical `address` in `mode` is allowed.
    public func allows(_ address: UInt64, length: UInt64, access: AccessType, mode: PrivilegeMode) -> Bool {
        if !anyActive { return true }
        let end = address &+ length
        for i in 0..<PMP.entryCount {
            let r = ranges[i]
            if r.low >= r.high { continue }
            let overlaps = address < r.high && end > r.low
            if !overlaps { continue }
            let covers = address >= r.low && end <= r.high
            if !covers { return false }
            if mode == .machine && config[i] & PMP.locked == 0 { return true }
            return config[i] & PMP.permission(for: access) != 0
        }
        return mode == .machine
    }

    /// Whether every access of the given kind to the 4 KiB page at `page` gets the same answer,
    /// and that answer is "allowed": then the page may be cached in a host TLB.
    func allowsWholePage(_ page: UInt64, access: AccessType, mode: PrivilegeMode) -> Bool {
        if !anyActive { return true }
        let end = page &+ 4096
        for i in 0..<PMP.entryCount {
            let r = ranges[i]
            if r.low >= r.high { continue }
            if !(page < r.high && end > r.low) { continue }
            if !(page >= r.low && end <= r.high) { return false }
            if mode == .machine && config[i] & PMP.locked == 0 { return true }
            return config[i] & PMP.permission(for: access) != 0
        }
        return mode == .machine
    }
}
