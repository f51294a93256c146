/// What the hart mailbox asks of the machine.
public protocol HartControl: AnyObject {
    /// Whether hart `hart` has been released (is running).
    func isRunning(hart: Int) -> Bool
    /// Releases a held hart: it starts in M-mode at `start` with a0 = hart, a1 = `argument`.
    func release(hart: Int, start: UInt64, argument: UInt64)
}

/// Pagoda's hart mailbox: the one way secondary harts are released.
///
/// Hart 0 starts at the reset vector; every other hart is held, executing nothing,
/// until software writes its start address and argument and rings its doorbell.
///
/// | offset          | register   | access | meaning |
/// |-----------------|------------|--------|---------|
/// | 0x000           | NHARTS     | r, u32 | number of harts |
/// | 0x100 + 32h     | START      | rw, u64| physical address hart h starts at |
/// | 0x108 + 32h     | ARG        | rw, u64| value hart h receives in a1 |
/// | 0x110 + 32h     | STATE      | r, u32 | 0 held, 1 running |
/// | 0x114 + 32h     | DOORBELL   | w, u32 | writing 1 releases a held hart; ringing a running hart does nothing |
///
/// START and ARG take 4- or 8-byte accesses (4-byte ones reach either half).
public final class HartMailbox: MMIODevice {
    public let windowSize: UInt64 = 0x1000
    public let harts: Int
    public static let slotBase: UInt64 = 0x100
    public static let slotSize: UInt64 = 32

    private var start: [UInt64]
    private var argument: [UInt64]
    private unowned let control: HartControl

    public init(harts: Int, control: HartControl) {
        precondition(harts >= 1 && harts <= 64, "the mailbox has slots for 1 to 64 harts")
        self.harts = harts
        self.control = control
        start = [UInt64](repeating: 0, count: harts)
        argument = [UInt64](repeating: 0, count: harts)
    }

    /// Clears START and ARG (machine reset).
    public func reset() {
        for h in 0..<harts { start[h] = 0; argument[h] = 0 }
    }

    private func slot(_ offset: UInt64) -> (hart: Int, register: UInt64)? {
        guard offset >= HartMailbox.slotBase else { return nil }
        let h = Int((offset - HartMailbox.slotBase) / HartMailbox.slotSize)
        guard h < harts else { return nil }
        return (h, (offset - HartMailbox.slotBase) % HartMailbox.slotSize)
    }

    public func read(offset: UInt64, size: Int) -> UInt64? {
        if offset == 0 { return size == 4 ? UInt64(harts) : nil }
        guard let (h, r) = slot(offset) else { return nil }
        switch (r, size) {
        case (0x00, 8): return start[h]
        case (0x00, 4): return start[h] & 0xFFFF_FFFF
        case (0x04, 4): return start[h] >> 32
        case (0x08, 8): return argument[h]
        case (0x08, 4): return argument[h] & 0xFFFF_FFFF
        case (0x0C, 4): return argument[h] >> 32
        case (0x10, 4): return control.isRunning(hart: h) ? 1 : 0
        case (0x14, 4): return 0
        default: return nil
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard let (h, r) = slot(offset) else { return false }
        let low = value & 0xFFFF_FFFF
        switch (r, size) {
        case (0x00, 8): start[h] = value
        case (0x00, 4): start[h] = (start[h] & ~0xFFFF_FFFF) | low
        case (0x04, 4): start[h] = (start[h] & 0xFFFF_FFFF) | (low << 32)
        case (0x08, 8): argument[h] = value
        case (0x08, 4): argument[h] = (argument[h] & ~0xFFFF_FFFF) | low
        case (0x0C, 4): argument[h] = (argument[h] & 0xFFFF_FFFF) | (low << 32)
        case (0x14, 4):
            if low == 1 && !control.isRunning(hart: h) {
                control.release(hart: h, start: start[h], argument: argument[h])
            }
        default: return false
        }
        return true
    }
}
