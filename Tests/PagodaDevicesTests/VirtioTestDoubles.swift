import PagodaDevices

/// Guest RAM for device tests: `size` bytes at `base`, nothing anywhere else.
final class TestMemory: GuestMemory {
    let base: UInt64
    var bytes: [UInt8]
    private(set) var writes = 0

    init(base: UInt64 = 0x8000_0000, size: Int = 64 << 10) {
        self.base = base
        bytes = [UInt8](repeating: 0, count: size)
    }

    func isRAM(_ address: UInt64, length: UInt64) -> Bool {
        let offset = address &- base
        return offset < UInt64(bytes.count) && length <= UInt64(bytes.count) - offset
    }

    func readPhysical(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard isRAM(address, length: UInt64(buffer.count)) else { return false }
        let start = Int(address - base)
        for i in 0..<buffer.count { buffer[i] = bytes[start + i] }
        return true
    }

    func writePhysical(_ address: UInt64, from buffer: UnsafeRawBufferPointer) -> Bool {
        guard isRAM(address, length: UInt64(buffer.count)) else { return false }
        let start = Int(address - base)
        for i in 0..<buffer.count { bytes[start + i] = buffer[i] }
        writes += 1
        return true
    }

    /// Writes a descriptor (virtio 1.2, 2.7.5) into the table at `table`.
    func descriptor(_ table: UInt64, _ index: Int, address: UInt64, length: UInt32, flags: UInt16 = 0, next: UInt16 = 0) {
        let at = table + 16 * UInt64(index)
        store(address, at: at)
        store(length, at: at + 8)
        store(flags, at: at + 12)
        store(next, at: at + 14)
    }
}

/// A clock that moves only when a test says, running what falls due.
final class TestClock: DeviceClock {
    var mtime: UInt64 = 0
    private var pending: [(tick: UInt64, action: () -> Void)] = []

    func schedule(atTick tick: UInt64, _ action: @escaping () -> Void) {
        pending.append((tick, action))
    }

    var pendingCount: Int { pending.count }

    /// Moves time to `tick` and runs every callback due by then, in order.
    func advance(to tick: UInt64) {
        mtime = tick
        while let i = pending.indices.filter({ pending[$0].tick <= tick }).min(by: { pending[$0].tick < pending[$1].tick }) {
            let action = pending.remove(at: i).action
            action()
        }
    }
}
