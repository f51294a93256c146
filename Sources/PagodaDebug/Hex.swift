/// Hexadecimal text as the GDB remote protocol uses it: numbers in big-endian digit
/// order (addresses, lengths, thread ids), byte strings two digits a byte, register
/// values in target byte order (little-endian on RISC-V).
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// The value of one hex digit, or nil.
    static func digit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Two lowercase digits per byte.
    static func encode<S: Sequence>(_ bytes: S) -> [UInt8] where S.Element == UInt8 {
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return out
    }

    static func encode(_ text: String) -> [UInt8] { encode(Array(text.utf8)) }

    /// Decodes pairs of digits; nil for an odd count or a non-digit.
    static func decode<C: Collection>(_ text: C) -> [UInt8]? where C.Element == UInt8 {
        guard text.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 2)
        var high: UInt8? = nil
        for c in text {
            guard let d = digit(c) else { return nil }
            if let h = high {
                out.append(h << 4 | d)
                high = nil
            } else {
                high = d
            }
        }
        return out
    }

    /// A number written in hex, most significant digit first; nil if empty, not hex or
    /// wider than 64 bits.
    static func number<C: Collection>(_ text: C) -> UInt64? where C.Element == UInt8 {
        guard !text.isEmpty, text.count <= 64 else { return nil }
        var value: UInt64 = 0
        var significant = 0
        for c in text {
            guard let d = digit(c) else { return nil }
            if significant > 0 || d != 0 { significant += 1 }
            guard significant <= 16 else { return nil }
            value = value << 4 | UInt64(d)
        }
        return value
    }

    /// A number in lowercase hex without leading zeros.
    static func number(_ value: UInt64) -> [UInt8] { Array(String(value, radix: 16).utf8) }

    /// A 64-bit register value: eight bytes, least significant first.
    static func register(_ value: UInt64) -> [UInt8] {
        encode((0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) })
    }

    /// Parses eight little-endian bytes (16 digits); nil otherwise.
    static func registerValue<C: Collection>(_ text: C) -> UInt64? where C.Element == UInt8 {
        guard text.count == 16, let bytes = decode(text) else { return nil }
        return bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }
}

extension Array where Element == UInt8 {
    /// The bytes of an ASCII string.
    init(ascii text: String) { self = Array(text.utf8) }
}
