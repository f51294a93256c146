import PagodaISA
import PagodaDevices

/// One RISC-V hart: its registers, CSRs, privilege mode and translation state.
///
/// The inner loop is in `Hart+Execute.swift`; CSRs in `Hart+CSR.swift`; traps and
/// interrupts in `Hart+Trap.swift`; the slow paths of memory access in `Hart+Memory.swift`.
public final class Hart {
    public let id: Int
    unowned(unsafe) let machine: Machine
    let bus: Bus
    public let mmu: MMU

    /// x0...x31, plus slot 32, where writes to x0 go (decoding redirects rd = 0 there),
    /// so x0 always reads zero without a check on every write.
    let registers: UnsafeMutablePointer<UInt64>
    /// The decoded-instruction cache, indexed by (pc >> 1) and validated by the raw bits.
    let decodeCache: UnsafeMutablePointer<DecodedInstruction>
    /// Pre-decoded blocks (see `BlockCache`); the decode cache serves only instructions
    /// fetched outside them (uncached pages, an instruction in a page's last halfword).
    let blocks = BlockCache()
    static let decodeCacheEntries = 1 << 14

    public internal(set) var pc: UInt64 = 0
    public internal(set) var privilege: PrivilegeMode = .machine

    // MARK: CSRs

    var mstatus: UInt64 = MStatus.xlenFields
    var medeleg: UInt64 = 0
    var mideleg: UInt64 = 0
    var mie: UInt64 = 0
    /// The bits of mip that software writes (SSIP, STIP, SEIP); the others come from devices.
    var mipSoftware: UInt64 = 0
    var mtvec: UInt64 = 0
    var stvec: UInt64 = 0
    var mepc: UInt64 = 0
    var sepc: UInt64 = 0
    var mcause: UInt64 = 0
    var scause: UInt64 = 0
    var mtval: UInt64 = 0
    var stval: UInt64 = 0
    var mscratch: UInt64 = 0
    var sscratch: UInt64 = 0
    var mcounteren: UInt64 = 0
    var scounteren: UInt64 = 0
    var menvcfg: UInt64 = 0 { didSet { mmu.pbmtEnabled = menvcfg & EnvConfig.pbmte != 0 } }
    var senvcfg: UInt64 = 0
    var stimecmp: UInt64 = .max
    var mcountinhibit: UInt64 = 0

    // MARK: Counters

    /// Instructions retired before the current batch (see `inFlight`).
    var retiredBase: UInt64 = 0
    /// Cycles before the current batch.
    var cyclesBase: UInt64 = 0
    /// Instructions the current batch has retired so far; kept up to date whenever the
    /// batch calls a slow path, so CSR reads and device accesses see exact counts.
    var inFlight: UInt64 = 0

    public var instructionsRetired: UInt64 { retiredBase &+ inFlight }
    /// Modelled cycles: one per instruction, plus the cycles of page walks, plus (with the
    /// timing model on) everything the timing model charges beyond one per instruction.
    public var cycles: UInt64 { cyclesBase &+ inFlight &+ mmu.statistics.walkCycles &+ timedCycles }

    /// The timing model's cycles beyond one per instruction (0 with timing off).
    var timedCycles: UInt64 {
        timingEnabled ? timing.breakdown.total &+ loopCounters.pointee.executionCharged &+ loopCounters.pointee.executionInFlight : 0
    }

    /// The timing model (always built; only consulted when `timingEnabled`).
    public let timing: TimingModel
    public let timingEnabled: Bool
    /// Runs the timing model's loop for any geometry even when the profile's is the
    /// standard one (for tests that compare the two loops).
    var genericTiming = false

    /// Counters the inner loop bumps through a pointer (no exclusivity checks, no ARC).
    struct LoopCounters {
        /// Loads, stores and atomics that hit the host TLB.
        var fastDataAccesses: UInt64 = 0
        /// Instruction fetches that had to translate (the rest hit the cached code page).
        var slowFetches: UInt64 = 0
        /// Exceptions taken (each ends an instruction that was fetched but did not retire).
        var exceptions: UInt64 = 0
        /// With timing on, inside a block's run: the execution cycles of its entries run
        /// so far, which the block charges when it ends (see `Hart.settle`).
        var executionInFlight: UInt64 = 0
        /// With timing on: the execution cycles the batch's blocks have charged, which
        /// go into the timing model's breakdown when the batch ends.
        var executionCharged: UInt64 = 0
        /// With timing on: conditional branches run, taken and not, and those the
        /// predictor got wrong. (Taken ones are counted apart because each costs the
        /// same extra cycles, which the timing model's breakdown adds from the count.)
        var takenBranches: UInt64 = 0
        var notTakenBranches: UInt64 = 0
        var mispredictions: UInt64 = 0
        var conditionalBranches: UInt64 { takenBranches &+ notTakenBranches }
        /// The hart's timing core (a copy the timing model owns), for what the caches'
        /// out-of-line paths need of it.
        var timingCore: UnsafeMutablePointer<TimingCore>? = nil
    }
    let loopCounters: UnsafeMutablePointer<LoopCounters>

    /// The memory the inner loop works in: one allocation holding the register file,
    /// the loop counters, the load and store host TLBs, the branch predictor's counters
    /// and the L1 caches (their lines and counts, as many as the profile has; see
    /// `loopMemoryLayout`), so that the loop reaches all of it at fixed offsets from the
    /// register file's address, one host register.
    let loopMemory: UnsafeMutableRawPointer
    static let loopCountersOffset = 320
    static let loadTLBOffset = 512
    static let storeTLBOffset = loadTLBOffset + HostTLB.entries * MemoryLayout<HostTLBEntry>.stride
    static let predictorOffset = storeTLBOffset + HostTLB.entries * MemoryLayout<HostTLBEntry>.stride

    /// Where the L1 caches' memory goes, after the predictor's counters (the L1D's
    /// first, at a multiple of 64 bytes), and the size of the whole loop memory.
    static func loopMemoryLayout(_ p: MachineProfile) -> (l1d: Int, l1i: Int, size: Int) {
        let l1d = predictorOffset + (p.branchPredictorEntries + 63) & ~63
        let l1i = l1d + CacheModel.Layout.size(p.l1d)
        return (l1d, l1i, l1i + CacheModel.Layout.size(p.l1i))
    }
    /// Whether a batch is running (then the current instruction has been fetched).
    var inBatch = false

    /// The translation "segment": since the last change of privilege, satp or mstatus,
    /// whether fetches and data accesses go through the modelled TLBs, and the counts
    /// at its start. Fast-path hits are attributed to the modelled L1 TLBs segment by segment.
    private(set) var segmentFetchTranslated = false
    private(set) var segmentDataTranslated = false
    private var segmentFetchMark: UInt64 = 0
    private var segmentDataMark: UInt64 = 0
    private var segmentRetiredMark: UInt64 = 0
    /// Instructions retired in each privilege mode (indexed by the mode's encoding), up
    /// to the start of the current segment.
    public private(set) var retiredByMode: [UInt64] = [0, 0, 0, 0]
    /// What a write to `mhpmcounterN` subtracted from its event count (index N).
    var performanceCounterOffsets = [UInt64](repeating: 0, count: 32)
    /// Traps taken, by mcause/scause value (interrupts have the top bit set).
    public internal(set) var trapsByCause: [UInt64: UInt64] = [:]

    // MARK: Execution state

    /// The LR reservation: a physical address, or `.max` for none.
    var reservation: UInt64 = .max
    /// False while the hart is held in reset, waiting to be released.
    public internal(set) var isRunning = true
    /// Set by WFI; cleared when an interrupt becomes pending.
    public internal(set) var waitingForInterrupt = false
    /// A pending exception recorded by a slow path.
    var pendingCause: Exception = .illegalInstruction
    var pendingValue: UInt64 = 0
    /// Set by a slow path when the batch must end so the machine can look at
    /// interrupts or devices again.
    var batchMustEnd = false
    /// The pc of the instruction whose translation is under way, for the checker's
    /// reports (`--check-tlb`) and for `--attribute`: set by the fetch slow path, and in
    /// a block by each load, store and atomic before it calls its slow path.
    var checkedPC: UInt64 = 0

    init(id: Int, machine: Machine, bus: Bus, sharedL2: CacheModel) {
        self.id = id
        let c = machine.configuration
        // The registers end before the counters, the counters before the TLBs.
        precondition(33 * MemoryLayout<UInt64>.stride <= Hart.loopCountersOffset
                     && Hart.loopCountersOffset + MemoryLayout<LoopCounters>.stride <= Hart.loadTLBOffset)
        let layout = Hart.loopMemoryLayout(c.profile)
        loopMemory = .allocate(byteCount: layout.size, alignment: 64)
        loopCounters = (loopMemory + Hart.loopCountersOffset).bindMemory(to: LoopCounters.self, capacity: 1)
        loopCounters.initialize(to: LoopCounters())
        timing = TimingModel(profile: c.profile, sharedL2: sharedL2, counters: loopCounters,
                             predictorTable: (loopMemory + Hart.predictorOffset).bindMemory(to: UInt8.self, capacity: c.profile.branchPredictorEntries),
                             l1iMemory: loopMemory + layout.l1i, l1dMemory: loopMemory + layout.l1d)
        timingEnabled = c.timing
        self.machine = machine
        self.bus = bus
        mmu = MMU(bus: bus, itlb: c.itlb, dtlb: c.dtlb, l2tlb: c.l2tlb,
                  loadTable: (loopMemory + Hart.loadTLBOffset).bindMemory(to: HostTLBEntry.self, capacity: HostTLB.entries),
                  storeTable: (loopMemory + Hart.storeTLBOffset).bindMemory(to: HostTLBEntry.self, capacity: HostTLB.entries))
        mmu.walkCyclesPerLevel = c.walkCyclesPerLevel
        mmu.checkHart = id
        if c.attributeTranslation { mmu.attribution = TranslationAttribution() }
        if timingEnabled {
            // PTE reads cost a load through the data caches.
            let t = timing, load = UInt64(c.profile.cycles.load)
            mmu.pageTableReadCost = { host in load &+ t.pageTableRead(host: host) }
        }
        registers = loopMemory.bindMemory(to: UInt64.self, capacity: 33)
        registers.initialize(repeating: 0, count: 33)
        decodeCache = .allocate(capacity: Hart.decodeCacheEntries)
        decodeCache.initialize(repeating: Hart.cacheEntry(for: 0), count: Hart.decodeCacheEntries)
    }

    deinit {
        decodeCache.deallocate()
        loopMemory.deallocate()
    }

    /// Puts the hart in its reset state: M-mode at `pc`, registers zero.
    func reset(pc: UInt64) {
        for i in 0..<33 { registers[i] = 0 }
        self.pc = pc
        privilege = .machine
        mstatus = MStatus.xlenFields
        medeleg = 0; mideleg = 0; mie = 0; mipSoftware = 0
        mtvec = 0; stvec = 0; mepc = 0; sepc = 0; mcause = 0; scause = 0; mtval = 0; stval = 0
        mscratch = 0; sscratch = 0; mcounteren = 0; scounteren = 0; menvcfg = 0; senvcfg = 0
        stimecmp = .max; mcountinhibit = 0
        for n in performanceCounterOffsets.indices { performanceCounterOffsets[n] = 0 }
        mmu.pmp = PMP()
        mmu.writeSATP(0)
        openTranslationSegment()
        reservation = .max
        waitingForInterrupt = false
        invalidateDecodeCache()
    }

    /// Reads integer register `i` (0...31).
    public func register(_ i: Int) -> UInt64 { i == 0 ? 0 : registers[i & 31] }

    /// Writes integer register `i` (0...31); writes to x0 are ignored.
    public func setRegister(_ i: Int, _ value: UInt64) {
        if i != 0 { registers[i & 31] = value }
    }

    public func setPC(_ value: UInt64) { pc = value }

    /// mstatus, as a debugger shows it.
    public var status: UInt64 { mstatus | MStatus.xlenFields }

    /// The decode-cache entry for raw instruction bits: the decoded instruction with
    /// rd = 0 redirected to the sink register (and rs1 = 0 for jal).
    static func cacheEntry(for raw: UInt32) -> DecodedInstruction {
        var d = Decoder.decode(raw)
        if d.rd == 0 { d.rd = 32 }
        if d.op == .jal { d.rs1 = 0 }  // unused by jal; blocks mark the jumps they follow with 1
        return d
    }

    func invalidateDecodeCache() {
        decodeCache.update(repeating: Hart.cacheEntry(for: 0), count: Hart.decodeCacheEntries)
        blocks.clear()
    }

    /// Changes privilege mode; translations depend on it, so the host TLBs are flushed.
    func setPrivilege(_ mode: PrivilegeMode) {
        if mode != privilege {
            closeTranslationSegment()
            privilege = mode
            mmu.flushHostTLBs()
            openTranslationSegment()
        }
    }

    /// Instruction fetches that hit the cached code page so far.
    private var fastFetches: UInt64 {
        let fetched = retiredBase &+ inFlight &+ (inBatch ? 1 : 0) &+ loopCounters.pointee.exceptions
        return fetched &- loopCounters.pointee.slowFetches
    }

    /// Attributes the fast-path hits since the segment began to the L1 TLBs, if the
    /// segment translated. Call before anything that changes translation.
    func closeTranslationSegment() {
        let fetches = fastFetches, data = loopCounters.pointee.fastDataAccesses
        if segmentFetchTranslated { mmu.statistics.fastFetchHits &+= fetches &- segmentFetchMark }
        if segmentDataTranslated { mmu.statistics.fastDataHits &+= data &- segmentDataMark }
        mmu.attribution?.segmentHits(fetchMode: segmentFetchTranslated ? privilege.rawValue : nil, fetches: fetches &- segmentFetchMark,
                                     dataMode: segmentDataTranslated ? dataAccessMode.rawValue : nil, data: data &- segmentDataMark,
                                     asid: UInt16(truncatingIfNeeded: mmu.asid))
        segmentFetchMark = fetches
        segmentDataMark = data
        let retired = instructionsRetired
        retiredByMode[Int(privilege.rawValue)] &+= retired &- segmentRetiredMark
        segmentRetiredMark = retired
    }

    /// Starts a segment under the current translation settings. Call after changing them.
    func openTranslationSegment() {
        segmentFetchTranslated = mmu.usesTLB(mode: privilege)
        segmentDataTranslated = mmu.usesTLB(mode: dataAccessMode)
    }
}
