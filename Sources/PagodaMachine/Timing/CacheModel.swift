/// A modelled set-associative cache with LRU replacement, keyed by line address.
///
/// A struct over pointer memory, so using it in the inner loop costs no reference
/// counting; its owner calls `deallocate()`.
///
/// Lines are identified by host addresses shifted right by the line size: RAM and ROM
/// are each one host allocation, so a host line is exactly one physical line. Each way
/// keeps when it was last used (a clock that ticks on each access that changes the
/// recency order), so the least recently used way of a set is the one with the oldest
/// stamp; each set keeps its most recent line, a hit on which changes nothing; and each
/// line, by a hash of its address, keeps a hint of the way it was last in, so a hit on
/// any other resident line is usually one more compare. (A hash, not the line's low
/// bits: arrays a power of two apart, which share a set, would share those too.)
struct CacheModel {
    /// Everything else the cache holds, behind one pointer.
    private struct State {
        /// 64 less the bits of a hint's index: the top bits of the line's hash index it.
        var hintShift: UInt64
        var ways: Int
        /// Tags (line address + 1; 0 is an empty way), `ways` per set.
        var tags: UnsafeMutablePointer<UInt64>
        /// When each way was last used (0 for never), `ways` per set.
        var stamps: UnsafeMutablePointer<UInt64>
        /// The way a line was last found or filled in, indexed by a hash of the line:
        /// a guess, checked against the tag.
        var hints: UnsafeMutablePointer<UInt16>
        /// The clock of the stamps.
        var clock: UInt64 = 0
        /// Whether `recent` is the cache's own memory (or its owner's).
        var ownsRecent: Bool
        /// Accesses through `access` (`lookUp` leaves the count to its caller).
        var accesses: UInt64 = 0
        var misses: UInt64 = 0
    }
    /// Each set's most recently used line (`.max`, which no line is, for none): a hit on
    /// it changes nothing.
    let recent: UnsafeMutablePointer<UInt64>
    private let setMask: UInt64
    private let state: UnsafeMutablePointer<State>

    /// Accesses counted (through `access`), all misses (`lookUp`'s too): for a cache
    /// only `access` uses, accesses less misses are the hits.
    var accesses: UInt64 { state.pointee.accesses }
    var hits: UInt64 { accesses &- misses }
    var misses: UInt64 { state.pointee.misses }

    /// The number of sets of a cache of that shape.
    static func sets(_ c: MachineProfile.Cache) -> Int { c.sizeBytes / (c.lineBytes * c.ways) }

    /// A cache of that shape, empty; its sets' most recent lines in `recent` (room for
    /// one per set, which its owner deallocates) if given.
    init(_ c: MachineProfile.Cache, recent given: UnsafeMutablePointer<UInt64>? = nil) {
        let sets = CacheModel.sets(c)
        let lines = sets * c.ways
        let tags = UnsafeMutablePointer<UInt64>.allocate(capacity: lines)
        tags.initialize(repeating: 0, count: lines)
        let stamps = UnsafeMutablePointer<UInt64>.allocate(capacity: lines)
        stamps.initialize(repeating: 0, count: lines)
        // Four times as many hints as lines, up to a million.
        var hintBits = 0
        while 1 << hintBits < 4 * lines && hintBits < 20 { hintBits += 1 }
        let hintCount = 1 << hintBits
        let hints = UnsafeMutablePointer<UInt16>.allocate(capacity: hintCount)
        hints.initialize(repeating: 0, count: hintCount)
        recent = given ?? .allocate(capacity: sets)
        recent.initialize(repeating: .max, count: sets)
        setMask = UInt64(sets - 1)
        state = .allocate(capacity: 1)
        state.initialize(to: State(hintShift: UInt64(64 - hintBits), ways: c.ways, tags: tags, stamps: stamps, hints: hints,
                                   ownsRecent: given == nil))
    }

    func deallocate() {
        state.pointee.tags.deallocate()
        state.pointee.stamps.deallocate()
        state.pointee.hints.deallocate()
        if state.pointee.ownsRecent { recent.deallocate() }
        state.deallocate()
    }

    /// Looks up a line (an address >> the line size's bits), filling it on a miss, and
    /// counts the access. Returns whether it hit.
    @inline(__always)
    func access(line: UInt64) -> Bool {
        state.pointee.accesses &+= 1
        return lookUp(line: line)
    }

    /// As `access`, counting only a miss: for callers that count accesses themselves.
    /// `setMask` and `recent`, when given, are the cache's own (in a specialised loop,
    /// a constant and a fixed offset from its memory).
    @inline(__always)
    func lookUp(line: UInt64, setMask mask: UInt64? = nil, recent at: UnsafeMutablePointer<UInt64>? = nil) -> Bool {
        let set = Int(truncatingIfNeeded: line & (mask ?? setMask))
        if (at ?? recent)[set] == line { return true }
        return accessOlder(line, set)
    }

    /// The line is not its set's most recent: try the hinted way, then search the set.
    /// (Kept small, with the arguments it came with for the search, so that the hinted
    /// hit saves no registers and the search is a jump.)
    @inline(never)
    private func accessOlder(_ line: UInt64, _ set: Int) -> Bool {
        recent[set] = line
        let s = state
        let now = s.pointee.clock &+ 1
        s.pointee.clock = now
        let hinted = set &* s.pointee.ways &+ Int(truncatingIfNeeded: s.pointee.hints[hintIndex(line)])
        if s.pointee.tags[hinted] == line &+ 1 { s.pointee.stamps[hinted] = now; return true }
        return search(line, set)
    }

    /// Where a line's hint is: Fibonacci hashing, the top bits of the line times
    /// 2^64 / golden ratio.
    @inline(__always)
    private func hintIndex(_ line: UInt64) -> Int {
        Int(truncatingIfNeeded: (line &* 0x9E37_79B9_7F4A_7C15) &>> state.pointee.hintShift)
    }

    /// Searches the set for the line (its stamp is the clock's, already advanced); on a
    /// miss, the least recently used way (an empty one first) takes it. Either way the
    /// line's hint names its way after.
    @inline(never)
    private func search(_ line: UInt64, _ set: Int) -> Bool {
        let tags = state.pointee.tags, stamps = state.pointee.stamps
        let now = state.pointee.clock
        let hint = state.pointee.hints + hintIndex(line)
        let base = set &* state.pointee.ways
        let tag = line &+ 1
        var victim = base, oldest = UInt64.max
        var way = base
        let end = base &+ state.pointee.ways
        while way < end {
            if tags[way] == tag {
                stamps[way] = now
                hint.pointee = UInt16(truncatingIfNeeded: way &- base)
                return true
            }
            if stamps[way] < oldest { oldest = stamps[way]; victim = way }
            way &+= 1
        }
        state.pointee.misses &+= 1
        tags[victim] = tag
        stamps[victim] = now
        hint.pointee = UInt16(truncatingIfNeeded: victim &- base)
        return false
    }
}

/// A bimodal branch predictor: a table of 2-bit saturating counters indexed by pc, in
/// memory its owner provides (the hart's loop memory, which the loop reaches at a
/// fixed offset); the owner counts branches and mispredictions.
struct BranchPredictor {
    let counters: UnsafeMutablePointer<UInt8>
    let mask: UInt64

    init(counters: UnsafeMutablePointer<UInt8>, entries: Int) {
        self.counters = counters
        counters.initialize(repeating: 1, count: entries)  // weakly not taken
        mask = UInt64(entries - 1)
    }

    /// Records the outcome of the branch at `pc`; returns whether it was predicted.
    /// `mask`, when given, is the table's own (a constant in a specialised loop).
    /// A counter saturated the way the branch went predicted it and stays as it is,
    /// so nothing changes.
    @inline(__always)
    func update(pc: UInt64, taken: Bool, mask constant: UInt64? = nil) -> Bool {
        BranchPredictor.update(counters + Int(truncatingIfNeeded: (pc &>> 1) & (constant ?? mask)), taken: taken)
    }

    /// As `update`, given the branch's counter.
    @inline(__always)
    static func update(_ c: UnsafeMutablePointer<UInt8>, taken: Bool) -> Bool {
        let v = c.pointee
        if v == (taken ? 3 : 0) { return true }
        c.pointee = taken ? v + 1 : v - 1
        return (v >= 2) == taken
    }
}
