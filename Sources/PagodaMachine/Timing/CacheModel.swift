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
    /// Everything else the cache holds, in its memory after `recent`.
    struct State {
        /// 64 less the bits of a hint's index: the top bits of the line's hash index it.
        var hintShift: UInt64
        var ways: Int
        /// Tags (the line address; `.max`, which no line is, for an empty way), `ways` per set.
        var tags: UnsafeMutablePointer<UInt64>
        /// When each way was last used (0 for never), `ways` per set.
        var stamps: UnsafeMutablePointer<UInt64>
        /// The way a line was last found or filled in, indexed by a hash of the line:
        /// a guess, checked against the tag.
        var hints: UnsafeMutablePointer<UInt16>
        /// The clock of the stamps.
        var clock: UInt64 = 0
        /// Whether the memory is the cache's own (or its owner's).
        var ownsMemory: Bool
        /// Accesses through `access` (`lookUp` leaves the count to its caller).
        var accesses: UInt64 = 0
        var misses: UInt64 = 0
    }

    /// Where a cache's parts lie in its memory, in bytes from its start: each set's
    /// most recent line, the state, the tags, the stamps and the hints, each part at a
    /// multiple of 64 bytes. Plain arithmetic on the shape, so that for a shape known
    /// at compile time (`CacheShape`) the offsets are constants.
    enum Layout {
        @inline(__always) static func up(_ n: Int) -> Int { (n &+ 63) & ~63 }
        @inline(__always) static func state(sets: Int) -> Int { up(sets &* 8) }
        @inline(__always) static func tags(sets: Int) -> Int { state(sets: sets) &+ up(MemoryLayout<State>.stride) }
        @inline(__always) static func stamps(sets: Int, ways: Int) -> Int { tags(sets: sets) &+ sets &* ways &* 8 }
        @inline(__always) static func hints(sets: Int, ways: Int) -> Int { stamps(sets: sets, ways: ways) &+ sets &* ways &* 8 }
        @inline(__always) static func size(sets: Int, ways: Int, hintBits: Int) -> Int {
            up(hints(sets: sets, ways: ways) &+ (1 &<< hintBits) &* 2)
        }
        /// Four times as many hints as lines, up to a million.
        static func hintBits(lines: Int) -> Int {
            var bits = 0
            while 1 << bits < 4 * lines && bits < 20 { bits += 1 }
            return bits
        }
        /// The bytes a cache of that shape needs.
        static func size(_ c: MachineProfile.Cache) -> Int {
            let sets = CacheModel.sets(c)
            return size(sets: sets, ways: c.ways, hintBits: hintBits(lines: sets * c.ways))
        }
    }

    /// Each set's most recently used line (`.max`, which no line is, for none): a hit on
    /// it changes nothing. At the start of the cache's memory.
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

    /// A cache of that shape, empty, in `memory` (`Layout.size(c)` bytes at a multiple
    /// of 64, which its owner deallocates) if given, or in memory of its own.
    init(_ c: MachineProfile.Cache, memory given: UnsafeMutableRawPointer? = nil) {
        let sets = CacheModel.sets(c), ways = c.ways, lines = sets * ways
        let hintBits = Layout.hintBits(lines: lines)
        let memory = given ?? .allocate(byteCount: Layout.size(sets: sets, ways: ways, hintBits: hintBits), alignment: 64)
        let tags = (memory + Layout.tags(sets: sets)).bindMemory(to: UInt64.self, capacity: lines)
        tags.initialize(repeating: .max, count: lines)
        let stamps = (memory + Layout.stamps(sets: sets, ways: ways)).bindMemory(to: UInt64.self, capacity: lines)
        stamps.initialize(repeating: 0, count: lines)
        let hints = (memory + Layout.hints(sets: sets, ways: ways)).bindMemory(to: UInt16.self, capacity: 1 << hintBits)
        hints.initialize(repeating: 0, count: 1 << hintBits)
        recent = memory.bindMemory(to: UInt64.self, capacity: sets)
        recent.initialize(repeating: .max, count: sets)
        setMask = UInt64(sets - 1)
        state = (memory + Layout.state(sets: sets)).bindMemory(to: State.self, capacity: 1)
        state.initialize(to: State(hintShift: UInt64(64 - hintBits), ways: ways, tags: tags, stamps: stamps, hints: hints,
                                   ownsMemory: given == nil))
    }

    func deallocate() {
        if state.pointee.ownsMemory { UnsafeMutableRawPointer(recent).deallocate() }
    }

    /// Looks up a line (an address >> the line size's bits), filling it on a miss, and
    /// counts the access. Returns whether it hit.
    @inline(__always)
    func access(line: UInt64) -> Bool {
        state.pointee.accesses &+= 1
        return lookUp(line: line)
    }

    /// As `access`, counting only a miss: for callers that count accesses themselves.
    @inline(__always)
    func lookUp(line: UInt64) -> Bool {
        let set = Int(truncatingIfNeeded: line & setMask)
        if recent[set] == line { return true }
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
        let hinted = set &* s.pointee.ways &+ Int(truncatingIfNeeded: s.pointee.hints[CacheModel.hintIndex(line, s.pointee.hintShift)])
        if s.pointee.tags[hinted] == line { s.pointee.stamps[hinted] = now; return true }
        return CacheModel.search(s, line, set)
    }

    /// `lookUp` for a cache of a shape known at compile time, in the hart's loop memory
    /// at `loop`: its most recent lines, state and arrays at constant offsets from there.
    @inline(__always)
    static func access<S: CacheShape>(in loop: UnsafeMutableRawPointer, line: UInt64, _: S.Type) {
        let set = Int(truncatingIfNeeded: line & UInt64(S.sets &- 1))
        if loop.load(fromByteOffset: S.loopMemoryOffset &+ set &* 8, as: UInt64.self) != line { older(in: loop, line, set, S.self) }
    }

    /// The line is not its set's most recent: `accessOlder`, and the shape's `missed`
    /// on a miss (out of line, and with nothing to return, so that the caller passes
    /// the line and its set and goes on).
    @inline(never)
    private static func older<S: CacheShape>(in loop: UnsafeMutableRawPointer, _ line: UInt64, _ set: Int, _: S.Type) {
        let base = loop + S.loopMemoryOffset
        if !hintedHit(base, line, set, S.self) { searchOrMiss(in: loop, line, set, S.self) }
    }

    /// After a wrong hint: the search, and the shape's `missed` on a miss.
    @inline(never)
    private static func searchOrMiss<S: CacheShape>(in loop: UnsafeMutableRawPointer, _ line: UInt64, _ set: Int, _: S.Type) {
        if !search(in: loop + S.loopMemoryOffset, line, set, S.self) { S.missed(loop: loop, line: line) }
    }

    /// The line made its set's most recent, and the clock advanced: whether the hinted
    /// way holds it (then its stamp is the clock's).
    @inline(__always)
    private static func hintedHit<S: CacheShape>(_ base: UnsafeMutableRawPointer, _ line: UInt64, _ set: Int, _: S.Type) -> Bool {
        base.storeBytes(of: line, toByteOffset: set &* 8, as: UInt64.self)
        let s = (base + Layout.state(sets: S.sets)).assumingMemoryBound(to: State.self)
        let now = s.pointee.clock &+ 1
        s.pointee.clock = now
        let hint = Int(base.load(fromByteOffset: Layout.hints(sets: S.sets, ways: S.ways) &+ hintIndex(line, UInt64(64 &- S.hintBits)) &* 2,
                                 as: UInt16.self))
        let way = set &* S.ways &+ hint
        guard base.load(fromByteOffset: Layout.tags(sets: S.sets) &+ way &* 8, as: UInt64.self) == line else { return false }
        base.storeBytes(of: now, toByteOffset: Layout.stamps(sets: S.sets, ways: S.ways) &+ way &* 8, as: UInt64.self)
        return true
    }

    /// `search` for such a cache (the ways a constant, so the loops unroll).
    @inline(never)
    private static func search<S: CacheShape>(in base: UnsafeMutableRawPointer, _ line: UInt64, _ set: Int, _: S.Type) -> Bool {
        let s = (base + Layout.state(sets: S.sets)).assumingMemoryBound(to: State.self)
        let tags = (base + Layout.tags(sets: S.sets)).assumingMemoryBound(to: UInt64.self) + set &* S.ways
        let stamps = (base + Layout.stamps(sets: S.sets, ways: S.ways)).assumingMemoryBound(to: UInt64.self) + set &* S.ways
        let hint = (base + Layout.hints(sets: S.sets, ways: S.ways)).assumingMemoryBound(to: UInt16.self)
            + hintIndex(line, UInt64(64 &- S.hintBits))
        let now = s.pointee.clock
        for way in 0..<S.ways where tags[way] == line {
            stamps[way] = now
            hint.pointee = UInt16(truncatingIfNeeded: way)
            return true
        }
        var victim = 0, oldest = stamps[0]
        for way in 1..<S.ways where stamps[way] < oldest {
            oldest = stamps[way]
            victim = way
        }
        s.pointee.misses &+= 1
        tags[victim] = line
        stamps[victim] = now
        hint.pointee = UInt16(truncatingIfNeeded: victim)
        return false
    }

    /// Where a line's hint is: Fibonacci hashing, the top bits of the line times
    /// 2^64 / golden ratio.
    @inline(__always)
    private static func hintIndex(_ line: UInt64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (line &* 0x9E37_79B9_7F4A_7C15) &>> shift)
    }

    /// Searches the set for the line (its stamp is the clock's, already advanced); on a
    /// miss, the least recently used way (an empty one first) takes it. Either way the
    /// line's hint names its way after.
    @inline(never)
    private static func search(_ s: UnsafeMutablePointer<State>, _ line: UInt64, _ set: Int) -> Bool {
        let tags = s.pointee.tags, stamps = s.pointee.stamps
        let now = s.pointee.clock
        let hint = s.pointee.hints + hintIndex(line, s.pointee.hintShift)
        let base = set &* s.pointee.ways
        var victim = base, oldest = UInt64.max
        var way = base
        let end = base &+ s.pointee.ways
        while way < end {
            if tags[way] == line {
                stamps[way] = now
                hint.pointee = UInt16(truncatingIfNeeded: way &- base)
                return true
            }
            if stamps[way] < oldest { oldest = stamps[way]; victim = way }
            way &+= 1
        }
        s.pointee.misses &+= 1
        tags[victim] = line
        stamps[victim] = now
        hint.pointee = UInt16(truncatingIfNeeded: victim &- base)
        return false
    }
}

/// The shape of a cache known when the inner loop is compiled, and where its memory
/// lies in the hart's loop memory: the standard profile's L1 caches, for the loop
/// specialised to them (`TimingOnStandard`).
protocol CacheShape {
    static var sets: Int { get }
    static var ways: Int { get }
    static var hintBits: Int { get }
    static var loopMemoryOffset: Int { get }
    /// A miss on `line` in the hart whose loop memory is at `loop`: what it costs.
    static func missed(loop: UnsafeMutableRawPointer, line: UInt64)
}

/// The standard profile's L1D: 32 KiB, 8 ways of 64-byte lines; its memory follows the
/// predictor's 1024 counters (`TimingModelTests` checks all of this against the profile).
enum StandardL1D: CacheShape {
    static var sets: Int { 64 }
    static var ways: Int { 8 }
    static var hintBits: Int { 11 }
    static var loopMemoryOffset: Int { Hart.predictorOffset &+ 1024 }
    @inline(never)
    static func missed(loop: UnsafeMutableRawPointer, line: UInt64) { TimingCore.dataMiss(at: TimingCore.of(loop), line: line) }
}

/// The standard profile's L1I: 16 KiB, 4 ways of 64-byte lines, after the L1D.
enum StandardL1I: CacheShape {
    static var sets: Int { 64 }
    static var ways: Int { 4 }
    static var hintBits: Int { 10 }
    static var loopMemoryOffset: Int {
        StandardL1D.loopMemoryOffset &+ CacheModel.Layout.size(sets: StandardL1D.sets, ways: StandardL1D.ways, hintBits: StandardL1D.hintBits)
    }
    @inline(never)
    static func missed(loop: UnsafeMutableRawPointer, line: UInt64) { TimingCore.fetchMiss(at: TimingCore.of(loop), line: line) }
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
