import PagodaISA

/// Selects, at compile time, whether the inner loop runs the timing model, and with
/// what geometry. The loop is generic over it, so with `TimingOff` every timing
/// statement folds away, and with `TimingOnStandard` the caches' and the predictor's
/// shifts and masks are constants.
protocol TimingSwitch {
    static var enabled: Bool { get }
    /// The geometry the loop is specialised to, or nil to read it from the timing core.
    static var geometry: TimingGeometry? { get }
}
enum TimingOff: TimingSwitch {
    static var enabled: Bool { false }
    static var geometry: TimingGeometry? { nil }
}
/// Any profile.
enum TimingOn: TimingSwitch {
    static var enabled: Bool { true }
    static var geometry: TimingGeometry? { nil }
}
/// A profile with the default profile's geometry.
enum TimingOnStandard: TimingSwitch {
    static var enabled: Bool { true }
    static var geometry: TimingGeometry? { .standard }
}

/// What the inner loop needs of the L1 caches' and the predictor's shape: how to find
/// a line's set, and a branch's counter.
struct TimingGeometry: Equatable {
    var l1iShift: UInt64
    var l1iSetMask: UInt64
    var l1dShift: UInt64
    var l1dSetMask: UInt64
    var predictorMask: UInt64
    /// Where the L1 caches' memory is in the hart's loop memory.
    var l1iOffset: Int
    var l1dOffset: Int

    /// The default profile's, with its caches' shapes `StandardL1I` and `StandardL1D`
    /// (`TimingModelTests` checks that they agree).
    static var standard: TimingGeometry {
        TimingGeometry(l1iShift: 6, l1iSetMask: UInt64(StandardL1I.sets - 1), l1dShift: 6, l1dSetMask: UInt64(StandardL1D.sets - 1),
                       predictorMask: 1023, l1iOffset: StandardL1I.loopMemoryOffset, l1dOffset: StandardL1D.loopMemoryOffset)
    }
}

extension TimingGeometry {
    init(_ p: MachineProfile) {
        func sets(_ c: MachineProfile.Cache) -> UInt64 { UInt64(CacheModel.sets(c)) }
        let layout = Hart.loopMemoryLayout(p)
        self.init(l1iShift: UInt64(p.l1i.lineBytes.trailingZeroBitCount), l1iSetMask: sets(p.l1i) - 1,
                  l1dShift: UInt64(p.l1d.lineBytes.trailingZeroBitCount), l1dSetMask: sets(p.l1d) - 1,
                  predictorMask: UInt64(p.branchPredictorEntries - 1),
                  l1iOffset: layout.l1i, l1dOffset: layout.l1d)
    }
}

/// Where a hart's cycles went, beyond one per instruction.
public struct CycleBreakdown: Sendable, Equatable {
    /// Extra execution cycles of the instruction classes (multiply, divide, taken branches ...).
    public var execution: UInt64 = 0
    /// Branch mispredictions.
    public var branchMispredictions: UInt64 = 0
    /// Instruction-cache misses.
    public var instructionFetch: UInt64 = 0
    /// Data-cache misses.
    public var dataAccess: UInt64 = 0
    /// Trap entries and returns.
    public var traps: UInt64 = 0

    var total: UInt64 { execution &+ branchMispredictions &+ instructionFetch &+ dataAccess &+ traps }
}

/// The parts of the timing model the inner loop uses: plain values and pointers, so
/// the loop copies it into a local and calls into it with no reference counting.
struct TimingCore {
    let l1i: CacheModel
    let l1d: CacheModel
    let l2: CacheModel
    let predictor: BranchPredictor
    /// Extra cycles (beyond 1) of each opcode, indexed by `Opcode.rawValue`.
    let extraCycles: UnsafeMutablePointer<UInt64>
    /// Where the cycles went, beyond one per instruction, but for taken branches' extra
    /// cycles and branch mispredictions (see `TimingModel.breakdown`).
    let breakdown: UnsafeMutablePointer<CycleBreakdown>
    /// All instruction fetches (the loop adds a batch's when the batch ends), so the L1I
    /// hits are these less the misses.
    let fetches: UnsafeMutablePointer<UInt64>
    let l1iShift: UInt64
    let l1dShift: UInt64
    let l2Shift: UInt64
    let l2HitCycles: UInt64
    let memoryCycles: UInt64
    let takenExtra: UInt64
    let mispredictPenalty: UInt64

    /// A miss in the L1D or the L1I of the core at `core`, charged to its breakdown.
    /// (Static, on the core's one copy that the hart's loop counters point at: a method
    /// called on `core.pointee` would copy the whole core.)
    @inline(never)
    static func dataMiss(at core: UnsafeMutablePointer<TimingCore>, line: UInt64) {
        core.pointee.breakdown.pointee.dataAccess &+= missCost(at: core, line: line, shift: core.pointee.l1dShift)
    }
    @inline(never)
    static func fetchMiss(at core: UnsafeMutablePointer<TimingCore>, line: UInt64) {
        core.pointee.breakdown.pointee.instructionFetch &+= missCost(at: core, line: line, shift: core.pointee.l1iShift)
    }

    /// The cost of missing in an L1 cache: the L2's hit cycles, plus memory on an L2 miss.
    @inline(__always)
    static func missCost(at core: UnsafeMutablePointer<TimingCore>, line: UInt64, shift: UInt64) -> UInt64 {
        let l2Line = (line &<< shift) &>> core.pointee.l2Shift
        return core.pointee.l2HitCycles &+ (core.pointee.l2.access(line: l2Line) ? 0 : core.pointee.memoryCycles)
    }

    /// The fetch of a line, from host address `host`, through the L1I: at a block's
    /// line-fetch entries (the block's other instructions on the line hit the most
    /// recent line of its set, which changes nothing), or for an instruction run on its
    /// own. The loop counts the fetches themselves.
    @inline(__always)
    func fetch<T: TimingSwitch>(host: UInt, _ counters: UnsafeMutablePointer<Hart.LoopCounters>, _: T.Type) {
        fetch(line: UInt64(host) &>> (T.geometry?.l1iShift ?? l1iShift), counters, T.self)
    }

    /// As `fetch(host:)`, given the line (the host address shifted right by the line size's bits).
    @inline(__always)
    func fetch<T: TimingSwitch>(line: UInt64, _ counters: UnsafeMutablePointer<Hart.LoopCounters>, _: T.Type) {
        if T.geometry == nil {
            if !l1i.lookUp(line: line) { TimingCore.fetchMiss(at: TimingCore.of(TimingCore.loopMemory(counters)), line: line) }
        } else {
            CacheModel.access(in: TimingCore.loopMemory(counters), line: line, StandardL1I.self)
        }
    }

    /// The fetch of a line-fetch entry's line (see `fetch(line:)`): with the standard
    /// geometry, in the set the entry names.
    @inline(__always)
    func fetch<T: TimingSwitch>(entry e: UnsafeMutablePointer<BlockEntry>, _ counters: UnsafeMutablePointer<Hart.LoopCounters>, _: T.Type) {
        if T.geometry == nil {
            fetch(line: e.fetchLine, counters, T.self)
        } else {
            CacheModel.access(in: TimingCore.loopMemory(counters), line: e.fetchLine, firstWay: e.fetchFirstWay, StandardL1I.self)
        }
    }

    /// The loop memory at `offset`, found from the loop counters in it (a fixed offset
    /// from the register file, which the loop keeps in a host register).
    @inline(__always)
    static func loopMemory<P>(_ counters: UnsafeMutablePointer<Hart.LoopCounters>, at offset: Int) -> UnsafeMutablePointer<P> {
        (loopMemory(counters) + offset).assumingMemoryBound(to: P.self)
    }

    /// The timing core of the hart whose loop memory is at `loop` (for the misses of the
    /// caches of standard shape, which know only that).
    static func of(_ loop: UnsafeMutableRawPointer) -> UnsafeMutablePointer<TimingCore> {
        (loop + Hart.loopCountersOffset).assumingMemoryBound(to: Hart.LoopCounters.self).pointee.timingCore!
    }

    /// The loop memory itself.
    @inline(__always)
    static func loopMemory(_ counters: UnsafeMutablePointer<Hart.LoopCounters>) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(counters) - Hart.loopCountersOffset
    }

    /// A data access at host address `host` from the loop's fast path, which counts it
    /// (`LoopCounters.fastDataAccesses`).
    @inline(__always)
    func data<T: TimingSwitch>(host: UInt, _ counters: UnsafeMutablePointer<Hart.LoopCounters>, _: T.Type) {
        let line = UInt64(host) &>> (T.geometry?.l1dShift ?? l1dShift)
        if T.geometry == nil {
            if !l1d.lookUp(line: line) { TimingCore.dataMiss(at: TimingCore.of(TimingCore.loopMemory(counters)), line: line) }
        } else {
            CacheModel.access(in: TimingCore.loopMemory(counters), line: line, StandardL1D.self)
        }
    }

    /// As `data(host:)`, with the cache's move to the front in line (see
    /// `CacheModel.accessInline`).
    @inline(__always)
    func dataInline<T: TimingSwitch>(host: UInt, _ counters: UnsafeMutablePointer<Hart.LoopCounters>, _: T.Type) {
        if T.geometry == nil {
            data(host: host, counters, T.self)
        } else {
            CacheModel.accessInline(in: TimingCore.loopMemory(counters), line: UInt64(host) &>> (T.geometry?.l1dShift ?? l1dShift),
                                    StandardL1D.self)
        }
    }

    /// The conditional branch at entry `e` of the block at `pc`: counted in the loop's
    /// counters, taken or not, it trains the predictor, which counts mispredictions
    /// (their cycles are the count times the penalty, and a taken branch's extra cycles
    /// the taken count times those: see `TimingModel.breakdown`). With the standard
    /// geometry, the entry holds its counter's index.
    @inline(__always)
    func branch<T: TimingSwitch>(_ e: UnsafeMutablePointer<BlockEntry>, pc: UInt64, taken: Bool,
                                 _ counters: UnsafeMutablePointer<Hart.LoopCounters>, _: T.Type) {
        if taken { counters.pointee.takenBranches &+= 1 } else { counters.pointee.notTakenBranches &+= 1 }
        let table: UnsafeMutablePointer<UInt8> = TimingCore.loopMemory(counters, at: Hart.predictorOffset)
        let index = T.geometry != nil ? e.predictorIndex : Int(truncatingIfNeeded: ((pc &+ e.offset) &>> 1) & predictor.mask)
        let c = table + index
        if !BranchPredictor.update(c, taken: taken) { counters.pointee.mispredictions &+= 1 }
    }
}

/// One hart's timing model: the cost of each instruction class, a branch predictor,
/// L1 instruction and data caches and the L2 (shared by all harts), per the profile.
public final class TimingModel {
    public let profile: MachineProfile
    /// The parts the inner loop uses (it copies them once per batch).
    var core: TimingCore { corePointer.pointee }
    /// Whether the profile has the standard geometry (then the loop runs `TimingOnStandard`).
    let standardGeometry: Bool

    /// The hart's loop counters, which count branches and mispredictions.
    private let counters: UnsafeMutablePointer<Hart.LoopCounters>
    /// Where `core` is; the loop counters point at it too.
    private let corePointer: UnsafeMutablePointer<TimingCore>

    /// A hart's model, whose predictor counters are `predictorTable` (as many as the
    /// profile has).
    init(profile: MachineProfile, sharedL2: CacheModel, counters: UnsafeMutablePointer<Hart.LoopCounters>,
         predictorTable: UnsafeMutablePointer<UInt8>, l1iMemory: UnsafeMutableRawPointer,
         l1dMemory: UnsafeMutableRawPointer) {
        self.profile = profile
        self.counters = counters
        standardGeometry = TimingGeometry(profile) == .standard
        let extraCycles = UnsafeMutablePointer<UInt64>.allocate(capacity: 256)
        extraCycles.initialize(repeating: 0, count: 256)
        for op in Opcode.allCases { extraCycles[Int(op.rawValue)] = UInt64(max(0, Self.cycles(of: op, profile.cycles) - 1)) }
        let breakdown = UnsafeMutablePointer<CycleBreakdown>.allocate(capacity: 1)
        breakdown.initialize(to: CycleBreakdown())
        let fetches = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        fetches.initialize(to: 0)
        let c = profile.cycles
        corePointer = .allocate(capacity: 1)
        corePointer.initialize(to: TimingCore(
            l1i: CacheModel(profile.l1i, memory: l1iMemory), l1d: CacheModel(profile.l1d, memory: l1dMemory), l2: sharedL2,
            predictor: BranchPredictor(counters: predictorTable, entries: profile.branchPredictorEntries),
            extraCycles: extraCycles, breakdown: breakdown, fetches: fetches,
            l1iShift: UInt64(profile.l1i.lineBytes.trailingZeroBitCount),
            l1dShift: UInt64(profile.l1d.lineBytes.trailingZeroBitCount),
            l2Shift: UInt64(profile.l2.lineBytes.trailingZeroBitCount),
            l2HitCycles: UInt64(profile.l2.hitCycles), memoryCycles: UInt64(profile.memoryCycles),
            takenExtra: UInt64(max(0, c.branchTaken - c.branchNotTaken)),
            mispredictPenalty: UInt64(c.branchMispredict)))
        counters.pointee.timingCore = corePointer
    }

    deinit {
        counters.pointee.timingCore = nil
        core.l1i.deallocate()
        core.l1d.deallocate()
        core.breakdown.deallocate()
        core.extraCycles.deallocate()
        core.fetches.deallocate()
        corePointer.deinitialize(count: 1)
        corePointer.deallocate()
    }

    /// Cycles an instruction takes when it hits in the caches (taken branches add their
    /// extra cost separately, when they are taken).
    static func cycles(of op: Opcode, _ c: MachineProfile.InstructionCycles) -> Int {
        switch op {
        case .beq, .bne, .blt, .bge, .bltu, .bgeu: return c.branchNotTaken
        case .jal, .jalr: return c.jump
        case .mul, .mulh, .mulhsu, .mulhu, .mulw: return c.multiply
        case .div, .divu, .rem, .remu, .divw, .divuw, .remw, .remuw: return c.divide
        case .lb, .lh, .lw, .ld, .lbu, .lhu, .lwu: return c.load
        case .sb, .sh, .sw, .sd: return c.store
        case .csrrw, .csrrs, .csrrc, .csrrwi, .csrrsi, .csrrci: return c.csr
        case .fence, .fenceI, .sfenceVMA: return c.fence
        case .ecall, .ebreak, .mret, .sret, .wfi, .illegal: return c.system
        default: return op.isMemoryAccess ? c.atomic : c.alu
        }
    }

    /// Where the cycles went, beyond one per instruction: what has been charged, with
    /// the taken branches' extra cycles and the mispredictions', which are counted.
    var breakdown: CycleBreakdown {
        var b = core.breakdown.pointee
        b.execution &+= counters.pointee.takenBranches &* core.takenExtra
        b.branchMispredictions = mispredictions &* core.mispredictPenalty
        return b
    }

    /// A data access outside the inner loop (slow paths).
    func data(host: UInt) {
        let line = UInt64(host) &>> core.l1dShift
        if !core.l1d.access(line: line) { TimingCore.dataMiss(at: corePointer, line: line) }
    }

    /// A data access to a page whose memory type is non-cacheable (Svpbmt NC or IO):
    /// it goes to memory, past L1D and L2, and leaves the caches as they were.
    func uncachedData() { core.breakdown.pointee.dataAccess &+= core.memoryCycles }

    /// An instruction fetched from such a page: from memory, past L1I and L2.
    func uncachedFetch() { core.breakdown.pointee.instructionFetch &+= core.memoryCycles }

    /// A page-table entry read during a walk: its cost through L1D and L2.
    func pageTableRead(host: UInt) -> UInt64 {
        let line = UInt64(host) &>> core.l1dShift
        return UInt64(profile.l1d.hitCycles) &+ (core.l1d.access(line: line) ? 0 : TimingCore.missCost(at: corePointer, line: line, shift: core.l1dShift))
    }

    func trapEntry() { core.breakdown.pointee.traps &+= UInt64(profile.cycles.trapEntry) }
    func trapReturn() { core.breakdown.pointee.traps &+= UInt64(profile.cycles.trapReturn) }

    /// L1I hits: every fetch that did not miss.
    var l1iHits: UInt64 { core.fetches.pointee &- core.l1i.misses }
    var l1iMisses: UInt64 { core.l1i.misses }
    /// L1D hits, given the hart's fast data accesses (the cache counts the others).
    func l1dHits(fastAccesses: UInt64) -> UInt64 { fastAccesses &+ core.l1d.hits }
    var l1dMisses: UInt64 { core.l1d.misses }
    var mispredictions: UInt64 { counters.pointee.mispredictions }
}
