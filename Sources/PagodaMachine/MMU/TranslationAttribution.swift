/// `--attribute`: one hart's translation costs broken down by privilege mode, ASID and
/// the pc of the instruction that caused them (the fetch address for fetches).
///
/// Every modelled L1 TLB miss, page walk, PTE read, walk cycle and translation page fault
/// is counted under (mode, ASID, pc), and TLB accesses and hits under (mode, ASID): the
/// slow path's lookups as they happen, the host-side hits (each a modelled L1 hit) per
/// translation segment, whose mode and ASID are fixed. The breakdowns add up to the
/// hart's totals exactly. With attribution on, every instruction fetch calls the fetch
/// slow path (which then knows the pc) but is still served from the host-side cache, so
/// the modelled TLBs see exactly what they see with it off.
public final class TranslationAttribution {
    public struct Key: Hashable, Sendable {
        /// The effective privilege mode of the access (MPRV applied), as encoded (0 U, 1 S, 3 M).
        public let mode: UInt8
        public let asid: UInt16
        public let pc: UInt64

        public init(mode: UInt8, asid: UInt16, pc: UInt64) {
            self.mode = mode
            self.asid = asid
            self.pc = pc
        }
    }

    public struct Costs: Sendable, Equatable {
        public var itlbMisses: UInt64 = 0
        public var dtlbMisses: UInt64 = 0
        public var walks: UInt64 = 0
        public var pteReads: UInt64 = 0
        public var walkCycles: UInt64 = 0
        public var pageFaults: UInt64 = 0

        public init(itlbMisses: UInt64 = 0, dtlbMisses: UInt64 = 0, walks: UInt64 = 0, pteReads: UInt64 = 0,
                    walkCycles: UInt64 = 0, pageFaults: UInt64 = 0) {
            self.itlbMisses = itlbMisses
            self.dtlbMisses = dtlbMisses
            self.walks = walks
            self.pteReads = pteReads
            self.walkCycles = walkCycles
            self.pageFaults = pageFaults
        }
    }

    /// TLB accesses and hits in one (mode, ASID).
    public struct Space: Hashable, Sendable {
        public let mode: UInt8
        public let asid: UInt16
    }
    public struct Accesses: Sendable, Equatable {
        public var itlbAccesses: UInt64 = 0
        public var itlbHits: UInt64 = 0
        public var dtlbAccesses: UInt64 = 0
        public var dtlbHits: UInt64 = 0
    }

    public private(set) var costs: [Key: Costs] = [:]
    public private(set) var accesses: [Space: Accesses] = [:]

    /// The access being translated (set by the MMU at the start of each translation).
    var current = Key(mode: 0, asid: 0, pc: 0)

    public init() {}

    func add(_ update: (inout Costs) -> Void) {
        update(&costs[current, default: Costs()])
    }

    func lookup(fetch: Bool, hit: Bool) {
        let space = Space(mode: current.mode, asid: current.asid)
        if fetch {
            accesses[space, default: Accesses()].itlbAccesses &+= 1
            if hit { accesses[space, default: Accesses()].itlbHits &+= 1 }
        } else {
            accesses[space, default: Accesses()].dtlbAccesses &+= 1
            if hit { accesses[space, default: Accesses()].dtlbHits &+= 1 }
        }
    }

    /// Host-side hits of a translation segment (all L1 hits) in one (mode, ASID).
    func segmentHits(fetchMode: UInt8?, fetches: UInt64, dataMode: UInt8?, data: UInt64, asid: UInt16) {
        if let mode = fetchMode, fetches > 0 {
            let s = Space(mode: mode, asid: asid)
            accesses[s, default: Accesses()].itlbAccesses &+= fetches
            accesses[s, default: Accesses()].itlbHits &+= fetches
        }
        if let mode = dataMode, data > 0 {
            let s = Space(mode: mode, asid: asid)
            accesses[s, default: Accesses()].dtlbAccesses &+= data
            accesses[s, default: Accesses()].dtlbHits &+= data
        }
    }
}
