/// Checks shared by the devices before they decode an access.
enum MMIOAccess {
    /// Whether `size` is one of the bus's access sizes (1, 2, 4, 8) and `offset` is a
    /// multiple of it. The bus promises both; devices check again so that a bad caller
    /// gets an access fault instead of a misdecoded register.
    static func isNaturallyAligned(offset: UInt64, size: Int) -> Bool {
        switch size {
        case 1, 2, 4, 8: return offset % UInt64(size) == 0
        default: return false
        }
    }

    /// The low `size` bytes of `value`.
    static func truncate(_ value: UInt64, toSize size: Int) -> UInt64 {
        size >= 8 ? value : value & ((1 << (UInt64(size) * 8)) - 1)
    }
}
