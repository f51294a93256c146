/// How a set picks the entry to evict.
public enum ReplacementPolicy: String, Sendable, CaseIterable {
    /// Least recently used.
    case lru
    /// First in, first out.
    case fifo
    /// Pseudo-random, from a fixed-seed generator, so runs stay reproducible.
    case random
}

/// The shape of one modelled TLB.
public struct TLBConfiguration: Sendable, Equatable, CustomStringConvertible {
    public var entries: Int
    public var ways: Int
    public var policy: ReplacementPolicy

    public init(entries: Int, ways: Int, policy: ReplacementPolicy = .lru) {
        self.entries = entries
        self.ways = ways
        self.policy = policy
    }

    /// Parses `ENTRIES[:WAYS[:POLICY]]`, e.g. `32`, `64:4`, `512:8:fifo`; WAYS defaults to
    /// ENTRIES (fully associative). ENTRIES must be a multiple of WAYS and the number of
    /// sets a power of two.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":").map(String.init)
        guard (1...3).contains(parts.count), let entries = Int(parts[0]), entries >= 0 else { return nil }
        let ways = parts.count > 1 ? Int(parts[1]) : entries
        guard let ways else { return nil }
        var policy = ReplacementPolicy.lru
        if parts.count > 2 {
            guard let p = ReplacementPolicy(rawValue: parts[2].lowercased()) else { return nil }
            policy = p
        }
        self.init(entries: entries, ways: ways, policy: policy)
        guard isValid else { return nil }
    }

    public var isValid: Bool {
        if entries == 0 { return true }
        guard ways >= 1, entries % ways == 0, entries <= 1 << 16 else { return false }
        let sets = entries / ways
        return sets & (sets - 1) == 0
    }

    public var description: String { entries == 0 ? "none" : "\(entries) entries, \(ways)-way, \(policy.rawValue)" }
}

/// An architectural TLB as Pagoda models it: set-associative, ASID-tagged, holding 4 KiB,
/// 2 MiB and 1 GiB translations. It decides hit or miss for each lookup made while
/// translation is on; the counts in the statistics are its decisions.
///
/// A translation of level L (0: 4 KiB, 1: 2 MiB, 2: 1 GiB) is tagged with va >> (12 + 9L)
/// and lives in set (tag mod sets); a lookup probes the three sets a virtual address
/// can be in, one per page size.
public final class ModelTLB {
    public struct Entry: Sendable, Equatable {
        public var valid = false
        public var tag: UInt64 = 0
        public var level: Int = 0
        public var asid: UInt64 = 0
        public var global = false
        /// The leaf PTE (permissions, A/D, PPN) and its address.
        public var pte: UInt64 = 0
        public var pteAddress: UInt64 = 0
        var stamp: UInt64 = 0

        /// The first virtual address the entry maps and its size.
        public var virtualBase: UInt64 { tag << (12 + 9 * UInt64(level)) }
        public var size: UInt64 { 1 << (12 + 9 * UInt64(level)) }
    }

    public let configuration: TLBConfiguration
    public private(set) var entries: [Entry]
    private let sets: Int
    private var clock: UInt64 = 0
    private var randomState: UInt64 = 0x9E37_79B9_7F4A_7C15

    public private(set) var misses: UInt64 = 0
    public private(set) var lookups: UInt64 = 0

    public init(_ configuration: TLBConfiguration) {
        self.configuration = configuration
        entries = [Entry](repeating: Entry(), count: configuration.entries)
        sets = configuration.entries == 0 ? 0 : configuration.entries / configuration.ways
    }

    public var isPresent: Bool { configuration.entries > 0 }

    /// Looks `va` up for `asid`; counts a lookup and, when it finds nothing, a miss.
    public func lookup(_ va: UInt64, asid: UInt64) -> Entry? {
        lookups &+= 1
        if let i = find(va, asid: asid) {
            clock &+= 1
            if configuration.policy == .lru { entries[i].stamp = clock }
            return entries[i]
        }
        misses &+= 1
        return nil
    }

    private func find(_ va: UInt64, asid: UInt64) -> Int? {
        guard isPresent else { return nil }
        let ways = configuration.ways, setMask = UInt64(sets - 1)
        let vpn = (va & ((1 << 39) - 1)) >> 12
        return entries.withUnsafeBufferPointer { buffer -> Int? in
            guard let e = buffer.baseAddress else { return nil }
            for level in 0...2 {
                let tag = vpn >> (9 * UInt64(level))
                let first = Int(truncatingIfNeeded: tag & setMask) &* ways
                var i = first
                while i < first &+ ways {
                    if e[i].tag == tag && e[i].valid && e[i].level == level && (e[i].global || e[i].asid == asid) { return i }
                    i &+= 1
                }
            }
            return nil
        }
    }

    /// Enters a translation; returns the valid entry it displaced, if any.
    @discardableResult
    public func insert(va: UInt64, level: Int, asid: UInt64, pte: UInt64, pteAddress: UInt64) -> Entry? {
        guard isPresent else { return nil }
        clock &+= 1
        let tag = (va & ((1 << 39) - 1)) >> (12 + 9 * UInt64(level))
        let global = pte & MMU.PTE.g != 0
        let new = Entry(valid: true, tag: tag, level: level, asid: asid, global: global, pte: pte, pteAddress: pteAddress, stamp: clock)
        let ways = configuration.ways
        let first = Int(truncatingIfNeeded: tag & UInt64(sets - 1)) &* ways
        var randomState = self.randomState
        let policy = configuration.policy
        let displaced: Entry? = entries.withUnsafeMutableBufferPointer { buffer in
            let e = buffer.baseAddress!
            // The same translation is replaced (a re-walk after setting D); else the
            // first free way takes it; else the policy's victim.
            var free = -1, oldest = first
            var i = first
            while i < first &+ ways {
                if e[i].valid {
                    if e[i].tag == tag && e[i].level == level && e[i].asid == asid { e[i] = new; return nil }
                    if e[i].stamp < e[oldest].stamp { oldest = i }
                } else if free < 0 {
                    free = i
                }
                i &+= 1
            }
            if free >= 0 { e[free] = new; return nil }
            let victim: Int
            switch policy {
            case .lru, .fifo:
                victim = oldest
            case .random:
                randomState ^= randomState << 13
                randomState ^= randomState >> 7
                randomState ^= randomState << 17
                victim = first + Int(randomState % UInt64(ways))
            }
            let old = e[victim]
            e[victim] = new
            return old
        }
        self.randomState = randomState
        return displaced
    }

    /// sfence.vma: drops entries matching `va` (nil: all addresses) and `asid` (nil: all
    /// address spaces; when given, global entries stay). `removed` is told each entry dropped.
    public func flush(va: UInt64?, asid: UInt64?, removed: ((Entry) -> Void)? = nil) {
        for i in entries.indices where entries[i].valid {
            let e = entries[i]
            if let va, !(va & ((1 << 39) - 1) >= e.virtualBase && va & ((1 << 39) - 1) < e.virtualBase + e.size) { continue }
            if let asid, e.global || e.asid != asid { continue }
            entries[i].valid = false
            removed?(e)
        }
    }

    /// The valid entries, for the debugger's `monitor tlb`.
    public var validEntries: [Entry] { entries.filter(\.valid) }
}
