/// A hart's address translation: satp, the base/limit registers, PMP, the Sv39 page
/// walker and the host-side translation caches.
///
/// `translate` is the slow path. The interpreter's fast path never calls it: it looks
/// up the host TLBs, which `translate` fills when a page may be cached.
public final class MMU {
    unowned(unsafe) let bus: Bus

    public internal(set) var pmp = PMP()
    /// satp as software last wrote it (only supported modes are ever stored).
    public internal(set) var satp: UInt64 = 0
    public internal(set) var sbase: UInt64 = 0
    public internal(set) var sbound: UInt64 = 0
    /// menvcfg.PBMTE: leaf PTEs may carry a memory type in PBMT (bits 62:61, Svpbmt).
    public internal(set) var pbmtEnabled = false
    /// Whether the last translated access was to an NC or IO page (Svpbmt): such
    /// accesses bypass the modelled caches and are never cached on the host side.
    var lastTranslationBypassesCaches = false
    /// Of all translated accesses, those to NC or IO pages.
    public internal(set) var uncachedAccesses: UInt64 = 0
    /// When false (Svade behaviour), a walk that finds A clear, or D clear on a store,
    /// raises a page fault instead of setting the bit.
    public var updatesAccessedDirty = true

    /// Modelled cycles charged for each PTE read of a walk (timing model off).
    public var walkCyclesPerLevel: UInt64 = 20
    /// With the timing model on: the cost of a PTE read at a host address, through the caches.
    var pageTableReadCost: ((UInt) -> UInt64)?
    public internal(set) var statistics = TranslationStatistics()
    public let itlb: ModelTLB
    public let dtlb: ModelTLB
    /// The second-level TLB both L1 TLBs refill from (absent when configured with 0 entries).
    public let l2tlb: ModelTLB

    let fetchTLB = HostTLB()
    let loadTLB: HostTLB
    let storeTLB: HostTLB

    /// A RAM page whose stores must go through the slow path (HTIF `tohost`).
    var watchedPage: UInt64 = .max

    /// `--check-tlb`: the machine's stale-translation checker (nil: off). When set, the
    /// host TLBs are never filled. `checkHart`, `checkPC` and `checkInstret` describe the
    /// access being translated (the hart sets them before each translation).
    var checker: StaleTranslationChecker?
    /// `--attribute`: this hart's costs by mode, ASID and pc (nil: off).
    #if PAGODA_NO_ATTRIBUTION
    // A build without attribution (tools/attribution-bench.sh measures what having it
    // costs when off): always nil, so the compiler drops every use.
    public internal(set) var attribution: TranslationAttribution? {
        get { nil }
        set {}
    }
    #else
    public internal(set) var attribution: TranslationAttribution?
    #endif
    /// `--shootdowns`: the machine's shootdown accounting (nil: off), told of refill misses.
    var shootdowns: ShootdownAccounting?
    var checkHart = 0
    var checkPC: UInt64 = 0
    var checkInstret: UInt64 = 0

    /// An MMU whose load and store host TLBs live in `loadTable` and `storeTable`, which
    /// the caller owns (see `HostTLB.init(table:)`).
    init(bus: Bus, itlb: TLBConfiguration, dtlb: TLBConfiguration, l2tlb: TLBConfiguration,
         loadTable: UnsafeMutablePointer<HostTLBEntry>, storeTable: UnsafeMutablePointer<HostTLBEntry>) {
        loadTLB = HostTLB(table: loadTable)
        storeTLB = HostTLB(table: storeTable)
        self.bus = bus
        self.itlb = ModelTLB(itlb)
        self.dtlb = ModelTLB(dtlb)
        self.l2tlb = ModelTLB(l2tlb)
    }

    public var mode: TranslationMode { TranslationMode(rawValue: satp >> 60) ?? .bare }
    public var asid: UInt64 { (satp >> 44) & 0xFFFF }
    var rootTable: UInt64 { (satp & ((1 << 44) - 1)) << 12 }

    /// Writes satp, ignoring writes that select an unsupported mode (WARL).
    func writeSATP(_ value: UInt64) {
        guard TranslationMode(rawValue: value >> 60) != nil else { return }
        satp = value  // ASIDLEN = 16 and PPN = 44 bits: every other field is writable.
        flushHostTLBs()
    }

    func flushHostTLBs() {
        fetchTLB.flush()
        loadTLB.flush()
        storeTLB.flush()
    }

    /// The outcome of translating one access.
    struct Result {
        var physical: UInt64 = 0
        var fault: Exception? = nil
        /// The host address of the 4 KiB page holding `physical`, when the page may be
        /// entered into the host TLB for this kind of access.
        var hostPage: UnsafeMutableRawPointer? = nil
        /// For a fault: how far past `va` the faulting portion of the access starts (the
        /// part of an access that crosses the base/limit bound), for stval.
        var faultOffset: UInt64 = 0
    }

    /// Translates `va` for an access in `mode` ("effective" privilege: MPRV already applied).
    func translate(_ va: UInt64, length: UInt64 = 1, access: AccessType, mode: PrivilegeMode, sum: Bool, mxr: Bool) -> Result {
        var result = Result()
        var cacheable = true
        lastTranslationBypassesCaches = false
        if let a = attribution { a.current = .init(mode: mode.rawValue, asid: UInt16(truncatingIfNeeded: asid), pc: checkPC) }
        let scheme: TranslationMode = mode == .machine ? .bare : self.mode
        switch scheme {
        case .bare:
            result.physical = va
        case .baseLimit:
            // Every byte of the access must be below the bound.
            guard va < sbound, length <= sbound &- va else {
                statistics.baseLimitFaults &+= 1
                result.faultOffset = va < sbound ? sbound &- va : 0
                return pageFault(access, &result)
            }
            result.physical = sbase &+ va
            // The page is uniform only if all of it is inside the bound and the base keeps pages aligned.
            cacheable = sbase & 0xFFF == 0 && (va | 0xFFF) < sbound
        case .sv39:
            switch translateSv39(va, access: access, mode: mode, sum: sum, mxr: mxr) {
            case .success(let pa):
                result.physical = pa
                // The host caches may only hold what the modelled L1 TLB holds.
                cacheable = (access == .fetch ? itlb : dtlb).isPresent
                if leafMemoryType != 0 {
                    // NC or IO: every access takes the slow path, past the modelled caches.
                    cacheable = false
                    lastTranslationBypassesCaches = true
                    uncachedAccesses &+= 1
                }
            case .failure(let fault):
                if fault == access.pageFault { return pageFault(access, &result) }
                result.fault = fault
                return result
            }
        }
        let pa = result.physical
        guard pmp.allows(pa, length: length, access: access, mode: mode) else {
            result.fault = access.accessFault
            return result
        }
        if cacheable, checker == nil, let region = bus.memory(containing: pa & ~0xFFF, length: 4096),
           access != .store || region.writable,
           access != .store || (pa & ~0xFFF != watchedPage && !bus.reservedPages.contains(pa & ~0xFFF)),
           pmp.allowsWholePage(pa & ~0xFFF, access: access, mode: mode) {
            result.hostPage = region.hostAddress(pa & ~0xFFF)
        }
        return result
    }

    private func pageFault(_ access: AccessType, _ result: inout Result) -> Result {
        let cause = access.pageFault
        statistics.pageFaults[cause.rawValue, default: 0] &+= 1
        attribution?.add { $0.pageFaults &+= 1 }
        result.fault = cause
        return result
    }

    /// Whether accesses of this kind in `mode` go through the modelled TLBs.
    func usesTLB(mode: PrivilegeMode) -> Bool { mode != .machine && self.mode == .sv39 }

    // MARK: Modelled TLBs

    /// Sv39 through the modelled TLBs: the L1 TLB for the access, then the shared L2,
    /// then a page walk. A store to a page whose cached PTE has D clear walks again, as
    /// the hardware must re-read the PTE before setting D.
    private func translateSv39(_ va: UInt64, access: AccessType, mode: PrivilegeMode, sum: Bool, mxr: Bool) -> Swift.Result<UInt64, Exception> {
        let upper = Int64(bitPattern: va) >> 38
        guard upper == 0 || upper == -1 else { return .failure(access.pageFault) }
        let l1 = access == .fetch ? itlb : dtlb
        var leaf: Leaf?
        var fromWalk = false
        let l1Entry = l1.lookup(va, asid: asid)
        if let a = attribution {
            a.lookup(fetch: access == .fetch, hit: l1Entry != nil)
            if l1Entry == nil {
                if access == .fetch { a.add { $0.itlbMisses &+= 1 } } else { a.add { $0.dtlbMisses &+= 1 } }
            }
        }
        // The shootdown whose removal of an entry this miss refills (--shootdowns).
        var refill: Int?
        if l1Entry == nil, let s = shootdowns, s.tracksRefills(hart: checkHart) {
            refill = s.miss(hart: checkHart, tlb: access == .fetch ? .itlb : .dtlb, va: va, asid: asid, instret: checkInstret)
        }
        if let e = l1Entry {
            leaf = Leaf(pte: e.pte, level: e.level, pteAddress: e.pteAddress)
            if checker != nil { checkHit(va, cached: leaf!, access: access) }
        } else if l2tlb.isPresent {
            if let e = l2tlb.lookup(va, asid: asid) {
                leaf = Leaf(pte: e.pte, level: e.level, pteAddress: e.pteAddress)
                if checker != nil { checkHit(va, cached: leaf!, access: access) }
                insert(into: l1, va: va, leaf: leaf!)
            } else if let s = shootdowns, s.tracksRefills(hart: checkHart),
                      let r = s.miss(hart: checkHart, tlb: .l2tlb, va: va, asid: asid, instret: checkInstret) {
                refill = refill ?? r
            }
        }
        if let cached = leaf, access == .store, cached.pte & PTE.d == 0, cached.pte & PTE.w != 0 {
            leaf = nil  // walk again to set D
        }
        if leaf == nil {
            let cyclesBefore = statistics.walkCycles
            let outcome = walk(va, access: access)
            if let r = refill { shootdowns?.refillWalk(r, cycles: statistics.walkCycles &- cyclesBefore) }
            switch outcome {
            case .success(let found): leaf = found; fromWalk = true
            case .failure(let fault): return .failure(fault)
            }
        }
        guard var found = leaf else { return .failure(access.pageFault) }
        if let fault = checkLeaf(found.pte, level: found.level, access: access, mode: mode, sum: sum, mxr: mxr) {
            return .failure(fault)
        }
        // Accessed and dirty bits.
        var wanted = PTE.a
        if access == .store { wanted |= PTE.d }
        if found.pte & wanted != wanted {
            guard updatesAccessedDirty else { return .failure(access.pageFault) }
            guard pmp.allows(found.pteAddress, length: 8, access: .store, mode: .supervisor),
                  let memory = bus.memory(containing: found.pteAddress, length: 8), memory.writable
            else { return .failure(access.accessFault) }
            found.pte |= wanted
            memory.store(found.pteAddress, size: 8, value: found.pte)
            bus.codePages.noteWrite(found.pteAddress, length: 8)
            fromWalk = true
        }
        if fromWalk {
            if l2tlb.isPresent { l2tlb.insert(va: va, level: found.level, asid: asid, pte: found.pte, pteAddress: found.pteAddress) }
            insert(into: l1, va: va, leaf: found)
        }
        let offsetMask = (UInt64(1) << (12 + 9 * UInt64(found.level))) - 1
        leafMemoryType = pbmtEnabled ? (found.pte >> 61) & 3 : 0
        return .success(((PTE.ppn(found.pte) << 12) & ~offsetMask) | (va & offsetMask))
    }

    /// PBMT of the leaf the last successful Sv39 translation used (0 = PMA).
    private var leafMemoryType: UInt64 = 0

    private func insert(into tlb: ModelTLB, va: UInt64, leaf: Leaf) {
        guard let evicted = tlb.insert(va: va, level: leaf.level, asid: asid, pte: leaf.pte, pteAddress: leaf.pteAddress) else { return }
        // Keep the host caches within what the L1 TLBs hold.
        if tlb === itlb {
            fetchTLB.flush(range: evicted.virtualBase, size: evicted.size)
        } else if tlb === dtlb {
            loadTLB.flush(range: evicted.virtualBase, size: evicted.size)
            storeTLB.flush(range: evicted.virtualBase, size: evicted.size)
        }
    }

    /// sfence.vma with rs1 (nil for x0) and rs2 (nil for x0); `removed` is told each
    /// modelled TLB entry the fence drops.
    func fence(va: UInt64?, asid: UInt64?, removed: ((ShootdownAccounting.TLB, ModelTLB.Entry) -> Void)? = nil) {
        switch (va, asid) {
        case (nil, nil): statistics.sfenceAll &+= 1
        case (nil, _): statistics.sfenceASID &+= 1
        case (_, nil): statistics.sfenceAddress &+= 1
        default: statistics.sfenceAddressASID &+= 1
        }
        let asid16 = asid.map { $0 & 0xFFFF }
        if let removed {
            itlb.flush(va: va, asid: asid16) { removed(.itlb, $0) }
            dtlb.flush(va: va, asid: asid16) { removed(.dtlb, $0) }
            l2tlb.flush(va: va, asid: asid16) { removed(.l2tlb, $0) }
        } else {
            itlb.flush(va: va, asid: asid16)
            dtlb.flush(va: va, asid: asid16)
            l2tlb.flush(va: va, asid: asid16)
        }
        flushHostTLBs()
    }

    // MARK: Sv39

    /// The PTE bits (privileged spec, "Sv32", Figure "Sv32 page table entry", same for Sv39).
    enum PTE {
        static let v: UInt64 = 1 << 0, r: UInt64 = 1 << 1, w: UInt64 = 1 << 2, x: UInt64 = 1 << 3
        static let u: UInt64 = 1 << 4, g: UInt64 = 1 << 5, a: UInt64 = 1 << 6, d: UInt64 = 1 << 7
        /// Bits 63:54: N, PBMT and reserved bits. Pagoda does not implement Svnapot, so
        /// N set is a reserved encoding and faults; PBMT is reserved too unless
        /// menvcfg.PBMTE is set (Svpbmt).
        static let reserved: UInt64 = 0x3FF << 54
        /// PBMT (Svpbmt): 0 PMA, 1 NC (non-cacheable, idempotent), 2 IO, 3 reserved.
        static let pbmt: UInt64 = 3 << 61
        static func ppn(_ pte: UInt64) -> UInt64 { (pte >> 10) & ((1 << 44) - 1) }
    }

    /// One step of a walk, for the debugger and statistics.
    public struct WalkStep: Sendable {
        public let level: Int
        public let pteAddress: UInt64
        public let pte: UInt64
    }

    /// A leaf PTE found by a walk or held by a TLB.
    struct Leaf {
        var pte: UInt64
        var level: Int
        var pteAddress: UInt64
    }

    /// What a PTE read during a walk is (privileged spec, "Virtual Address Translation
    /// Process", steps 3 and 4, with Svpbmt): every walker (the hart's, the debugger's
    /// view, the stale-translation check) classifies PTEs through this one function.
    enum PTEKind { case invalid, leaf, pointer }

    func kind(of pte: UInt64) -> PTEKind {
        let reserved = pbmtEnabled ? PTE.reserved & ~PTE.pbmt : PTE.reserved
        if pte & PTE.v == 0 || (pte & PTE.r == 0 && pte & PTE.w != 0) || pte & reserved != 0 { return .invalid }
        // Svpbmt: PBMT = 3 is reserved for future standard use.
        if pte & (PTE.r | PTE.x) != 0 { return pte & PTE.pbmt == PTE.pbmt ? .invalid : .leaf }
        // "For non-leaf PTEs, the D, A, and U bits are reserved for future standard use";
        // Svpbmt: so are bits 62:61 of a non-leaf PTE.
        return pte & (PTE.d | PTE.a | PTE.u | PTE.pbmt) != 0 ? .invalid : .pointer
    }

    /// Walks the Sv39 page table for `va` (privileged spec, "Virtual Address Translation
    /// Process", steps 1 to 4): returns the leaf PTE, a page fault for an invalid or
    /// reserved entry or a missing leaf, or the access fault of the original access when
    /// a PTE read is denied by PMP or hits no memory. Counts the walk, its PTE reads and
    /// its modelled cycles. `steps` receives each level's PTE, for the debugger.
    func walk(_ va: UInt64, access: AccessType, steps: ((WalkStep) -> Void)? = nil) -> Swift.Result<Leaf, Exception> {
        statistics.pageWalks &+= 1
        attribution?.add { $0.walks &+= 1 }
        var table = rootTable
        var level = 2
        while true {
            let vpn = (va >> (12 + 9 * UInt64(level))) & 0x1FF
            let pteAddress = table &+ vpn &* 8
            guard pmp.allows(pteAddress, length: 8, access: .load, mode: .supervisor),
                  let memory = bus.memory(containing: pteAddress, length: 8)
            else { return .failure(access.accessFault) }
            let pte = memory.load(pteAddress, size: 8)
            statistics.pteReads &+= 1
            if access != .fetch { statistics.dataPTEReads &+= 1 }
            checker?.noteTableRead(pteAddress)
            let cycles = pageTableReadCost.map { $0(UInt(bitPattern: memory.hostAddress(pteAddress))) } ?? walkCyclesPerLevel
            statistics.walkCycles &+= cycles
            attribution?.add { $0.pteReads &+= 1; $0.walkCycles &+= cycles }
            steps?(WalkStep(level: level, pteAddress: pteAddress, pte: pte))
            switch kind(of: pte) {
            case .invalid: return .failure(access.pageFault)
            case .leaf: return .success(Leaf(pte: pte, level: level, pteAddress: pteAddress))
            case .pointer: break
            }
            level -= 1
            guard level >= 0 else { return .failure(access.pageFault) }
            table = PTE.ppn(pte) << 12
        }
    }

    /// Steps 5 and 6: the leaf's permissions for this access, and superpage alignment.
    func checkLeaf(_ pte: UInt64, level: Int, access: AccessType, mode: PrivilegeMode, sum: Bool, mxr: Bool) -> Exception? {
        if mode == .user {
            if pte & PTE.u == 0 { return access.pageFault }
        } else if pte & PTE.u != 0 {
            if access == .fetch || !sum { return access.pageFault }
        }
        let permitted: Bool
        switch access {
        case .fetch: permitted = pte & PTE.x != 0
        case .load: permitted = pte & PTE.r != 0 || (mxr && pte & PTE.x != 0)
        case .store: permitted = pte & PTE.w != 0
        }
        if !permitted { return access.pageFault }
        if level > 0 && PTE.ppn(pte) & ((1 << (9 * UInt64(level))) - 1) != 0 { return access.pageFault }
        return nil
    }
}
