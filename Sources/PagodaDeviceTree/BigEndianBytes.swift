/// Big-endian encoding, the byte order of every integer in a flattened device tree
/// (Devicetree Specification v0.4 section 5.1).
extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) {
            append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }

    mutating func appendBigEndian(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) {
            append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    /// Appends zero bytes until the count is a multiple of `alignment`.
    mutating func padToAlignment(_ alignment: Int) {
        while count % alignment != 0 {
            append(0)
        }
    }

    /// Overwrites four bytes at `offset` with `value`, big-endian.
    mutating func storeBigEndian(_ value: UInt32, at offset: Int) {
        for index in 0..<4 {
            self[offset + index] = UInt8(truncatingIfNeeded: value >> UInt32(24 - 8 * index))
        }
    }
}
