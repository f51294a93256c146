import PagodaISA

/// The events Pagoda's hardware performance-monitoring counters count (privileged
/// spec 3.1.10-3.1.11: "The event selector CSRs ... WARL"). The counters are fixed:
/// `mhpmcounter(N)` counts event N - 2, so `mhpmcounter3` counts `itlbMisses`;
/// `mhpmevent(N)` reads that event's number and ignores writes. Counters 3 + the
/// number of events and up are read-only zero.
public enum PerformanceEvent: UInt64, CaseIterable, Sendable {
    case itlbMisses = 1
    case dtlbMisses
    case l2tlbMisses
    case pageWalks
    case pteReads
    case walkCycles
    case pageFaults
    case itlbAccesses
    case dtlbAccesses
    case l1iMisses
    case l1dMisses

    /// The counter CSR number offset (3 for the first event).
    public var counter: Int { Int(rawValue) + 2 }

    /// The event `mhpmcounter(counter)` counts, if any.
    public init?(counter: Int) { self.init(rawValue: UInt64(counter - 2)) }
}

extension Hart {
    /// The current count of `event` since reset, before any counter write's offset.
    func eventCount(_ event: PerformanceEvent) -> UInt64 {
        closeTranslationSegment()
        let s = mmu.statistics
        switch event {
        case .itlbMisses: return mmu.itlb.misses
        case .dtlbMisses: return mmu.dtlb.misses
        case .l2tlbMisses: return mmu.l2tlb.isPresent ? mmu.l2tlb.misses : 0
        case .pageWalks: return s.pageWalks
        case .pteReads: return s.pteReads
        case .walkCycles: return s.walkCycles
        case .pageFaults: return s.totalPageFaults
        case .itlbAccesses: return mmu.itlb.lookups &+ s.fastFetchHits
        case .dtlbAccesses: return mmu.dtlb.lookups &+ s.fastDataHits
        case .l1iMisses: return timingEnabled ? timing.l1iMisses : 0
        case .l1dMisses: return timingEnabled ? timing.l1dMisses : 0
        }
    }

    /// `mhpmcounterN` (or `hpmcounterN`) for N in 3...31.
    func readPerformanceCounter(_ n: Int) -> UInt64 {
        guard let event = PerformanceEvent(counter: n) else { return 0 }
        return eventCount(event) &- performanceCounterOffsets[n]
    }

    /// A write to `mhpmcounterN`: the counter reads `value` now and counts on from there.
    func writePerformanceCounter(_ n: Int, _ value: UInt64) {
        guard let event = PerformanceEvent(counter: n) else { return }
        performanceCounterOffsets[n] = eventCount(event) &- value
    }

    /// `mhpmeventN`: the number of the event counter N counts, or 0.
    func performanceEventSelector(_ n: Int) -> UInt64 {
        PerformanceEvent(counter: n)?.rawValue ?? 0
    }
}
