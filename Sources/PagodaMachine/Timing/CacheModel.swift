/// A modelled set-associative cache with LRU replacement, keyed by line address.
///
/// A struct over pointer memory, so using it in the inner loop costs no reference
/// counting; its owner calls `deallocate()`.
///
/// Lines are identified by host addresses shifted right by the line size: RAM and ROM
/// are each one host allocation, so a host line is exactly one physical line. Each way
/// keeps when it was last used (the number of accesses then), so the least recently
/// used way of a set is the one with the oldest stamp; and each line, by its low bits,
/// a hint of the way it was last in, so a hit on any resident line is usually one
/// compare, whatever its place in the recency order.
struct CacheModel {
    /// Everything the cache holds, behind one pointer, so that passing the cache around
    /// (the loop keeps it in a local) copies one word.
    private struct State {
        var setMask: UInt64
        var hintMask: UInt64
        var ways: Int
        /// Tags (line address + 1; 0 is an empty way), `ways` per set.
        var tags: UnsafeMutablePointer<UInt64>
        /// When each way was last used (0 for never), `ways` per set.
        var stamps: UnsafeMutablePointer<UInt64>
        /// The way a line was last found or filled in, indexed by the line's low bits:
        /// a guess, checked against the tag.
        var hints: UnsafeMutablePointer<UInt16>
        /// Each set's most recently used tag: a hit on it changes nothing.
        var recent: UnsafeMutablePointer<UInt64>
        /// The accesses so far (the clock of the stamps).
        var accesses: UInt64 = 0
        var misses: UInt64 = 0
    }
    private let state: UnsafeMutablePointer<State>

    var hits: UInt64 { state.pointee.accesses &- state.pointee.misses }
    var misses: UInt64 { state.pointee.misses }

    init(_ c: MachineProfile.Cache) {
        let sets = c.sizeBytes / (c.lineBytes * c.ways)
        let lines = sets * c.ways
        let tags = UnsafeMutablePointer<UInt64>.allocate(capacity: lines)
        tags.initialize(repeating: 0, count: lines)
        let stamps = UnsafeMutablePointer<UInt64>.allocate(capacity: lines)
        stamps.initialize(repeating: 0, count: lines)
        // Twice as many hints as lines, up to a million.
        var hintCount = 1
        while hintCount < 2 * lines && hintCount < 1 << 20 { hintCount <<= 1 }
        let hints = UnsafeMutablePointer<UInt16>.allocate(capacity: hintCount)
        hints.initialize(repeating: 0, count: hintCount)
        let recent = UnsafeMutablePointer<UInt64>.allocate(capacity: sets)
        recent.initialize(repeating: 0, count: sets)
        state = .allocate(capacity: 1)
        state.initialize(to: State(setMask: UInt64(sets - 1), hintMask: UInt64(hintCount - 1), ways: c.ways,
                                   tags: tags, stamps: stamps, hints: hints, recent: recent))
    }

    func deallocate() {
        state.pointee.tags.deallocate()
        state.pointee.stamps.deallocate()
        state.pointee.hints.deallocate()
        state.pointee.recent.deallocate()
        state.deallocate()
    }

    /// Looks up a line (an address >> the line size's bits), filling it on a miss.
    /// Returns whether it hit.
    @inline(__always)
    func access(line: UInt64) -> Bool {
        let s = state
        s.pointee.accesses &+= 1
        let set = Int(truncatingIfNeeded: line & s.pointee.setMask)
        if s.pointee.recent[set] == line &+ 1 { return true }
        return accessOlder(line, set)
    }

    /// The line is not its set's most recent: try the hinted way, then search the set;
    /// on a miss, the least recently used way (an empty one first) takes it.
    @inline(never)
    private func accessOlder(_ line: UInt64, _ set: Int) -> Bool {
        let tags = state.pointee.tags, stamps = state.pointee.stamps
        let tag = line &+ 1
        let now = state.pointee.accesses
        state.pointee.recent[set] = tag
        let base = set &* state.pointee.ways
        let hint = state.pointee.hints + Int(truncatingIfNeeded: line & state.pointee.hintMask)
        let hinted = base &+ Int(truncatingIfNeeded: hint.pointee)
        if tags[hinted] == tag { stamps[hinted] = now; return true }
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

/// A bimodal branch predictor: a table of 2-bit saturating counters indexed by pc.
/// A struct over pointer memory, like `CacheModel`.
struct BranchPredictor {
    private let counters: UnsafeMutablePointer<UInt8>
    private let mask: UInt64
    /// branches, mispredictions.
    private let counts: UnsafeMutablePointer<UInt64>
    var branches: UInt64 { counts[0] }
    var mispredictions: UInt64 { counts[1] }

    init(entries: Int) {
        counters = .allocate(capacity: entries)
        counters.initialize(repeating: 1, count: entries)  // weakly not taken
        mask = UInt64(entries - 1)
        counts = .allocate(capacity: 2)
        counts.initialize(repeating: 0, count: 2)
    }

    func deallocate() {
        counters.deallocate()
        counts.deallocate()
    }

    /// What a counter becomes and whether it mispredicted, for each counter value and
    /// outcome: nibble `value << 1 | taken` holds the new value, plus 4 for a
    /// misprediction (the prediction is taken from 2 up).
    private static let transitions: UInt32 = 0x3635_6050

    /// Records the outcome of the branch at `pc`; returns whether it was predicted.
    @inline(__always)
    @discardableResult
    func update(pc: UInt64, taken: Bool) -> Bool {
        let c = counters + Int(truncatingIfNeeded: (pc &>> 1) & mask)
        let k = UInt32(c.pointee) &<< 1 | (taken ? 1 : 0)
        let next = BranchPredictor.transitions &>> (k &<< 2)
        c.pointee = UInt8(truncatingIfNeeded: next & 3)
        counts[0] &+= 1
        let missed = UInt64(next &>> 2 & 1)
        counts[1] &+= missed
        return missed == 0
    }
}
