/// A modelled set-associative cache with LRU replacement, keyed by line address.
///
/// A struct over pointer memory, so using it in the inner loop costs no reference
/// counting; its owner calls `deallocate()`.
///
/// Lines are identified by host addresses shifted right by the line size: RAM and ROM
/// are each one host allocation, so a host line is exactly one physical line. Each set
/// keeps its lines in the order they were last used, the most recent first: a hit on
/// the first changes nothing, a hit further down moves the line to the front and the
/// ones before it down by one, and a miss does the same for the new line, the last (the
/// least recently used, or an empty way) dropping out. So a hit costs a compare and a
/// move per line more recent than it, and a miss one per way.
struct CacheModel {
    /// The counts, in the cache's memory after the lines.
    struct State {
        var ways: Int
        /// Whether the memory is the cache's own (or its owner's).
        var ownsMemory: Bool
        /// Accesses through `access` (`lookUp` leaves the count to its caller).
        var accesses: UInt64 = 0
        var misses: UInt64 = 0
    }

    /// Where a cache's parts lie in its memory, in bytes from its start: the lines,
    /// `ways` per set, and the state, each at a multiple of 64 bytes. Plain arithmetic
    /// on the shape, so that for a shape known at compile time (`CacheShape`) the
    /// offsets are constants.
    enum Layout {
        @inline(__always) static func up(_ n: Int) -> Int { (n &+ 63) & ~63 }
        @inline(__always) static func state(sets: Int, ways: Int) -> Int { up(sets &* ways &* 8) }
        @inline(__always) static func size(sets: Int, ways: Int) -> Int {
            state(sets: sets, ways: ways) &+ up(MemoryLayout<State>.stride)
        }
        /// The bytes a cache of that shape needs.
        static func size(_ c: MachineProfile.Cache) -> Int { size(sets: CacheModel.sets(c), ways: c.ways) }
    }

    /// Each set's lines, most recently used first (`.max`, which no line is, for an
    /// empty way): `ways` per set, at the start of the cache's memory.
    let lines: UnsafeMutablePointer<UInt64>
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
        let sets = CacheModel.sets(c), ways = c.ways
        let memory = given ?? .allocate(byteCount: Layout.size(sets: sets, ways: ways), alignment: 64)
        lines = memory.bindMemory(to: UInt64.self, capacity: sets * ways)
        lines.initialize(repeating: .max, count: sets * ways)
        setMask = UInt64(sets - 1)
        state = (memory + Layout.state(sets: sets, ways: ways)).bindMemory(to: State.self, capacity: 1)
        state.initialize(to: State(ways: ways, ownsMemory: given == nil))
    }

    func deallocate() {
        if state.pointee.ownsMemory { UnsafeMutableRawPointer(lines).deallocate() }
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
        let set = lines + Int(truncatingIfNeeded: line & setMask) &* state.pointee.ways
        if set.pointee == line { return true }
        return CacheModel.moveToFront(line, in: set, ways: state.pointee.ways, state)
    }

    /// The line is not the most recent of its set, whose lines start at `set`: moves it
    /// to the front, the lines before it (all of them on a miss) down by one. Returns
    /// whether it was there.
    @inline(never)
    private static func moveToFront(_ line: UInt64, in set: UnsafeMutablePointer<UInt64>, ways: Int,
                                    _ s: UnsafeMutablePointer<State>) -> Bool {
        var carried = set[0]
        set[0] = line
        var way = 1
        while way < ways {
            let here = set[way]
            set[way] = carried
            if here == line { return true }
            carried = here
            way &+= 1
        }
        s.pointee.misses &+= 1
        return false
    }

    /// `lookUp` for a cache of a shape known at compile time, in the hart's loop memory
    /// at `loop`: its lines and state at constant offsets from there.
    @inline(__always)
    static func access<S: CacheShape>(in loop: UnsafeMutableRawPointer, line: UInt64, _: S.Type) {
        let set = S.loopMemoryOffset &+ Int(truncatingIfNeeded: line & UInt64(S.sets &- 1)) &* (S.ways &* 8)
        if loop.load(fromByteOffset: set, as: UInt64.self) != line { older(in: loop, line, set, S.self) }
    }

    /// As `access(in:line:)`, with the move to the front in line, as a loop (not
    /// unrolled, to keep the handlers small): for the loop's commonest accesses (word
    /// and doubleword loads and stores, unsigned byte loads and byte stores), so that a
    /// hit a few lines down costs no call. (In every load and store handler, it made
    /// the loop's other handlers run slower on the host.)
    @inline(__always)
    static func accessInline<S: CacheShape>(in loop: UnsafeMutableRawPointer, line: UInt64, _: S.Type) {
        let set = S.loopMemoryOffset &+ Int(truncatingIfNeeded: line & UInt64(S.sets &- 1)) &* (S.ways &* 8)
        let lines = (loop + set).assumingMemoryBound(to: UInt64.self)
        var carried = lines[0]
        if carried == line { return }
        lines[0] = line
        let end = lines + S.ways
        var at = lines + 1
        repeat {
            let here = at.pointee
            at.pointee = carried
            if here == line { return }
            carried = here
            at += 1
        } while at != end
        missed(in: loop, line, S.self)
    }

    /// A miss in a cache of that shape, counted, and the shape's `missed`.
    @inline(never)
    private static func missed<S: CacheShape>(in loop: UnsafeMutableRawPointer, _ line: UInt64, _: S.Type) {
        let s = (loop + (S.loopMemoryOffset &+ Layout.state(sets: S.sets, ways: S.ways))).assumingMemoryBound(to: State.self)
        s.pointee.misses &+= 1
        S.missed(loop: loop, line: line)
    }

    /// As `access(in:line:)`, given the index of the line's set's first way among all
    /// the cache's ways.
    @inline(__always)
    static func access<S: CacheShape>(in loop: UnsafeMutableRawPointer, line: UInt64, firstWay: Int, _: S.Type) {
        let set = S.loopMemoryOffset &+ firstWay &* 8
        if loop.load(fromByteOffset: set, as: UInt64.self) != line { older(in: loop, line, set, S.self) }
    }

    /// The line is not its set's most recent (the set's lines at byte `set` of the loop
    /// memory): `moveToFront` unrolled, and `missed` on a miss (out of line, and with
    /// nothing to return, so that the caller passes the line and goes on).
    @inline(never)
    private static func older<S: CacheShape>(in loop: UnsafeMutableRawPointer, _ line: UInt64, _ set: Int, _: S.Type) {
        let lines = (loop + set).assumingMemoryBound(to: UInt64.self)
        var carried = lines[0]
        lines[0] = line
        for way in 1..<S.ways {
            let here = lines[way]
            lines[way] = carried
            if here == line { return }
            carried = here
        }
        missed(in: loop, line, S.self)
    }
}

/// The shape of a cache known when the inner loop is compiled, and where its memory
/// lies in the hart's loop memory: the standard profile's L1 caches, for the loop
/// specialised to them (`TimingOnStandard`).
protocol CacheShape {
    static var sets: Int { get }
    static var ways: Int { get }
    static var loopMemoryOffset: Int { get }
    /// A miss on `line` in the hart whose loop memory is at `loop`: what it costs.
    static func missed(loop: UnsafeMutableRawPointer, line: UInt64)
}

/// The standard profile's L1D: 32 KiB, 8 ways of 64-byte lines; its memory follows the
/// predictor's 1024 counters (`TimingModelTests` checks all of this against the profile).
enum StandardL1D: CacheShape {
    static var sets: Int { 64 }
    static var ways: Int { 8 }
    static var loopMemoryOffset: Int { Hart.predictorOffset &+ 1024 }
    @inline(never)
    static func missed(loop: UnsafeMutableRawPointer, line: UInt64) { TimingCore.dataMiss(at: TimingCore.of(loop), line: line) }
}

/// The standard profile's L1I: 16 KiB, 4 ways of 64-byte lines, after the L1D.
enum StandardL1I: CacheShape {
    static var sets: Int { 64 }
    static var ways: Int { 4 }
    static var loopMemoryOffset: Int {
        StandardL1D.loopMemoryOffset &+ CacheModel.Layout.size(sets: StandardL1D.sets, ways: StandardL1D.ways)
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
        c.pointee = taken ? v &+ 1 : v &- 1
        return (v >= 2) == taken
    }
}
