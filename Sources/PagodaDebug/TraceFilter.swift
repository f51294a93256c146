import PagodaMachine

/// Which instructions and traps the tracer writes (`--trace-harts`, `--trace-range`,
/// `--trace-mode`, `--trace-start`, `--trace-stop`). Every filter left nil passes all.
public struct TraceFilter: Sendable, Equatable {
    /// Hart ids to trace.
    public var harts: Set<Int>?
    /// The pc range (start inclusive, end exclusive); for a trap, its epc.
    public var pcRange: Range<UInt64>?
    /// Privilege modes to trace: the mode an instruction runs in, or a trap comes from.
    public var modes: Set<PrivilegeMode>?
    /// The first instruction to trace, counted from 0 over all harts (the machine's
    /// count of instructions executed before it).
    public var start: UInt64?
    /// The count at which tracing ends: instructions from this one on are not traced.
    public var stop: UInt64?

    public init(harts: Set<Int>? = nil, pcRange: Range<UInt64>? = nil, modes: Set<PrivilegeMode>? = nil,
                start: UInt64? = nil, stop: UInt64? = nil) {
        self.harts = harts
        self.pcRange = pcRange
        self.modes = modes
        self.start = start
        self.stop = stop
    }

    func admits(hart: Int, mode: PrivilegeMode, pc: UInt64, count: UInt64) -> Bool {
        if let harts, !harts.contains(hart) { return false }
        if let modes, !modes.contains(mode) { return false }
        if let pcRange, !pcRange.contains(pc) { return false }
        if let start, count < start { return false }
        if let stop, count >= stop { return false }
        return true
    }

    // MARK: Parsing the command-line forms

    /// `0,2,3`: hart ids.
    public static func parseHarts(_ text: String) -> Set<Int>? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        var ids = Set<Int>()
        for part in parts {
            guard let id = Int(part.trimmingSpaces), id >= 0 else { return nil }
            ids.insert(id)
        }
        return ids.isEmpty ? nil : ids
    }

    /// `START:END`: addresses in hex (0x prefix optional); END is exclusive and must
    /// exceed START.
    public static func parseRange(_ text: String) -> Range<UInt64>? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = parseAddress(String(parts[0])), let end = parseAddress(String(parts[1])),
              start < end else { return nil }
        return start..<end
    }

    /// An address in hex, with or without a 0x prefix.
    public static func parseAddress(_ text: String) -> UInt64? {
        var digits = Substring(text.trimmingSpaces)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty, !digits.hasPrefix("+"), !digits.hasPrefix("-") else { return nil }
        return UInt64(digits, radix: 16)
    }

    /// Mode letters, e.g. `M`, `SU`, `S,U` (case-insensitive).
    public static func parseModes(_ text: String) -> Set<PrivilegeMode>? {
        var modes = Set<PrivilegeMode>()
        for c in text.uppercased() {
            switch c {
            case "M": modes.insert(.machine)
            case "S": modes.insert(.supervisor)
            case "U": modes.insert(.user)
            case ",", " ": continue
            default: return nil
            }
        }
        return modes.isEmpty ? nil : modes
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
