/// Semantics of the M extension at its edges ("M" Standard Extension, Table "Semantics
/// for division by zero and division overflow"): division by zero gives all ones
/// (quotient) or the dividend (remainder); the most negative number divided by -1
/// gives itself (quotient) and zero (remainder). W forms work on the low 32 bits and
/// sign-extend the 32-bit result.
enum Arithmetic {
    @inline(__always) static func sext32(_ v: UInt32) -> UInt64 { UInt64(bitPattern: Int64(Int32(bitPattern: v))) }

    @inline(__always) static func mulh(_ a: UInt64, _ b: UInt64) -> UInt64 {
        UInt64(bitPattern: Int64(bitPattern: a).multipliedFullWidth(by: Int64(bitPattern: b)).high)
    }

    @inline(__always) static func mulhu(_ a: UInt64, _ b: UInt64) -> UInt64 {
        a.multipliedFullWidth(by: b).high
    }

    /// Signed a times unsigned b, high half: the unsigned product's high half, less b when a is negative.
    @inline(__always) static func mulhsu(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let high = a.multipliedFullWidth(by: b).high
        return Int64(bitPattern: a) < 0 ? high &- b : high
    }

    @inline(__always) static func div(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = Int64(bitPattern: a), y = Int64(bitPattern: b)
        if y == 0 { return .max }
        if x == .min && y == -1 { return a }
        return UInt64(bitPattern: x / y)
    }

    @inline(__always) static func divu(_ a: UInt64, _ b: UInt64) -> UInt64 {
        b == 0 ? .max : a / b
    }

    @inline(__always) static func rem(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = Int64(bitPattern: a), y = Int64(bitPattern: b)
        if y == 0 { return a }
        if x == .min && y == -1 { return 0 }
        return UInt64(bitPattern: x % y)
    }

    @inline(__always) static func remu(_ a: UInt64, _ b: UInt64) -> UInt64 {
        b == 0 ? a : a % b
    }

    @inline(__always) static func mulw(_ a: UInt64, _ b: UInt64) -> UInt64 {
        sext32(UInt32(truncatingIfNeeded: a) &* UInt32(truncatingIfNeeded: b))
    }

    @inline(__always) static func divw(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = Int32(truncatingIfNeeded: a), y = Int32(truncatingIfNeeded: b)
        if y == 0 { return .max }
        if x == .min && y == -1 { return sext32(UInt32(bitPattern: x)) }
        return UInt64(bitPattern: Int64(x / y))
    }

    @inline(__always) static func divuw(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return y == 0 ? .max : sext32(x / y)
    }

    @inline(__always) static func remw(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = Int32(truncatingIfNeeded: a), y = Int32(truncatingIfNeeded: b)
        if y == 0 { return UInt64(bitPattern: Int64(x)) }
        if x == .min && y == -1 { return 0 }
        return UInt64(bitPattern: Int64(x % y))
    }

    @inline(__always) static func remuw(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let x = UInt32(truncatingIfNeeded: a), y = UInt32(truncatingIfNeeded: b)
        return y == 0 ? sext32(x) : sext32(x % y)
    }
}
