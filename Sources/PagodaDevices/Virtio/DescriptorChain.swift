/// One buffer of a descriptor chain, already checked to lie inside RAM.
public struct GuestBuffer: Equatable, Sendable {
    public var address: UInt64
    public var length: UInt32

    public init(address: UInt64, length: UInt32) {
        self.address = address
        self.length = length
    }
}

/// A descriptor chain taken from the available ring (virtio 1.2, 2.7.5), flattened:
/// the device-readable buffers, then the device-writable ones, with indirect tables
/// (2.7.5.3) expanded in place.
public struct DescriptorChain: Equatable, Sendable {
    /// The index of the head descriptor: what goes into the used ring's `id`.
    public var head: UInt16
    public var readable: [GuestBuffer] = []
    public var writable: [GuestBuffer] = []

    public init(head: UInt16) { self.head = head }

    public var readableLength: UInt64 { readable.reduce(0) { $0 + UInt64($1.length) } }
    public var writableLength: UInt64 { writable.reduce(0) { $0 + UInt64($1.length) } }
}

/// A position in a list of buffers, for reading or writing a byte stream across them.
struct BufferCursor {
    let buffers: [GuestBuffer]
    private(set) var index = 0
    private(set) var offset: UInt32 = 0

    init(_ buffers: [GuestBuffer]) { self.buffers = buffers }

    /// The next piece of at most `limit` bytes (address, length), advancing past it;
    /// nil at the end.
    mutating func next(limit: Int) -> (address: UInt64, length: Int)? {
        while index < buffers.count && offset == buffers[index].length {
            index += 1
            offset = 0
        }
        guard index < buffers.count else { return nil }
        let buffer = buffers[index]
        let length = min(Int(buffer.length - offset), limit)
        let address = buffer.address + UInt64(offset)
        offset += UInt32(length)
        return (address, length)
    }
}
