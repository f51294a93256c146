/// Guest physical memory as devices see it when they do DMA: byte ranges of RAM,
/// every one checked against RAM's bounds before a byte moves.
///
/// A range that is not wholly inside RAM (MMIO, the boot ROM, nothing, or an address
/// that wraps around) is refused as a whole: the read or write returns `false` and
/// copies nothing, so a guest-supplied address can never make a device reach outside
/// the emulator's buffers.
///
/// Writes go through `writePhysical` only. The machine's implementation breaks LR/SC
/// reservations on the bytes written, as a store by another hart would. Instruction
/// fetches need no hook today (the interpreter's decode cache compares instruction
/// bits on every fetch); an engine that caches translated code must invalidate it in
/// that one function.
public protocol GuestMemory: AnyObject {
    /// Whether `[address, address + length)` lies inside RAM.
    func isRAM(_ address: UInt64, length: UInt64) -> Bool
    /// Copies `buffer.count` bytes of RAM at `address` into `buffer`; `false` (nothing
    /// copied) when the range is not inside RAM.
    func readPhysical(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool
    /// Copies `buffer` into RAM at `address`; `false` (nothing written) when the range is
    /// not inside RAM.
    func writePhysical(_ address: UInt64, from buffer: UnsafeRawBufferPointer) -> Bool
}

extension GuestMemory {
    /// A little-endian integer of `T`'s size at `address`, or nil outside RAM.
    public func load<T: FixedWidthInteger>(_ address: UInt64, as type: T.Type) -> T? {
        var value: T = 0
        let ok = withUnsafeMutableBytes(of: &value) { readPhysical(address, into: $0) }
        return ok ? T(littleEndian: value) : nil
    }

    /// Stores `value` little-endian at `address`; false outside RAM.
    @discardableResult
    public func store<T: FixedWidthInteger>(_ value: T, at address: UInt64) -> Bool {
        var little = value.littleEndian
        return withUnsafeBytes(of: &little) { writePhysical(address, from: $0) }
    }

    /// `count` bytes at `address`, or nil outside RAM.
    public func bytes(_ address: UInt64, count: Int) -> [UInt8]? {
        var result = [UInt8](repeating: 0, count: count)
        let ok = result.withUnsafeMutableBytes { readPhysical(address, into: $0) }
        return ok ? result : nil
    }

    /// Writes `bytes` at `address`; false outside RAM.
    @discardableResult
    public func write(_ bytes: [UInt8], at address: UInt64) -> Bool {
        bytes.withUnsafeBytes { writePhysical(address, from: $0) }
    }
}
