/// The virtio block device (virtio 1.2, 5.2) on a `DiskImage`.
///
/// Features: VIRTIO_F_VERSION_1, VIRTIO_RING_F_INDIRECT_DESC, VIRTIO_RING_F_EVENT_IDX,
/// VIRTIO_BLK_F_SIZE_MAX, SEG_MAX, BLK_SIZE and FLUSH, and RO for a read-only image.
/// Configuration (5.2.4): capacity in 512-byte sectors, size_max, seg_max, blk_size 512.
///
/// Requests (5.2.6): a 16-byte device-readable header (type, reserved, sector), the
/// data, and a one-byte device-writable status; any split of these over descriptors
/// works (no framing is assumed). IN reads, OUT writes, FLUSH makes writes durable
/// (fsync), GET_ID returns the serial ("pagoda-vdN", 20 bytes, NUL-padded); other types
/// answer VIRTIO_BLK_S_UNSUPP. A transfer that reaches past the capacity, is not a
/// whole number of sectors, writes to a read-only image or fails on the host answers
/// VIRTIO_BLK_S_IOERR. A request whose buffers go the wrong way (data for IN in
/// device-readable buffers, data for OUT in device-writable ones) or that has no room
/// for the header or the status puts the device in DEVICE_NEEDS_RESET.
///
/// Time: a request completes `requestLatency + sectorLatency * sectors` mtime ticks
/// after the later of its notification and the previous request's completion (one
/// request at a time), so completions come in order and depend only on modelled time.
public final class VirtioBlock: VirtioDevice {
    public let deviceID: UInt32 = 2
    public let name = "virtio-blk"
    public let disk: DiskImage
    /// The serial GET_ID returns.
    public let serial: String

    /// Fixed cost of a request, in mtime ticks: 10 µs.
    public static let requestLatency: UInt64 = 100
    /// Cost of each 512-byte sector moved, in mtime ticks: 0.2 µs (about 2.5 GB/s).
    public static let sectorLatency: UInt64 = 2
    /// The queue's size (QueueNumMax), as QEMU's default.
    public static let queueSize: UInt16 = 256
    /// The largest buffer of a request (size_max) and the most data buffers (seg_max,
    /// the queue size less the header and status, as QEMU).
    public static let sizeMax: UInt32 = 1 << 20
    public static let segMax: UInt32 = UInt32(queueSize) - 2

    public enum Feature {
        public static let sizeMax: UInt64 = 1 << 1
        public static let segMax: UInt64 = 1 << 2
        public static let readOnly: UInt64 = 1 << 5
        public static let blockSize: UInt64 = 1 << 6
        public static let flush: UInt64 = 1 << 9
    }
    public enum RequestType {
        public static let read: UInt32 = 0
        public static let write: UInt32 = 1
        public static let flush: UInt32 = 4
        public static let getID: UInt32 = 8
    }
    public enum RequestStatus {
        public static let ok: UInt8 = 0
        public static let ioError: UInt8 = 1
        public static let unsupported: UInt8 = 2
    }
    static let headerSize: UInt64 = 16
    static let idLength = 20
    /// Bytes moved between the image and guest memory at a time.
    private static let chunk = 64 << 10

    /// When the request being served now finishes, in mtime ticks.
    private var busyUntil: UInt64 = 0

    public init(disk: DiskImage, serial: String) {
        self.disk = disk
        self.serial = serial
    }

    public var features: UInt64 {
        var f = VirtioFeature.version1 | VirtioFeature.indirectDescriptors | VirtioFeature.eventIndex
            | Feature.sizeMax | Feature.segMax | Feature.blockSize | Feature.flush
        if disk.readOnly { f |= Feature.readOnly }
        return f
    }

    public var queueSizes: [UInt16] { [Self.queueSize] }

    /// 5.2.4: capacity (le64) at 0, size_max (le32) at 8, seg_max (le32) at 12, geometry
    /// (zero) at 16, blk_size (le32) at 20, the topology fields (zero) after it.
    public var configSpace: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 36)
        func put(_ value: UInt64, at offset: Int, size: Int) {
            for i in 0..<size { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
        }
        put(disk.capacity, at: 0, size: 8)
        put(UInt64(Self.sizeMax), at: 8, size: 4)
        put(UInt64(Self.segMax), at: 12, size: 4)
        put(UInt64(DiskImage.sectorSize), at: 20, size: 4)
        return bytes
    }

    public func reset() { busyUntil = 0 }

    public func process(queue: Int, transport: VirtioTransport) {
        while let chain = transport.nextChain(queue: queue) {
            guard let request = parse(chain, transport: transport) else { return }
            let now = transport.clock.mtime
            let sectors = request.type == RequestType.read || request.type == RequestType.write
                ? UInt64(request.dataLength / UInt64(DiskImage.sectorSize)) : 0
            busyUntil = completionTick(after: max(now, busyUntil), cost: Self.requestLatency + Self.sectorLatency * sectors)
            transport.schedule(atTick: busyUntil) { [weak self, unowned transport] in
                guard let self else { return }
                let written = self.perform(request, memory: transport.memory)
                transport.complete(queue: queue, head: request.chain.head, length: written)
            }
        }
    }

    // MARK: Requests

    struct Request {
        var chain: DescriptorChain
        var type: UInt32
        var sector: UInt64
        /// The data part: device-readable (OUT) or device-writable (IN, GET_ID) buffers.
        var data: [GuestBuffer]
        var dataLength: UInt64
        /// Where the status byte goes.
        var status: UInt64
    }

    /// Splits a chain into header, data and status; nil (after failing the device) when
    /// it cannot be a block request.
    func parse(_ chain: DescriptorChain, transport: VirtioTransport) -> Request? {
        guard chain.readableLength >= Self.headerSize else {
            transport.fail(.malformedRequest("\(chain.readableLength) device-readable bytes, the header needs 16"))
            return nil
        }
        guard chain.writableLength >= 1 else {
            transport.fail(.wrongDirection("no device-writable byte for the status"))
            return nil
        }
        var headerBytes = [UInt8]()
        var cursor = BufferCursor(chain.readable)
        while headerBytes.count < Int(Self.headerSize), let piece = cursor.next(limit: Int(Self.headerSize) - headerBytes.count) {
            headerBytes += transport.memory.bytes(piece.address, count: piece.length) ?? []
        }
        guard headerBytes.count == Int(Self.headerSize) else {
            transport.fail(.malformedRequest("header not readable"))
            return nil
        }
        let type = UInt32(headerBytes[0]) | UInt32(headerBytes[1]) << 8 | UInt32(headerBytes[2]) << 16 | UInt32(headerBytes[3]) << 24
        var sector: UInt64 = 0
        for i in 0..<8 { sector |= UInt64(headerBytes[8 + i]) << (8 * UInt64(i)) }

        let readableData = Self.drop(Self.headerSize, from: chain.readable)
        let (writableData, status) = Self.splitLastByte(chain.writable)
        var data: [GuestBuffer]
        switch type {
        case RequestType.read, RequestType.getID:
            guard readableData.isEmpty else {
                transport.fail(.wrongDirection("device-readable data buffers for a request the device writes"))
                return nil
            }
            data = writableData
        case RequestType.write:
            guard writableData.isEmpty else {
                transport.fail(.wrongDirection("device-writable data buffers for a write"))
                return nil
            }
            data = readableData
        default:
            data = []
        }
        let length = data.reduce(0) { $0 + UInt64($1.length) }
        return Request(chain: chain, type: type, sector: sector, data: data, dataLength: length, status: status)
    }

    /// Carries the request out; returns the number of bytes written to the driver's buffers.
    func perform(_ request: Request, memory: GuestMemory) -> UInt32 {
        var written: UInt64 = 1
        let status: UInt8
        switch request.type {
        case RequestType.read:
            status = transfer(request, memory: memory, toGuest: true)
            if status == RequestStatus.ok { written += request.dataLength }
        case RequestType.write:
            status = transfer(request, memory: memory, toGuest: false)
        case RequestType.flush:
            status = disk.flush() ? RequestStatus.ok : RequestStatus.ioError
        case RequestType.getID:
            var id = Array(serial.utf8.prefix(Self.idLength))
            id += [UInt8](repeating: 0, count: Self.idLength - id.count)
            var cursor = BufferCursor(request.data)
            var done = 0
            while done < id.count, let piece = cursor.next(limit: id.count - done) {
                memory.write(Array(id[done..<(done + piece.length)]), at: piece.address)
                done += piece.length
            }
            written += UInt64(done)
            status = RequestStatus.ok
        default:
            status = RequestStatus.unsupported
        }
        memory.store(status, at: request.status)
        return UInt32(truncatingIfNeeded: written)
    }

    /// Moves the data of an IN or OUT request between the image and guest memory.
    private func transfer(_ request: Request, memory: GuestMemory, toGuest: Bool) -> UInt8 {
        let sectorSize = UInt64(DiskImage.sectorSize)
        guard request.dataLength % sectorSize == 0 else { return RequestStatus.ioError }
        let (start, overflow) = request.sector.multipliedReportingOverflow(by: sectorSize)
        guard !overflow, disk.contains(offset: start, length: request.dataLength) else { return RequestStatus.ioError }
        if !toGuest && disk.readOnly { return RequestStatus.ioError }
        var buffer = [UInt8](repeating: 0, count: min(Self.chunk, Int(request.dataLength)))
        var cursor = BufferCursor(request.data)
        var position = start
        while let piece = cursor.next(limit: Self.chunk) {
            let ok = buffer.withUnsafeMutableBytes { raw -> Bool in
                let part = UnsafeMutableRawBufferPointer(rebasing: raw[0..<piece.length])
                if toGuest {
                    return disk.read(offset: position, into: part) && memory.writePhysical(piece.address, from: UnsafeRawBufferPointer(part))
                }
                return memory.readPhysical(piece.address, into: part) && disk.write(offset: position, from: UnsafeRawBufferPointer(part))
            }
            guard ok else { return RequestStatus.ioError }
            position += UInt64(piece.length)
        }
        return RequestStatus.ok
    }

    /// `buffers` without their first `count` bytes.
    static func drop(_ count: UInt64, from buffers: [GuestBuffer]) -> [GuestBuffer] {
        var left = count
        var result: [GuestBuffer] = []
        for b in buffers {
            if left >= UInt64(b.length) { left -= UInt64(b.length); continue }
            result.append(GuestBuffer(address: b.address + left, length: b.length - UInt32(left)))
            left = 0
        }
        return result
    }

    /// The buffers without their last byte, and that byte's address.
    static func splitLastByte(_ buffers: [GuestBuffer]) -> ([GuestBuffer], UInt64) {
        var result = buffers
        while let last = result.last, last.length == 0 { result.removeLast() }
        let last = result.removeLast()
        if last.length > 1 { result.append(GuestBuffer(address: last.address, length: last.length - 1)) }
        return (result, last.address + UInt64(last.length) - 1)
    }
}
