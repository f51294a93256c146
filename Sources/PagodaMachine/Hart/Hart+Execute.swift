import PagodaISA

/// The interpreter's inner loop.
///
/// Code runs in pre-decoded blocks (`BlockCache`): the loop finds the block for `pc`
/// (the code page is a cached host pointer, the block table a direct-mapped slot checked
/// against pc and the host address), limits it to the instructions left in the budget,
/// and runs its entries one after another with a `switch` over the dense opcode, without
/// fetching or decoding. Only a block's end (a control transfer, a system instruction,
/// the page end) or a slow path that must leave goes back to the lookup, so the budget
/// is checked once per block. A taken branch to its own page, or a block's end where
/// the code goes on on the same page, once linked to the block there, goes straight on
/// to it while the budget holds a whole block. A jump to another page that the fetch
/// host TLB holds switches the cached code page without the fetch slow path. With the
/// timing model on, each instruction-cache line a block's run goes through is fetched
/// once through the cache model, from line-fetch entries that hold the line: the
/// block's first entry, read as the block is entered (but not by a taken branch to a
/// line its run has just fetched), and one run where the code goes on on another line.
/// Its instructions' cycles are charged when its run ends (slow paths inside it settle
/// them first, see `settle`). Loads and stores look up the host TLB at a fixed offset
/// from the register file: a hit is one compare and one add. Everything else
/// (translation, MMIO, traps, CSRs, instructions on uncached pages or straddling a page
/// end) is a call to a slow path. Nothing in the loop retains, allocates or calls
/// through an existential or a closure.
extension Hart {
    @inline(__always) static func sext32(_ v: UInt64) -> UInt64 {
        UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: v)))
    }

    /// The host address for an access of (alignMask + 1) bytes at `va`, on a hit in the
    /// host TLB at `tlbOffset` in the loop memory that starts with the register file `x`
    /// (one addressing mode from the register the loop keeps `x` in).
    @inline(__always)
    static func hostAddress(_ x: UnsafeMutablePointer<UInt64>, _ tlbOffset: Int, _ va: UInt64, _ alignMask: UInt64) -> UnsafeMutableRawPointer? {
        let e = (UnsafeMutableRawPointer(x) + (tlbOffset &+ HostTLB.index(va) &* MemoryLayout<HostTLBEntry>.stride))
            .assumingMemoryBound(to: HostTLBEntry.self)
        return e.pointee.tag == va & (~0xFFF | alignMask) ? e.pointee.page + Int(va & 0xFFF) : nil
    }

    /// Runs up to `budget` instructions (retired or raising an exception). Returns early
    /// when the machine needs to look at the hart (interrupt state may have changed, WFI,
    /// a device write). Returns the number of instructions attempted; the retired ones
    /// are counted in `instructionsRetired`.
    @discardableResult
    public func run(budget: Int) -> Int {
        if !timingEnabled { return run(budget: budget, TimingOff.self) }
        return timing.standardGeometry && !genericTiming ? run(budget: budget, TimingOnStandard.self) : run(budget: budget, TimingOn.self)
    }

    /// The loop itself, specialised for timing off, on, and on with the standard
    /// geometry: with `TimingOff` every `if T.enabled` block folds away.
    private func run<T: TimingSwitch>(budget: Int, _: T.Type) -> Int {
        let x = registers
        let tm = timing.core
        let cache = decodeCache
        let cacheMask = UInt64(Hart.decodeCacheEntries - 1)
        checkBlockEpoch()
        let table = blocks.table
        let arena = blocks.entries
        let single = blocks.single
        let fetchTable = mmu.fetchTLB.table
        var pc = self.pc
        var fetchTag = HostTLB.invalidTag
        var fetchPage = UnsafeRawPointer(mmu.fetchTLB.table[0].page)
        // The host address of the cached code page, or 0 while none is cached.
        var fetchHost: UInt = 0
        let counters = (UnsafeMutableRawPointer(x) + Hart.loopCountersOffset).assumingMemoryBound(to: LoopCounters.self)
        batchMustEnd = false
        inBatch = true
        defer { inBatch = false }

        // `left` counts down the instructions the batch may still attempt (retired, or
        // ended in an exception: a stream of exceptions, a trap handler that itself
        // traps, still ends the batch); `excepted` counts those that ended in an
        // exception, so `budget - left - excepted` were retired. With timing off, `n`
        // counts those retired as well (see `retired`).
        var left = budget
        var excepted = 0
        var n = 0
        // A taken branch or a block's end whose next block is on its page but not linked yet.
        var linkFrom: UnsafeMutablePointer<BlockEntry>? = nil
        execution: while left > 0 {
            // Find the block at pc: on the cached code page (pc - fetchTag is the offset
            // into it, and an instruction at 0xFFE may continue on the next page, so it
            // needs the slow path), in the slot for pc when its host address matches.
            let offset = pc &- fetchTag
            let host = fetchHost &+ UInt(truncatingIfNeeded: offset)
            let slot = table + Int(truncatingIfNeeded: (pc >> 1) & BlockCache.slotMask)
            var ep: UnsafeMutablePointer<BlockEntry>
            var count: Int
            var found = offset <= 0xFFC && slot.pointee.host == host
            if let from = linkFrom {
                // The taken branch or block end that led here may now go straight to this block.
                if found { from.pointee.link(to: slot.pointee.entries - arena) }
                linkFrom = nil
            }
            if !found && offset <= 0xFFC { found = buildBlock(slot, pc: pc, host: host, cached: fetchTag != HostTLB.invalidTag) }
            if _fastPath(found) {
                ep = slot.pointee.entries
                count = slot.pointee.count
                if T.enabled { ep = enter(ep, fetch: true, tm, counters, T.self) }
            } else {
                // Another page that the fetch host TLB holds: cache it and look again.
                let vpage = pc & ~0xFFF
                let known = fetchTable + HostTLB.index(pc)
                if known.pointee.tag == vpage && vpage != fetchTag && pc & 0xFFF <= 0xFFC {
                    fetchTag = vpage
                    fetchPage = UnsafeRawPointer(known.pointee.page)
                    fetchHost = UInt(bitPattern: fetchPage)
                    continue execution
                }
                inFlight = UInt64(truncatingIfNeeded: Hart.retired(T.self, n, budget, left, excepted))
                if T.enabled { counters.pointee.executionInFlight = 0 }
                guard let raw = fetchSlow(pc, tag: &fetchTag, page: &fetchPage) else {
                    left &-= 1
                    excepted &+= 1
                    inBatch = false
                    raisePending(pc: pc)
                    inBatch = true
                    pc = self.pc
                    fetchTag = HostTLB.invalidTag
                    fetchHost = 0
                    continue execution
                }
                let page = pc & ~0xFFF
                fetchHost = page == fetchTag ? UInt(bitPattern: fetchPage) : 0
                // The page is cached now: find or build the block.
                if page == fetchTag && pc & 0xFFF <= 0xFFC { continue execution }
                // Run it on its own, through the decode cache.
                let host = page == fetchTag ? fetchHost &+ UInt(truncatingIfNeeded: pc & 0xFFF) : 0
                let slot = cache + Int((pc >> 1) & cacheMask)
                if _slowPath(slot.pointee.raw != raw) { slot.pointee = Hart.cacheEntry(for: raw) }
                single.pointee = BlockEntry(slot.pointee, offset: 0, pageOffset: Int(pc & 0xFFF), predictorMask: tm.predictor.mask)
                (single + 1).pointee = BlockEntry.exit(offset: single.pointee.next, cyclesBefore: tm.extraCycles[Int(slot.pointee.op.rawValue)])
                // Fetched past the caches from an uncached page (`fetchSlow` charged
                // that): then the fetches the batch counts as it ends must not include it.
                if T.enabled && host == 0 { tm.fetches.pointee &-= 1 }
                // On a cached page (an instruction at its end), through the cache.
                if T.enabled && host != 0 { tm.fetch(host: host, counters, T.self) }
                count = 1
                ep = single
            }
            // The budget ends inside the block: cut it short there for this batch.
            if _slowPath(count > left) { blocks.cut(ep, instructions: left, lineFetches: T.enabled ? slot.pointee.lineFetches : 0) }

            // Run it: `e` is the entry executing. Every block ends with an entry that
            // leaves it (a jump, a system instruction, or the exit entry after the last
            // instruction), so the loop needs no count of its own.
            // With timing on, the block's first line was fetched through the cache as
            // the block was entered (its other instructions on the line hit the line
            // just fetched, which changes nothing), and a line-fetch entry fetches each
            // line after it.
            var e = ep
            var endBatch = false
            exception: do { again: while true {
                taken: do { block: while true {

                    switch e.pointee.op {
                    // MARK: Integer register-immediate
                    case .addi: x[e.rd] = x[e.rs1] &+ e.imm
                    case .slti: x[e.rd] = Int64(bitPattern: x[e.rs1]) < Int64(bitPattern: e.imm) ? 1 : 0
                    case .sltiu: x[e.rd] = x[e.rs1] < e.imm ? 1 : 0
                    case .xori: x[e.rd] = x[e.rs1] ^ e.imm
                    case .ori: x[e.rd] = x[e.rs1] | e.imm
                    case .andi: x[e.rd] = x[e.rs1] & e.imm
                    case .slli: x[e.rd] = x[e.rs1] &<< e.imm
                    case .srli: x[e.rd] = x[e.rs1] &>> e.imm
                    case .srai: x[e.rd] = UInt64(bitPattern: Int64(bitPattern: x[e.rs1]) &>> Int64(bitPattern: e.imm))
                    case .lui: x[e.rd] = e.imm
                    case .auipc: x[e.rd] = pc &+ e.offset &+ e.imm
                    case .addiw: x[e.rd] = Hart.sext32(x[e.rs1] &+ e.imm)
                    case .slliw: x[e.rd] = Hart.sext32(UInt64(UInt32(truncatingIfNeeded: x[e.rs1]) &<< UInt32(truncatingIfNeeded: e.imm)))
                    case .srliw: x[e.rd] = Hart.sext32(UInt64(UInt32(truncatingIfNeeded: x[e.rs1]) &>> UInt32(truncatingIfNeeded: e.imm)))
                    case .sraiw: x[e.rd] = UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: x[e.rs1]) &>> Int32(truncatingIfNeeded: e.imm)))

                    // MARK: Integer register-register
                    case .add: x[e.rd] = x[e.rs1] &+ x[e.rs2]
                    case .sub: x[e.rd] = x[e.rs1] &- x[e.rs2]
                    case .sll: x[e.rd] = x[e.rs1] &<< (x[e.rs2] & 63)
                    case .slt: x[e.rd] = Int64(bitPattern: x[e.rs1]) < Int64(bitPattern: x[e.rs2]) ? 1 : 0
                    case .sltu: x[e.rd] = x[e.rs1] < x[e.rs2] ? 1 : 0
                    case .xor: x[e.rd] = x[e.rs1] ^ x[e.rs2]
                    case .srl: x[e.rd] = x[e.rs1] &>> (x[e.rs2] & 63)
                    case .sra: x[e.rd] = UInt64(bitPattern: Int64(bitPattern: x[e.rs1]) &>> Int64(x[e.rs2] & 63))
                    case .or: x[e.rd] = x[e.rs1] | x[e.rs2]
                    case .and: x[e.rd] = x[e.rs1] & x[e.rs2]
                    case .addw: x[e.rd] = Hart.sext32(x[e.rs1] &+ x[e.rs2])
                    case .subw: x[e.rd] = Hart.sext32(x[e.rs1] &- x[e.rs2])
                    case .sllw: x[e.rd] = Hart.sext32(UInt64(UInt32(truncatingIfNeeded: x[e.rs1]) &<< UInt32(x[e.rs2] & 31)))
                    case .srlw: x[e.rd] = Hart.sext32(UInt64(UInt32(truncatingIfNeeded: x[e.rs1]) &>> UInt32(x[e.rs2] & 31)))
                    case .sraw: x[e.rd] = UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: x[e.rs1]) &>> Int32(x[e.rs2] & 31)))

                    // MARK: Multiply and divide
                    case .mul: x[e.rd] = x[e.rs1] &* x[e.rs2]
                    case .mulh: x[e.rd] = Arithmetic.mulh(x[e.rs1], x[e.rs2])
                    case .mulhsu: x[e.rd] = Arithmetic.mulhsu(x[e.rs1], x[e.rs2])
                    case .mulhu: x[e.rd] = Arithmetic.mulhu(x[e.rs1], x[e.rs2])
                    case .div: x[e.rd] = Arithmetic.div(x[e.rs1], x[e.rs2])
                    case .divu: x[e.rd] = Arithmetic.divu(x[e.rs1], x[e.rs2])
                    case .rem: x[e.rd] = Arithmetic.rem(x[e.rs1], x[e.rs2])
                    case .remu: x[e.rd] = Arithmetic.remu(x[e.rs1], x[e.rs2])
                    case .mulw: x[e.rd] = Arithmetic.mulw(x[e.rs1], x[e.rs2])
                    case .divw: x[e.rd] = Arithmetic.divw(x[e.rs1], x[e.rs2])
                    case .divuw: x[e.rd] = Arithmetic.divuw(x[e.rs1], x[e.rs2])
                    case .remw: x[e.rd] = Arithmetic.remw(x[e.rs1], x[e.rs2])
                    case .remuw: x[e.rd] = Arithmetic.remuw(x[e.rs1], x[e.rs2])

                    // MARK: Control transfer (each ends its block)
                    case .jal:
                        let at = pc &+ e.offset
                        if e.isExit {  // not an instruction: not counted
                            pc = at
                            if e.pointee.exitLinkable {
                                // The block's straight-line code goes on on its page: once
                                // linked, straight to the block there, as a taken branch.
                                let ran = Int(bitPattern: (UInt(bitPattern: e) &- UInt(bitPattern: ep)) &>> 4)
                                if let target = e.pointee.linkedExit, left &- ran >= BlockCache.maxLength {
                                    left &-= ran
                                    if !T.enabled { n &+= ran }
                                    if T.enabled { counters.pointee.executionCharged &+= e.pointee.cyclesBefore }
                                    ep = arena + target
                                    if T.enabled { ep = enter(ep, fetch: true, tm, counters, T.self) }
                                    e = ep
                                    continue again
                                }
                                linkFrom = e
                            }
                            break block
                        }
                        if e.isFollowedJump {
                            // The block goes on at the target (the next entry).
                            x[e.rd] = at &+ e.length
                            break
                        }
                        x[e.rd] = at &+ e.length
                        pc = at &+ e.imm
                        e += 1
                        break block
                    case .jalr:
                        let target = (x[e.rs1] &+ e.imm) & ~1
                        x[e.rd] = pc &+ e.offset &+ e.length
                        pc = target
                        e += 1
                        break block
                    case .beq:
                        let taken = x[e.rs1] == x[e.rs2]
                        if T.enabled { tm.branch(e, pc: pc, taken: taken, counters, T.self) }
                        if taken { pc = pc &+ e.branchTarget; break taken }
                    case .bne:
                        let taken = x[e.rs1] != x[e.rs2]
                        if T.enabled { tm.branch(e, pc: pc, taken: taken, counters, T.self) }
                        if taken { pc = pc &+ e.branchTarget; break taken }
                    case .blt:
                        let taken = Int64(bitPattern: x[e.rs1]) < Int64(bitPattern: x[e.rs2])
                        if T.enabled { tm.branch(e, pc: pc, taken: taken, counters, T.self) }
                        if taken { pc = pc &+ e.branchTarget; break taken }
                    case .bge:
                        let taken = Int64(bitPattern: x[e.rs1]) >= Int64(bitPattern: x[e.rs2])
                        if T.enabled { tm.branch(e, pc: pc, taken: taken, counters, T.self) }
                        if taken { pc = pc &+ e.branchTarget; break taken }
                    case .bltu:
                        let taken = x[e.rs1] < x[e.rs2]
                        if T.enabled { tm.branch(e, pc: pc, taken: taken, counters, T.self) }
                        if taken { pc = pc &+ e.branchTarget; break taken }
                    case .bgeu:
                        let taken = x[e.rs1] >= x[e.rs2]
                        if T.enabled { tm.branch(e, pc: pc, taken: taken, counters, T.self) }
                        if taken { pc = pc &+ e.branchTarget; break taken }

                    // MARK: Loads
                    case .lb:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(x, Hart.loadTLBOffset, va, 0) {
                            counters.pointee.fastDataAccesses &+= 1
                            x[e.rd] = UInt64(bitPattern: Int64(p.load(as: Int8.self)))
                            if T.enabled { tm.data(host: UInt(bitPattern: p), counters, T.self) }
                        } else {
                            settle(Hart.retired(T.self, n, budget, left, excepted) &+ (e - ep), through: e, counters, T.self)
                            checkedPC = pc &+ e.offset  // the pc translation costs are attributed to
                            guard let v = loadSlow(va, size: 1) else { break exception }
                            x[e.rd] = UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: v)))
                        }
                    case .lbu:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(x, Hart.loadTLBOffset, va, 0) {
                            counters.pointee.fastDataAccesses &+= 1
                            x[e.rd] = UInt64(p.load(as: UInt8.self))
                            if T.enabled { tm.dataInline(host: UInt(bitPattern: p), counters, T.self) }
                        } else {
                            settle(Hart.retired(T.self, n, budget, left, excepted) &+ (e - ep), through: e, counters, T.self)
                            checkedPC = pc &+ e.offset  // the pc translation costs are attributed to
                            guard let v = loadSlow(va, size: 1) else { break exception }
                            x[e.rd] = v
                        }
                    case .lh:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(x, Hart.loadTLBOffset, va, 1) {
                            counters.pointee.fastDataAccesses &+= 1
                            x[e.rd] = UInt64(bitPattern: Int64(p.load(as: Int16.self)))
                            if T.enabled { tm.data(host: UInt(bitPattern: p), counters, T.self) }
                        } else {
                            settle(Hart.retired(T.self, n, budget, left, excepted) &+ (e - ep), through: e, counters, T.self)
                            checkedPC = pc &+ e.offset  // the pc translation costs are attributed to
                            guard let v = loadSlow(va, size: 2) else { break exception }
                            x[e.rd] = UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: v)))
                        }
                    case .lhu:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(x, Hart.loadTLBOffset, va, 1) {
                            counters.pointee.fastDataAccesses &+= 1
                            x[e.rd] = UInt64(p.load(as: UInt16.self))
                            if T.enabled { tm.data(host: UInt(bitPattern: p), counters, T.self) }
                        } else {
                            settle(Hart.retired(T.self, n, budget, left, excepted) &+ (e - ep), through: e, counters, T.self)
                            checkedPC = pc &+ e.offset  // the pc translation costs are attributed to
                            guard let v = loadSlow(va, size: 2) else { break exception }
                            x[e.rd] = v
                        }
                    case .lw:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(x, Hart.loadTLBOffset, va, 3) {
                            counters.pointee.fastDataAccesses &+= 1
                            x[e.rd] = UInt64(bitPattern: Int64(p.load(as: Int32.self)))
                            if T.enabled { tm.dataInline(host: UInt(bitPattern: p), counters, T.self) }
                        } else {
                            settle(Hart.retired(T.self, n, budget, left, excepted) &+ (e - ep), through: e, counters, T.self)
                            checkedPC = pc &+ e.offset  // the pc translation costs are attributed to
                            guard let v = loadSlow(va, size: 4) else { break exception }
                            x[e.rd] = Hart.sext32(v)
                        }
                    case .lwu:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(x, Hart.loadTLBOffset, va, 3) {
                            counters.pointee.fastDataAccesses &+= 1
                            x[e.rd] = UInt64(p.load(as: UInt32.self))
                            if T.enabled { tm.data(host: UInt(bitPattern: p), counters, T.self) }
                        } else {
                            settle(Hart.retired(T.self, n, budget, left, excepted) &+ (e - ep), through: e, counters, T.self)
                            checkedPC = pc &+ e.offset  // the pc translation costs are attributed to
                            guard let v = loadSlow(va, size: 4) else { break exception }
                            x[e.rd] = v
                        }
                    case .ld:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(x, Hart.loadTLBOffset, va, 7) {
                            counters.pointee.fastDataAccesses &+= 1
                            x[e.rd] = p.load(as: UInt64.self)
                            if T.enabled { tm.dataInline(host: UInt(bitPattern: p), counters, T.self) }
                        } else {
                            settle(Hart.retired(T.self, n, budget, left, excepted) &+ (e - ep), through: e, counters, T.self)
                            checkedPC = pc &+ e.offset  // the pc translation costs are attributed to
                            guard let v = loadSlow(va, size: 8) else { break exception }
                            x[e.rd] = v
                        }

                    // MARK: Stores
                    case .sb:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(x, Hart.storeTLBOffset, va, 0) {
                            counters.pointee.fastDataAccesses &+= 1
                            p.storeBytes(of: UInt8(truncatingIfNeeded: x[e.rs2]), as: UInt8.self)
                            if T.enabled { tm.dataInline(host: UInt(bitPattern: p), counters, T.self) }
                        } else {
                            settle(Hart.retired(T.self, n, budget, left, excepted) &+ (e - ep), through: e, counters, T.self)
                            checkedPC = pc &+ e.offset  // the pc translation costs are attributed to
                            guard storeSlow(va, size: 1, value: x[e.rs2]) else { break exception }
                            if batchMustEnd { endBatch = true }
                        }
                    case .sh:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(x, Hart.storeTLBOffset, va, 1) {
                            counters.pointee.fastDataAccesses &+= 1
                            p.storeBytes(of: UInt16(truncatingIfNeeded: x[e.rs2]), as: UInt16.self)
                            if T.enabled { tm.data(host: UInt(bitPattern: p), counters, T.self) }
                        } else {
                            settle(Hart.retired(T.self, n, budget, left, excepted) &+ (e - ep), through: e, counters, T.self)
                            checkedPC = pc &+ e.offset  // the pc translation costs are attributed to
                            guard storeSlow(va, size: 2, value: x[e.rs2]) else { break exception }
                            if batchMustEnd { endBatch = true }
                        }
                    case .sw:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(x, Hart.storeTLBOffset, va, 3) {
                            counters.pointee.fastDataAccesses &+= 1
                            p.storeBytes(of: UInt32(truncatingIfNeeded: x[e.rs2]), as: UInt32.self)
                            if T.enabled { tm.dataInline(host: UInt(bitPattern: p), counters, T.self) }
                        } else {
                            settle(Hart.retired(T.self, n, budget, left, excepted) &+ (e - ep), through: e, counters, T.self)
                            checkedPC = pc &+ e.offset  // the pc translation costs are attributed to
                            guard storeSlow(va, size: 4, value: x[e.rs2]) else { break exception }
                            if batchMustEnd { endBatch = true }
                        }
                    case .sd:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(x, Hart.storeTLBOffset, va, 7) {
                            counters.pointee.fastDataAccesses &+= 1
                            p.storeBytes(of: x[e.rs2], as: UInt64.self)
                            if T.enabled { tm.dataInline(host: UInt(bitPattern: p), counters, T.self) }
                        } else {
                            settle(Hart.retired(T.self, n, budget, left, excepted) &+ (e - ep), through: e, counters, T.self)
                            checkedPC = pc &+ e.offset  // the pc translation costs are attributed to
                            guard storeSlow(va, size: 8, value: x[e.rs2]) else { break exception }
                            if batchMustEnd { endBatch = true }
                        }

                    // MARK: Atomics
                    case .lrW, .lrD:
                        settle(Hart.retired(T.self, n, budget, left, excepted) &+ (e - ep), through: e, counters, T.self)
                        checkedPC = pc &+ e.offset  // the pc translation costs are attributed to
                        guard let v = loadReserved(x[e.rs1], size: e.pointee.op == .lrW ? 4 : 8) else { break exception }
                        x[e.rd] = v
                    case .scW, .scD:
                        settle(Hart.retired(T.self, n, budget, left, excepted) &+ (e - ep), through: e, counters, T.self)
                        checkedPC = pc &+ e.offset  // the pc translation costs are attributed to
                        guard let v = storeConditional(x[e.rs1], size: e.pointee.op == .scW ? 4 : 8, value: x[e.rs2]) else { break exception }
                        x[e.rd] = v
                        if bus.codePages.epoch != blocks.epoch { endBatch = true }
                    case .amoswapW, .amoaddW, .amoxorW, .amoandW, .amoorW, .amominW, .amomaxW, .amominuW, .amomaxuW,
                         .amoswapD, .amoaddD, .amoxorD, .amoandD, .amoorD, .amominD, .amomaxD, .amominuD, .amomaxuD:
                        settle(Hart.retired(T.self, n, budget, left, excepted) &+ (e - ep), through: e, counters, T.self)
                        checkedPC = pc &+ e.offset  // the pc translation costs are attributed to
                        guard let v = atomicMemoryOperation(e.pointee.op, x[e.rs1], operand: x[e.rs2]) else { break exception }
                        x[e.rd] = v
                        if bus.codePages.epoch != blocks.epoch { endBatch = true }

                    // MARK: Fences
                    case .fence:
                        // One hart at a time executes, in order, and every write to decoded
                        // code drops the blocks (`CodePages`): fetches always see stores.
                        if T.enabled && e.isLineFetch {
                            // Not an instruction (the block's run counts it, so take it
                            // back here): the code goes on on another line, fetched now.
                            left &+= 1
                            tm.fetch(entry: e, counters, T.self)
                        }
                    case .fenceI:
                        // As fence; only shootdown accounting looks at it.
                        settle(Hart.retired(T.self, n, budget, left, excepted) &+ (e - ep), through: e, counters, T.self)
                        fenceI()

                    // MARK: System (each ends its block)
                    case .csrrw, .csrrs, .csrrc, .csrrwi, .csrrsi, .csrrci:
                        settle(Hart.retired(T.self, n, budget, left, excepted) &+ (e - ep), through: e, counters, T.self)
                        guard let old = executeCSR(e.decoded, source: x[e.rs1]) else { break exception }
                        x[e.rd] = old
                        fetchTag = HostTLB.invalidTag  // satp, mstatus or PMP may have changed
                        fetchHost = 0
                        if batchMustEnd { endBatch = true }
                    case .ecall:
                        switch privilege {
                        case .user: pendingCause = .environmentCallFromU
                        case .supervisor: pendingCause = .environmentCallFromS
                        case .machine: pendingCause = .environmentCallFromM
                        }
                        pendingValue = 0
                        break exception
                    case .ebreak:
                        // mtval may be 0 or the pc; 0, as QEMU writes.
                        pendingCause = .breakpoint
                        pendingValue = 0
                        break exception
                    case .mret:
                        settle(Hart.retired(T.self, n, budget, left, excepted) &+ (e - ep) &+ 1, through: e, counters, T.self)
                        inBatch = false
                        defer { inBatch = true }
                        guard returnFromMachineTrap() else { illegal(e.decoded); break exception }
                        pc = self.pc
                        e += 1
                        endBatch = true
                        break block
                    case .sret:
                        settle(Hart.retired(T.self, n, budget, left, excepted) &+ (e - ep) &+ 1, through: e, counters, T.self)
                        inBatch = false
                        defer { inBatch = true }
                        guard returnFromSupervisorTrap() else { illegal(e.decoded); break exception }
                        pc = self.pc
                        e += 1
                        endBatch = true
                        break block
                    case .wfi:
                        // Illegal in U-mode, and in S-mode when mstatus.TW is set.
                        guard privilege == .machine || (privilege == .supervisor && mstatus & MStatus.tw == 0)
                        else { illegal(e.decoded); break exception }
                        startWaiting()
                        endBatch = true
                    case .sfenceVMA:
                        guard privilege == .machine || (privilege == .supervisor && mstatus & MStatus.tvm == 0)
                        else { illegal(e.decoded); break exception }
                        settle(Hart.retired(T.self, n, budget, left, excepted) &+ (e - ep), through: e, counters, T.self)
                        fenceVMA(e.decoded, x[e.rs1], x[e.rs2])
                        fetchTag = HostTLB.invalidTag
                        fetchHost = 0
                    case .illegal:
                        illegal(e.decoded)
                        break exception
                    }
                    if _slowPath(endBatch) {
                        pc = pc &+ e.offset &+ e.length
                        e += 1
                        break block
                    }
                    e += 1
                }
                // Left by a jump, a system instruction, the block's end or a slow path.
                let ran = Int(bitPattern: (UInt(bitPattern: e) &- UInt(bitPattern: ep)) &>> 4)
                left &-= ran
                if !T.enabled { n &+= ran }
                if T.enabled { counters.pointee.executionCharged &+= e.pointee.cyclesBefore }
                if endBatch { break execution }
                continue execution
                }
                // Left by a taken branch (`e`); pc is its target.
                let ran = e.pointee.branchRan
                left &-= ran
                if !T.enabled { n &+= ran }
                if T.enabled { counters.pointee.executionCharged &+= (e + 1).pointee.cyclesBefore }
                // A branch to its own page runs the target block straight away once linked
                // to it, while the budget holds a whole block.
                if let target = e.pointee.linkedBlock, left >= BlockCache.maxLength {
                    // A target on a line this run has fetched, still the most recent of
                    // its set, would hit it, which changes nothing: no fetch then.
                    let fetched = T.enabled && e.pointee.targetFetchedInRun
                    ep = arena + target
                    if T.enabled { ep = enter(ep, fetch: !fetched, tm, counters, T.self) }
                    e = ep
                    continue again
                }
                if e.pointee.linkable { linkFrom = e }
                continue execution
            } }
            // An exception at entry i: it did not retire.
            let ran = Int(bitPattern: (UInt(bitPattern: e) &- UInt(bitPattern: ep)) &>> 4)
            left &-= ran &+ 1
            excepted &+= 1
            if !T.enabled { n &+= ran }
            inFlight = UInt64(truncatingIfNeeded: Hart.retired(T.self, n, budget, left, excepted))
            if T.enabled {
                // The instruction raising it was fetched (not retired), and is
                // charged its cycles.
                tm.fetches.pointee &+= 1
                counters.pointee.executionCharged &+= (e + 1).pointee.cyclesBefore
                counters.pointee.executionInFlight = 0
            }
            inBatch = false
            raisePending(pc: pc &+ e.offset)
            inBatch = true
            pc = self.pc
            fetchTag = HostTLB.invalidTag
            fetchHost = 0
        }
        blocks.restore()
        self.pc = pc
        let retired = UInt64(truncatingIfNeeded: Hart.retired(T.self, n, budget, left, excepted))
        if mcountinhibit & 4 == 0 { retiredBase &+= retired }
        if mcountinhibit & 1 == 0 { cyclesBase &+= retired }
        inFlight = 0
        if T.enabled {
            // Every instruction retired was fetched; the batch's execution cycles go
            // into the breakdown.
            tm.fetches.pointee &+= retired
            tm.breakdown.pointee.execution &+= counters.pointee.executionCharged
            counters.pointee.executionCharged = 0
            counters.pointee.executionInFlight = 0
        }
        return budget &- left
    }

    /// With timing on, entering the block whose entries start at `head` (its line-fetch
    /// entry, not run): fetches its first line, unless `fetch` is false, and returns
    /// where its instructions start.
    @inline(__always)
    private func enter<T: TimingSwitch>(_ head: UnsafeMutablePointer<BlockEntry>, fetch: Bool, _ tm: TimingCore,
                                        _ counters: UnsafeMutablePointer<LoopCounters>, _: T.Type) -> UnsafeMutablePointer<BlockEntry> {
        if fetch { tm.fetch(entry: head, counters, T.self) }
        return head + 1
    }

    /// The instructions the batch has retired: `budget - left - excepted`, or with
    /// timing off `n`, which counts them too (each loop keeps its own count in
    /// registers better).
    @inline(__always)
    private static func retired<T: TimingSwitch>(_: T.Type, _ n: Int, _ budget: Int, _ left: Int, _ excepted: Int) -> Int {
        T.enabled ? budget &- left &- excepted : n
    }

    /// Before a slow path inside a block, at entry `e`: the instructions retired so far
    /// in the batch, and (timing on) the execution cycles of the block's entries up to
    /// and including `e`, which the block has not charged yet; `cycles` counts both.
    @inline(__always)
    private func settle<T: TimingSwitch>(_ retired: Int, through e: UnsafeMutablePointer<BlockEntry>,
                                         _ counters: UnsafeMutablePointer<LoopCounters>, _: T.Type) {
        inFlight = UInt64(truncatingIfNeeded: retired)
        if T.enabled { counters.pointee.executionInFlight = (e + 1).pointee.cyclesBefore }
    }

    /// WFI: the hart waits (kept out of line, like `fenceVMA`: a store to the hart's
    /// state in the loop would otherwise cost a dynamic exclusivity check per block).
    @inline(never)
    private func startWaiting() { waitingForInterrupt = true }

    /// sfence.vma (kept out of line: the inner loop then holds no access to the MMU's state).
    @inline(never)
    private func fenceVMA(_ d: DecodedInstruction, _ va: UInt64, _ asid: UInt64) {
        let va = d.rs1 == 0 ? nil : va, asid = d.rs2 == 0 ? nil : asid
        guard let shootdowns = mmu.shootdowns else { mmu.fence(va: va, asid: asid); return }
        var entries: [(ShootdownAccounting.TLB, ModelTLB.Entry)] = []
        mmu.fence(va: va, asid: asid) { entries.append(($0, $1)) }
        shootdowns.fence(hart: id, mode: privilege.rawValue, va: va, asid: asid.map { $0 & 0xFFFF },
                         instret: instructionsRetired, entries: entries)
    }

    /// fence.i (out of line, as `fenceVMA`): nothing to do but tell shootdown accounting.
    @inline(never)
    private func fenceI() {
        mmu.shootdowns?.fence(hart: id, mode: privilege.rawValue, va: nil, asid: nil, fenceI: true,
                              instret: instructionsRetired, entries: [])
    }

    private func illegal(_ d: DecodedInstruction) {
        pendingCause = .illegalInstruction
        pendingValue = UInt64(d.raw)
    }

    /// Executes a Zicsr instruction; returns the value for rd, or nil after recording an
    /// illegal-instruction exception. csrrs/csrrc with rs1 = x0 (or uimm = 0) do not write.
    private func executeCSR(_ d: DecodedInstruction, source: UInt64) -> UInt64? {
        let csr = UInt16(truncatingIfNeeded: d.imm) & 0xFFF
        guard let old = readCSR(csr) else { illegal(d); return nil }
        let uimm = UInt64(d.rs1)
        let new: UInt64?
        switch d.op {
        case .csrrw: new = source
        case .csrrs: new = d.rs1 == 0 ? nil : old | source
        case .csrrc: new = d.rs1 == 0 ? nil : old & ~source
        case .csrrwi: new = uimm
        case .csrrsi: new = uimm == 0 ? nil : old | uimm
        default: new = uimm == 0 ? nil : old & ~uimm
        }
        if let value = new {
            guard writeCSR(csr, value) else { illegal(d); return nil }
        }
        return old
    }
}
