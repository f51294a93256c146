/// An executable ready to be placed in memory: its entry point, its loadable segments
/// and its symbols.
public struct ELFImage: Sendable {
    /// Where execution starts (`e_entry`).
    public let entry: UInt64
    /// The PT_LOAD segments in program header order; their physical ranges do not overlap.
    public let segments: [LoadableSegment]
    /// Named function, object and untyped symbols, sorted by value (functions first
    /// among symbols of equal value, then by name).
    public let symbols: [ELFSymbol]

    /// Symbol indices by name; a global definition wins over local ones of the same name.
    private let index: [String: Int]

    public init(entry: UInt64, segments: [LoadableSegment], symbols: [ELFSymbol]) {
        self.entry = entry
        self.segments = segments
        self.symbols = symbols.sorted { a, b in
            if a.value != b.value { return a.value < b.value }
            if a.isFunction != b.isFunction { return a.isFunction }
            return a.name < b.name
        }
        var index: [String: Int] = [:]
        for (i, symbol) in self.symbols.enumerated() {
            if let existing = index[symbol.name], self.symbols[existing].isGlobal || !symbol.isGlobal { continue }
            index[symbol.name] = i
        }
        self.index = index
    }

    /// The symbol called `name`; a global one if there are several.
    public func symbol(named name: String) -> ELFSymbol? {
        index[name].map { symbols[$0] }
    }

    /// The symbol to describe `address` with, for disassembly and debugging: the nearest
    /// function symbol whose extent covers `address`, or else the nearest symbol at or below it.
    public func symbol(containing address: UInt64) -> ELFSymbol? {
        // The symbols at or below `address` are symbols[..<end].
        var low = 0, high = symbols.count
        while low < high {
            let middle = (low + high) / 2
            if symbols[middle].value <= address { low = middle + 1 } else { high = middle }
        }
        let end = low
        guard end > 0 else { return nil }
        if let covering = symbols[..<end].last(where: { $0.isFunction && $0.covers(address) }) {
            return covering
        }
        // Among the symbols at the nearest value, the sort puts functions first.
        var first = end - 1
        while first > 0 && symbols[first - 1].value == symbols[first].value { first -= 1 }
        return symbols[first]
    }

    /// The segment whose physical range holds `address`.
    public func segment(containing address: UInt64) -> LoadableSegment? {
        segments.first { $0.physicalRange.contains(address) }
    }
}
