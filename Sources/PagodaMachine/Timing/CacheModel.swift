/// A modelled set-associative cache with LRU replacement, keyed by line address.
///
/// A struct over pointer memory, so using it in the inner loop costs no reference
/// counting; its owner calls `deallocate()`.
///
/// Lines are identified by host addresses shifted right by the line size: RAM and ROM
/// are each one host allocation, so a host line is exactly one physical line. Each set
/// keeps its ways in recency order (most recent first), so a hit on the most recent
/// line, the common case, changes nothing.
struct CacheModel {
    let sets: Int
    let ways: Int
    let lineShift: UInt64
    /// Tags (line address + 1; 0 is an empty way), `ways` per set, most recent first.
    private let tags: UnsafeMutablePointer<UInt64>
    /// hits, misses (in pointer memory: the inner loop updates them).
    private let counts: UnsafeMutablePointer<UInt64>
    var hits: UInt64 { counts[0] }
    var misses: UInt64 { counts[1] }

    init(_ c: MachineProfile.Cache) {
        ways = c.ways
        sets = c.sizeBytes / (c.lineBytes * c.ways)
        lineShift = UInt64(c.lineBytes.trailingZeroBitCount)
        tags = .allocate(capacity: sets * ways)
        tags.initialize(repeating: 0, count: sets * ways)
        counts = .allocate(capacity: 2)
        counts.initialize(repeating: 0, count: 2)
    }

    func deallocate() {
        tags.deallocate()
        counts.deallocate()
    }

    func flush() { tags.update(repeating: 0, count: sets * ways) }

    /// Looks up a line (an address >> lineShift), filling it on a miss. Returns whether it hit.
    @inline(__always)
    func access(line: UInt64) -> Bool {
        let tag = line &+ 1
        let set = tags + Int(truncatingIfNeeded: line & UInt64(sets - 1)) * ways
        if set[0] == tag { counts[0] &+= 1; return true }
        return accessSlow(set, tag)
    }

    @inline(never)
    private func accessSlow(_ set: UnsafeMutablePointer<UInt64>, _ tag: UInt64) -> Bool {
        var i = 1
        while i < ways && set[i] != tag { i += 1 }
        let hit = i < ways
        if hit { counts[0] &+= 1 } else { counts[1] &+= 1; i = ways - 1 }
        // Move to the front: the line becomes the most recent; on a miss the least recent goes.
        while i > 0 { set[i] = set[i - 1]; i -= 1 }
        set[0] = tag
        return hit
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

    /// Records the outcome of the branch at `pc`; returns whether it was predicted.
    @inline(__always)
    func update(pc: UInt64, taken: Bool) -> Bool {
        let c = counters + Int(truncatingIfNeeded: (pc >> 1) & mask)
        let v = c.pointee
        let predictedTaken = v >= 2
        counts[0] &+= 1
        if taken { if v < 3 { c.pointee = v + 1 } } else if v > 0 { c.pointee = v - 1 }
        if predictedTaken != taken { counts[1] &+= 1; return false }
        return true
    }
}
