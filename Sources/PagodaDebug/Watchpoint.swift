/// A watchpoint: GDB's Z2 (write), Z3 (read) and Z4 (access) over `length` bytes.
struct Watchpoint: Hashable {
    enum Kind: Hashable {
        case write, read, access

        /// The stop-reply key reporting a hit ("Stop Reply Packets").
        var stopKey: String {
            switch self {
            case .write: return "watch"
            case .read: return "rwatch"
            case .access: return "awatch"
            }
        }
    }

    var kind: Kind
    var address: UInt64
    var length: UInt64

    func isHit(by access: DataAccess) -> Bool {
        guard access.overlaps(address, length: length) else { return false }
        switch kind {
        case .write: return access.writes
        case .read: return access.reads
        case .access: return true
        }
    }
}
