@testable import PagodaDeviceTree

/// Reads a blob back into a tree, checking the format rules of the Devicetree
/// Specification v0.4 chapter 5 along the way; independent of the writer's code.
struct BlobReader {
    enum Failure: Error, Equatable {
        case malformed(String)
    }

    struct Header: Equatable {
        var magic, totalSize, structureOffset, stringsOffset, reservationsOffset: UInt32
        var version, lastCompatibleVersion, bootCPUID, stringsSize, structureSize: UInt32
    }

    let blob: [UInt8]

    func u32(at offset: Int) throws -> UInt32 {
        guard offset >= 0, offset + 4 <= blob.count else {
            throw Failure.malformed("u32 at \(offset) is past the end")
        }
        return blob[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    func u64(at offset: Int) throws -> UInt64 {
        UInt64(try u32(at: offset)) << 32 | UInt64(try u32(at: offset + 4))
    }

    func header() throws -> Header {
        let fields = try (0..<10).map { try u32(at: 4 * $0) }
        return Header(magic: fields[0], totalSize: fields[1], structureOffset: fields[2], stringsOffset: fields[3],
                      reservationsOffset: fields[4], version: fields[5], lastCompatibleVersion: fields[6],
                      bootCPUID: fields[7], stringsSize: fields[8], structureSize: fields[9])
    }

    func reservations() throws -> [FlattenedDeviceTree.MemoryReservation] {
        var offset = Int(try header().reservationsOffset)
        var entries: [FlattenedDeviceTree.MemoryReservation] = []
        while true {
            let entry = FlattenedDeviceTree.MemoryReservation(
                address: try u64(at: offset), size: try u64(at: offset + 8))
            if entry.address == 0 && entry.size == 0 { return entries }
            entries.append(entry)
            offset += 16
        }
    }

    func string(at offset: Int, limit: Int) throws -> String {
        guard offset <= limit, limit <= blob.count, let end = blob[offset..<limit].firstIndex(of: 0) else {
            throw Failure.malformed("string at \(offset) has no NUL before \(limit)")
        }
        return String(decoding: blob[offset..<end], as: UTF8.self)
    }

    /// The tree in the structure block; throws on any misplaced or misaligned token.
    func tree() throws -> DeviceTreeNode {
        let header = try header()
        let start = Int(header.structureOffset)
        let end = start + Int(header.structureSize)
        let stringsStart = Int(header.stringsOffset)
        let stringsEnd = stringsStart + Int(header.stringsSize)
        guard end <= blob.count, stringsEnd <= blob.count else { throw Failure.malformed("blocks past the end") }

        var offset = start
        var stack: [DeviceTreeNode] = []
        var root: DeviceTreeNode?
        while offset < end {
            guard offset % 4 == 0 else { throw Failure.malformed("token at \(offset) is not 4-byte aligned") }
            let token = try u32(at: offset)
            offset += 4
            switch token {
            case 1:
                let name = try string(at: offset, limit: end)
                offset += name.utf8.count + 1
                offset = (offset + 3) & ~3
                guard root == nil else { throw Failure.malformed("node after the root ended") }
                stack.append(DeviceTreeNode(name))
            case 2:
                guard let node = stack.popLast() else { throw Failure.malformed("FDT_END_NODE without a node") }
                if stack.isEmpty { root = node } else { stack[stack.count - 1].children.append(node) }
            case 3:
                let length = Int(try u32(at: offset))
                let nameOffset = Int(try u32(at: offset + 4))
                offset += 8
                guard !stack.isEmpty, offset + length <= end, stringsStart + nameOffset < stringsEnd else {
                    throw Failure.malformed("bad property at \(offset)")
                }
                let name = try string(at: stringsStart + nameOffset, limit: stringsEnd)
                let value = Array(blob[offset..<offset + length])
                stack[stack.count - 1].properties.append(DeviceTreeProperty(name, bytes: value))
                offset = (offset + length + 3) & ~3
            case 4:
                continue
            case 9:
                guard offset == end, stack.isEmpty, let root else {
                    throw Failure.malformed("FDT_END in the wrong place")
                }
                return root
            default:
                throw Failure.malformed("unknown token \(token) at \(offset - 4)")
            }
        }
        throw Failure.malformed("no FDT_END")
    }
}
