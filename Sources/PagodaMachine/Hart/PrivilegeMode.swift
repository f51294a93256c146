/// The privilege modes Pagoda implements (privileged spec, "Privilege Levels").
public enum PrivilegeMode: UInt8, Sendable, Comparable, CustomStringConvertible {
    case user = 0
    case supervisor = 1
    case machine = 3

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// Decodes an xPP field; the reserved value 2 becomes user mode (WARL).
    static func fromField(_ v: UInt64) -> PrivilegeMode {
        switch v & 3 {
        case 3: return .machine
        case 1: return .supervisor
        default: return .user
        }
    }

    public var description: String {
        switch self {
        case .user: return "U"
        case .supervisor: return "S"
        case .machine: return "M"
        }
    }
}
