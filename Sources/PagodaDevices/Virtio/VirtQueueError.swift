/// Ways a driver can break a virtqueue. Each puts the device in DEVICE_NEEDS_RESET
/// (virtio 1.2, 2.1.2: "The device SHOULD set DEVICE_NEEDS_RESET when it enters an
/// error state that a reset is needed").
public enum VirtQueueError: Error, Equatable, CustomStringConvertible {
    /// QueueNum is 0, not a power of two (2.7: "Queue Size value is always a power of
    /// 2") or above QueueNumMax.
    case badQueueSize(UInt32)
    /// A ring (`part`: descriptor table, available or used ring) is not inside RAM or
    /// not aligned as 2.7 ("Alignment Constraint") requires.
    case ringOutsideRAM(part: String, address: UInt64)
    /// The available index moved on by more than the queue size.
    case availableIndexJump(from: UInt16, to: UInt16)
    /// A head or `next` index past the end of its table.
    case indexOutOfRange(UInt32)
    /// A descriptor's buffer is not inside RAM.
    case bufferOutsideRAM(address: UInt64, length: UInt32)
    /// A chain comes back to a descriptor it already used.
    case loop(index: UInt16)
    /// A chain (counting indirect descriptors) longer than the queue size (2.7.5.3.1:
    /// "A driver MUST NOT create a descriptor chain longer than the Queue Size").
    case chainTooLong(limit: Int)
    /// A device-readable descriptor after a device-writable one (2.7.4.2: "The driver
    /// MUST place any device-writable descriptor elements after any device-readable
    /// descriptor elements").
    case readableAfterWritable
    /// An indirect table that breaks 2.7.5.3.1: INDIRECT without the feature, with
    /// NEXT, inside another table, or a table whose length is 0 or not a multiple of 16.
    case badIndirect(String)
    /// The device needs buffers of the other direction than the driver gave
    /// (device-readable where it must write, or the other way round).
    case wrongDirection(String)
    /// The request is too short to hold what the device must read or write.
    case malformedRequest(String)

    public var description: String {
        switch self {
        case .badQueueSize(let n): return "queue size \(n) is not a power of two within the maximum"
        case .ringOutsideRAM(let part, let address): return "\(part) at 0x\(String(address, radix: 16)) is not in RAM or misaligned"
        case .availableIndexJump(let from, let to): return "available index jumped from \(from) to \(to)"
        case .indexOutOfRange(let i): return "descriptor index \(i) is out of range"
        case .bufferOutsideRAM(let address, let length):
            return "descriptor buffer 0x\(String(address, radix: 16)) (\(length) bytes) is not in RAM"
        case .loop(let i): return "descriptor chain loops back to descriptor \(i)"
        case .chainTooLong(let limit): return "descriptor chain is longer than the queue size (\(limit))"
        case .readableAfterWritable: return "a device-readable descriptor follows a device-writable one"
        case .badIndirect(let why): return "bad indirect descriptor: \(why)"
        case .wrongDirection(let why): return "wrong buffer direction: \(why)"
        case .malformedRequest(let why): return "malformed request: \(why)"
        }
    }
}
