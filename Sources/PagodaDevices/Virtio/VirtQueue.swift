/// A split virtqueue (virtio 1.2, 2.7) from the device's side: the three areas the
/// driver placed in guest memory, the device's position in the available ring and the
/// used index it has published.
///
/// Nothing the driver wrote is trusted: each area must lie inside RAM, aligned as 2.7
/// says, every descriptor's buffer must lie inside RAM, chains may not loop, run past
/// the queue size (counting the descriptors of indirect tables) or put a
/// device-readable buffer after a device-writable one. A breach throws; the transport
/// then puts the device in DEVICE_NEEDS_RESET.
public struct VirtQueue: Sendable {
    /// Descriptor flags (2.7.5).
    public static let flagNext: UInt16 = 1
    public static let flagWrite: UInt16 = 2
    public static let flagIndirect: UInt16 = 4
    /// Available ring flag (2.7.6): the driver asks for no used-buffer notifications.
    public static let availableNoInterrupt: UInt16 = 1
    static let descriptorSize: UInt64 = 16

    /// QueueNumMax.
    public let maxSize: UInt16
    /// QueueNum as the driver wrote it (checked when the queue is used).
    public var size: UInt32
    /// QueueReady.
    public var ready = false
    /// QueueDesc, QueueDriver (the available ring) and QueueDevice (the used ring).
    public var descriptorTable: UInt64 = 0
    public var driverArea: UInt64 = 0
    public var deviceArea: UInt64 = 0
    /// The next available-ring entry the device will take.
    public private(set) var lastAvailable: UInt16 = 0
    /// The used index the device has published.
    public private(set) var usedIndex: UInt16 = 0
    /// The used index when the device last decided whether to notify (2.7.7.2).
    private var signalledUsed: UInt16 = 0

    public init(maxSize: UInt16) {
        self.maxSize = maxSize
        size = UInt32(maxSize)
    }

    /// The state after a device reset: QueueNum back to the maximum, nothing ready.
    public mutating func reset() { self = VirtQueue(maxSize: maxSize) }

    // MARK: Checks

    /// Checks the queue size and where the three areas are (2.7, "Alignment Constraint":
    /// descriptor table 16 bytes, available ring 2, used ring 4).
    public func validate(_ memory: GuestMemory) throws(VirtQueueError) {
        guard size > 0, size <= UInt32(maxSize), size & (size - 1) == 0 else { throw .badQueueSize(size) }
        let n = UInt64(size)
        let areas: [(String, UInt64, UInt64, UInt64)] = [
            ("descriptor table", descriptorTable, 16 * n, 16),
            ("available ring", driverArea, 6 + 2 * n, 2),
            ("used ring", deviceArea, 6 + 8 * n, 4),
        ]
        for (part, address, length, alignment) in areas {
            guard address % alignment == 0, memory.isRAM(address, length: length) else {
                throw .ringOutsideRAM(part: part, address: address)
            }
        }
    }

    // MARK: The available ring

    /// Takes the next chain the driver made available (2.7.13, "Receiving Used Buffers"
    /// from the device's side), or nil when there is none. With `eventIndex` the device
    /// publishes `avail_event` (2.7.10): notify me when you make entry `lastAvailable`
    /// available. `indirect`: whether VIRTIO_F_INDIRECT_DESC was negotiated.
    public mutating func popAvailable(_ memory: GuestMemory, indirect: Bool, eventIndex: Bool) throws(VirtQueueError) -> DescriptorChain? {
        try validate(memory)
        let n = UInt16(size)
        let availableIndex = try load16(memory, driverArea + 2)
        let waiting = availableIndex &- lastAvailable
        guard waiting != 0 else { return nil }
        guard waiting <= n else { throw .availableIndexJump(from: lastAvailable, to: availableIndex) }
        let head = try load16(memory, driverArea + 4 + 2 * UInt64(lastAvailable % n))
        lastAvailable &+= 1
        if eventIndex { memory.store(lastAvailable, at: deviceArea + 4 + 8 * UInt64(n)) }
        return try chain(memory, head: head, indirect: indirect)
    }

    /// Walks the chain starting at `head` (2.7.5), expanding an indirect table (2.7.5.3).
    func chain(_ memory: GuestMemory, head: UInt16, indirect: Bool) throws(VirtQueueError) -> DescriptorChain {
        var result = DescriptorChain(head: head)
        let limit = Int(size)
        var table = descriptorTable
        var tableSize = Int(size)
        var inIndirectTable = false
        var visited = [Bool](repeating: false, count: tableSize)
        var count = 0
        var index = UInt32(head)
        while true {
            guard index < UInt32(tableSize) else { throw .indexOutOfRange(index) }
            guard !visited[Int(index)] else { throw .loop(index: UInt16(index)) }
            visited[Int(index)] = true
            count += 1
            guard count <= limit else { throw .chainTooLong(limit: limit) }
            let entry = table + Self.descriptorSize * UInt64(index)
            guard let bytes = memory.bytes(entry, count: 16) else { throw .bufferOutsideRAM(address: entry, length: 16) }
            let address = Self.little64(bytes, 0)
            let length = UInt32(Self.little64(bytes, 8) & 0xFFFF_FFFF)
            let flags = UInt16(bytes[12]) | UInt16(bytes[13]) << 8
            let next = UInt16(bytes[14]) | UInt16(bytes[15]) << 8

            if flags & Self.flagIndirect != 0 {
                guard indirect else { throw .badIndirect("INDIRECT without VIRTIO_F_INDIRECT_DESC") }
                guard !inIndirectTable else { throw .badIndirect("INDIRECT inside an indirect table") }
                guard flags & Self.flagNext == 0 else { throw .badIndirect("INDIRECT together with NEXT") }
                guard length > 0, length % 16 == 0 else { throw .badIndirect("table length \(length) is not a positive multiple of 16") }
                guard memory.isRAM(address, length: UInt64(length)) else { throw .bufferOutsideRAM(address: address, length: length) }
                // The descriptor that points at the table is not itself a buffer.
                count -= 1
                guard Int(length / 16) <= limit - count else { throw .chainTooLong(limit: limit) }
                table = address
                tableSize = Int(length / 16)
                visited = [Bool](repeating: false, count: tableSize)
                inIndirectTable = true
                index = 0
                continue
            }
            if length > 0 {
                guard memory.isRAM(address, length: UInt64(length)) else { throw .bufferOutsideRAM(address: address, length: length) }
            }
            let buffer = GuestBuffer(address: address, length: length)
            if flags & Self.flagWrite != 0 {
                result.writable.append(buffer)
            } else {
                guard result.writable.isEmpty else { throw .readableAfterWritable }
                result.readable.append(buffer)
            }
            guard flags & Self.flagNext != 0 else { return result }
            index = UInt32(next)
        }
    }

    // MARK: The used ring

    /// Puts a used element (2.7.8) for `head` with `length` bytes written and publishes
    /// the new used index. Returns whether the driver wants a used-buffer notification:
    /// with `eventIndex`, when the index passed `used_event` since the last decision
    /// (2.7.7.2, the `vring_need_event` rule); otherwise unless the available ring's
    /// flags say VIRTQ_AVAIL_F_NO_INTERRUPT (2.7.7.1).
    public mutating func pushUsed(_ memory: GuestMemory, head: UInt16, length: UInt32, eventIndex: Bool) -> Bool {
        let n = UInt64(size)
        let element = deviceArea + 4 + 8 * UInt64(usedIndex % UInt16(n))
        memory.store(UInt32(head), at: element)
        memory.store(length, at: element + 4)
        usedIndex &+= 1
        memory.store(usedIndex, at: deviceArea + 2)
        if eventIndex {
            let usedEvent = memory.load(driverArea + 4 + 2 * n, as: UInt16.self) ?? 0
            let old = signalledUsed
            signalledUsed = usedIndex
            return Self.needsEvent(usedEvent, new: usedIndex, old: old)
        }
        let flags = memory.load(driverArea, as: UInt16.self) ?? 0
        return flags & Self.availableNoInterrupt == 0
    }

    /// 2.7.7.2: whether moving an index from `old` to `new` passed `event` (the entry
    /// the other side asked to hear about), in 16-bit wrapping arithmetic.
    public static func needsEvent(_ event: UInt16, new: UInt16, old: UInt16) -> Bool {
        new &- event &- 1 < new &- old
    }

    // MARK: Helpers

    private func load16(_ memory: GuestMemory, _ address: UInt64) throws(VirtQueueError) -> UInt16 {
        guard let v = memory.load(address, as: UInt16.self) else { throw .ringOutsideRAM(part: "available ring", address: address) }
        return v
    }

    private static func little64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[at + i]) << (8 * UInt64(i)) }
        return v
    }
}
