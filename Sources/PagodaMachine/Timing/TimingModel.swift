import PagodaISA

/// Selects, at compile time, whether the inner loop runs the timing model. The loop is
/// generic over it, so with `TimingOff` every timing statement folds away.
protocol TimingSwitch { static var enabled: Bool { get } }
enum TimingOff: TimingSwitch { static var enabled: Bool { false } }
enum TimingOn: TimingSwitch { static var enabled: Bool { true } }

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
    /// Where the cycles went, beyond one per instruction.
    let breakdown: UnsafeMutablePointer<CycleBreakdown>
    /// [0]: the last instruction-cache line fetched (fetches from it always hit);
    /// [1]: how many fetches hit that way.
    let fetchState: UnsafeMutablePointer<UInt64>
    let l1iShift: UInt64
    let l1dShift: UInt64
    let l2Shift: UInt64
    let l2HitCycles: UInt64
    let memoryCycles: UInt64
    let takenExtra: UInt64
    let mispredictPenalty: UInt64

    /// The cost of missing in an L1 cache: the L2's hit cycles, plus memory on an L2 miss.
    @inline(__always)
    func missCost(line: UInt64, shift: UInt64) -> UInt64 {
        let l2Line = (line << shift) >> l2Shift
        return l2HitCycles &+ (l2.access(line: l2Line) ? 0 : memoryCycles)
    }

    /// The base cost of an instruction beyond one cycle.
    @inline(__always)
    func execute(_ op: Opcode) {
        breakdown.pointee.execution &+= extraCycles[Int(op.rawValue)]
    }

    /// An instruction fetch from host address `host`.
    @inline(__always)
    func fetch(host: UInt) {
        let line = UInt64(host) >> l1iShift
        if line == fetchState[0] { fetchState[1] &+= 1; return }
        fetchState[0] = line
        if !l1i.access(line: line) { breakdown.pointee.instructionFetch &+= missCost(line: line, shift: l1iShift) }
    }

    /// A data access at host address `host`.
    @inline(__always)
    func data(host: UInt) {
        let line = UInt64(host) >> l1dShift
        if !l1d.access(line: line) { breakdown.pointee.dataAccess &+= missCost(line: line, shift: l1dShift) }
    }

    /// A conditional branch at `pc`.
    @inline(__always)
    func branch(pc: UInt64, taken: Bool) {
        if taken { breakdown.pointee.execution &+= takenExtra }
        if !predictor.update(pc: pc, taken: taken) { breakdown.pointee.branchMispredictions &+= mispredictPenalty }
    }
}

/// One hart's timing model: the cost of each instruction class, a branch predictor,
/// L1 instruction and data caches and the L2 (shared by all harts), per the profile.
public final class TimingModel {
    public let profile: MachineProfile
    let core: TimingCore

    init(profile: MachineProfile, sharedL2: CacheModel) {
        self.profile = profile
        let extraCycles = UnsafeMutablePointer<UInt64>.allocate(capacity: 256)
        extraCycles.initialize(repeating: 0, count: 256)
        for op in Opcode.allCases { extraCycles[Int(op.rawValue)] = UInt64(max(0, Self.cycles(of: op, profile.cycles) - 1)) }
        let breakdown = UnsafeMutablePointer<CycleBreakdown>.allocate(capacity: 1)
        breakdown.initialize(to: CycleBreakdown())
        let fetchState = UnsafeMutablePointer<UInt64>.allocate(capacity: 2)
        fetchState.initialize(repeating: 0, count: 2)
        fetchState[0] = .max
        let c = profile.cycles
        core = TimingCore(
            l1i: CacheModel(profile.l1i), l1d: CacheModel(profile.l1d), l2: sharedL2,
            predictor: BranchPredictor(entries: profile.branchPredictorEntries),
            extraCycles: extraCycles, breakdown: breakdown, fetchState: fetchState,
            l1iShift: UInt64(profile.l1i.lineBytes.trailingZeroBitCount),
            l1dShift: UInt64(profile.l1d.lineBytes.trailingZeroBitCount),
            l2Shift: UInt64(profile.l2.lineBytes.trailingZeroBitCount),
            l2HitCycles: UInt64(profile.l2.hitCycles), memoryCycles: UInt64(profile.memoryCycles),
            takenExtra: UInt64(max(0, c.branchTaken - c.branchNotTaken)),
            mispredictPenalty: UInt64(c.branchMispredict))
    }

    deinit {
        core.l1i.deallocate()
        core.l1d.deallocate()
        core.predictor.deallocate()
        core.breakdown.deallocate()
        core.extraCycles.deallocate()
        core.fetchState.deallocate()
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

    var breakdown: UnsafeMutablePointer<CycleBreakdown> { core.breakdown }

    /// A data access outside the inner loop (slow paths).
    func data(host: UInt) { core.data(host: host) }

    /// A data access to a page whose memory type is non-cacheable (Svpbmt NC or IO):
    /// it goes to memory, past L1D and L2, and leaves the caches as they were.
    func uncachedData() { core.breakdown.pointee.dataAccess &+= core.memoryCycles }

    /// An instruction fetched from such a page: from memory, past L1I and L2.
    func uncachedFetch() { core.breakdown.pointee.instructionFetch &+= core.memoryCycles }

    /// A page-table entry read during a walk: its cost through L1D and L2.
    func pageTableRead(host: UInt) -> UInt64 {
        let line = UInt64(host) >> core.l1dShift
        return UInt64(profile.l1d.hitCycles) &+ (core.l1d.access(line: line) ? 0 : core.missCost(line: line, shift: core.l1dShift))
    }

    func trapEntry() { core.breakdown.pointee.traps &+= UInt64(profile.cycles.trapEntry) }
    func trapReturn() { core.breakdown.pointee.traps &+= UInt64(profile.cycles.trapReturn) }

    /// L1I hits: the model's, plus fetches from the line fetched just before.
    var l1iHits: UInt64 { core.l1i.hits &+ core.fetchState[1] }
    var l1iMisses: UInt64 { core.l1i.misses }
    var l1dHits: UInt64 { core.l1d.hits }
    var l1dMisses: UInt64 { core.l1d.misses }
    var branches: UInt64 { core.predictor.branches }
    var mispredictions: UInt64 { core.predictor.mispredictions }
}
