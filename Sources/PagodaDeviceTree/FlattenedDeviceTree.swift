/// A device tree in the flattened form a boot program hands the kernel (a DTB),
/// as the Devicetree Specification v0.4 chapter 5 defines it.
///
/// The blob is laid out as section 5.1 recommends: the header, the memory
/// reservation block (8-byte aligned), the structure block (4-byte aligned),
/// then the strings block. All integers are big-endian.
public struct FlattenedDeviceTree: Sendable, Equatable {
    /// A region the client program must not use as general memory (section 5.3).
    public struct MemoryReservation: Sendable, Equatable {
        public var address: UInt64
        public var size: UInt64

        public init(address: UInt64, size: UInt64) {
            self.address = address
            self.size = size
        }
    }

    /// `0xd00dfeed`, the first word of every blob (section 5.2).
    public static let magic: UInt32 = 0xD00D_FEED
    /// The format version written (section 5.2: "version 17").
    public static let version: UInt32 = 17
    /// The oldest version this blob is backwards compatible with (section 5.2: 16).
    public static let lastCompatibleVersion: UInt32 = 16
    /// The size of the version 17 header: ten 32-bit fields.
    public static let headerSize = 40

    /// Structure block tokens (section 5.4.1).
    enum Token: UInt32 {
        case beginNode = 1
        case endNode = 2
        case property = 3
        case nop = 4
        case end = 9
    }

    /// The root node; its name is ignored (the root is always written with an empty name).
    public var root: DeviceTreeNode
    public var memoryReservations: [MemoryReservation]
    /// The physical id of the boot CPU: the `reg` of its `/cpus/cpu@N` node.
    public var bootCPUID: UInt32

    public init(root: DeviceTreeNode, memoryReservations: [MemoryReservation] = [], bootCPUID: UInt32 = 0) {
        self.root = root
        self.memoryReservations = memoryReservations
        self.bootCPUID = bootCPUID
    }

    /// The blob. Building it cannot fail; `problems()` reports names and values
    /// that a reader of the blob would reject.
    public func blob() -> [UInt8] {
        var strings = StringsBlock()
        var structure: [UInt8] = []
        appendStructure(of: root, isRoot: true, to: &structure, strings: &strings)
        structure.appendBigEndian(Token.end.rawValue)

        var reservations: [UInt8] = []
        for reservation in memoryReservations {
            reservations.appendBigEndian(reservation.address)
            reservations.appendBigEndian(reservation.size)
        }
        // Section 5.3.2: the list ends with an entry whose address and size are both 0.
        reservations.appendBigEndian(UInt64(0))
        reservations.appendBigEndian(UInt64(0))

        // The header is 40 bytes, a multiple of 8, so the reservation block that follows
        // it is 8-byte aligned; its entries are 16 bytes, so the structure block after it
        // is too. Section 5.6 asks for 8 and 4 respectively.
        let reservationsOffset = Self.headerSize
        let structureOffset = reservationsOffset + reservations.count
        let stringsOffset = structureOffset + structure.count
        let totalSize = stringsOffset + strings.bytes.count

        var blob: [UInt8] = []
        blob.reserveCapacity(totalSize)
        for field in [
            Self.magic,
            UInt32(truncatingIfNeeded: totalSize),
            UInt32(truncatingIfNeeded: structureOffset),
            UInt32(truncatingIfNeeded: stringsOffset),
            UInt32(truncatingIfNeeded: reservationsOffset),
            Self.version,
            Self.lastCompatibleVersion,
            bootCPUID,
            UInt32(truncatingIfNeeded: strings.bytes.count),
            UInt32(truncatingIfNeeded: structure.count),
        ] {
            blob.appendBigEndian(field)
        }
        blob += reservations
        blob += structure
        blob += strings.bytes
        return blob
    }

    /// Section 5.4.2: FDT_BEGIN_NODE with the NUL-terminated name padded to 4 bytes,
    /// the node's FDT_PROP entries, its children, then FDT_END_NODE.
    private func appendStructure(
        of node: DeviceTreeNode, isRoot: Bool, to structure: inout [UInt8], strings: inout StringsBlock
    ) {
        structure.appendBigEndian(Token.beginNode.rawValue)
        if !isRoot {
            structure.append(contentsOf: node.name.utf8)
        }
        structure.append(0)
        structure.padToAlignment(4)
        for property in node.properties {
            // Section 5.4.1, FDT_PROP: the value's length, the name's offset in the
            // strings block, then the value padded to 4 bytes.
            structure.appendBigEndian(Token.property.rawValue)
            structure.appendBigEndian(UInt32(truncatingIfNeeded: property.value.count))
            structure.appendBigEndian(strings.offset(of: property.name))
            structure.append(contentsOf: property.value)
            structure.padToAlignment(4)
        }
        for child in node.children {
            appendStructure(of: child, isRoot: false, to: &structure, strings: &strings)
        }
        structure.appendBigEndian(Token.endNode.rawValue)
    }
}

/// The strings block (section 5.5): every property name once, NUL-terminated,
/// with no alignment requirement.
struct StringsBlock {
    private(set) var bytes: [UInt8] = []
    private var offsets: [String: UInt32] = [:]

    /// The offset of `name` in the block, adding it on first use.
    mutating func offset(of name: String) -> UInt32 {
        if let offset = offsets[name] {
            return offset
        }
        let offset = UInt32(truncatingIfNeeded: bytes.count)
        bytes.append(contentsOf: name.utf8)
        bytes.append(0)
        offsets[name] = offset
        return offset
    }
}
