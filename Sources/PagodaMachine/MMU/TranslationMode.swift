/// The translation schemes `satp.MODE` selects for S and U mode.
public enum TranslationMode: UInt64, Sendable, CustomStringConvertible {
    /// No translation: physical = virtual.
    case bare = 0
    /// Sv39: three-level page tables, 39-bit virtual addresses (privileged spec, "Sv39").
    case sv39 = 8
    /// Pagoda's base/limit relocation: valid when va < `sbound`, then pa = `sbase` + va.
    /// MODE 14 is one of the values the spec reserves for custom use.
    case baseLimit = 14

    public var description: String {
        switch self {
        case .bare: return "bare"
        case .sv39: return "sv39"
        case .baseLimit: return "base-limit"
        }
    }
}
