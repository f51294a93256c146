import PagodaISA

/// The interpreter's inner loop.
///
/// Code runs in pre-decoded blocks (`BlockCache`): the loop finds the block for `pc`
/// (the code page is a cached host pointer, the block table a direct-mapped slot checked
/// against pc and the host address), limits it to the instructions left in the budget,
/// and runs its entries one after another with a `switch` over the dense opcode, without
/// fetching or decoding. Only a block's end (a control transfer, a system instruction,
/// the page end) or a slow path that must leave goes back to the lookup, so the budget
/// is checked once per block. Loads and stores look up the host TLB: a hit is one
/// compare and one add. Everything else (translation, MMIO, traps, CSRs, instructions on
/// uncached pages or straddling a page end) is a call to a slow path. Nothing in the loop
/// retains, allocates or calls through an existential or a closure.
extension Hart {
    @inline(__always) static func sext32(_ v: UInt64) -> UInt64 {
        UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: v)))
    }

    /// The host address for an access of (alignMask + 1) bytes at `va`, on a host TLB hit.
    @inline(__always)
    static func hostAddress(_ tlb: UnsafeMutablePointer<HostTLBEntry>, _ va: UInt64, _ alignMask: UInt64) -> UnsafeMutableRawPointer? {
        let e = tlb + HostTLB.index(va)
        return e.pointee.tag == va & (~0xFFF | alignMask) ? e.pointee.page + Int(va & 0xFFF) : nil
    }

    /// Runs up to `budget` instructions (retired or raising an exception). Returns early
    /// when the machine needs to look at the hart (interrupt state may have changed, WFI,
    /// a device write). Returns the number of instructions attempted; the retired ones
    /// are counted in `instructionsRetired`.
    @discardableResult
    public func run(budget: Int) -> Int {
        timingEnabled ? run(budget: budget, TimingOn.self) : run(budget: budget, TimingOff.self)
    }

    /// The loop itself, specialised for timing on and off: with `TimingOff` every
    /// `if T.enabled` block folds away.
    private func run<T: TimingSwitch>(budget: Int, _: T.Type) -> Int {
        let x = registers
        let tm = timing.core
        let cache = decodeCache
        let cacheMask = UInt64(Hart.decodeCacheEntries - 1)
        let loadTLB = mmu.loadTLB.table
        let storeTLB = mmu.storeTLB.table
        checkBlockEpoch()
        let table = blocks.table
        let arena = blocks.entries
        let single = blocks.single
        var pc = self.pc
        var n = 0
        var fetchTag = HostTLB.invalidTag
        var fetchPage = UnsafeRawPointer(mmu.fetchTLB.table[0].page)
        let counters = loopCounters
        batchMustEnd = false
        inBatch = true
        defer { inBatch = false }

        // `steps` counts instructions attempted, `n` those retired: a stream of exceptions
        // (a trap handler that itself traps) still ends the batch.
        var steps = 0
        execution: while steps < budget {
            // Find the block at pc. `host` is the host address of pc (0 when its page is
            // not cached, which only a block of one fetched by the slow path can have).
            let offset = pc & 0xFFF
            var host: UInt = 0
            var count: Int
            var ep: UnsafeMutablePointer<BlockEntry>
            if _slowPath(pc & ~0xFFF != fetchTag || offset > 0xFFC) {
                inFlight = UInt64(n)
                guard let raw = fetchSlow(pc, tag: &fetchTag, page: &fetchPage) else {
                    steps &+= 1
                    inBatch = false
                    raisePending(pc: pc)
                    inBatch = true
                    pc = self.pc
                    fetchTag = HostTLB.invalidTag
                    continue execution
                }
                if pc & ~0xFFF != fetchTag || offset > 0xFFC {
                    // Run it on its own, through the decode cache.
                    if pc & ~0xFFF == fetchTag { host = UInt(bitPattern: fetchPage) &+ UInt(offset) }
                    let slot = cache + Int((pc >> 1) & cacheMask)
                    if _slowPath(slot.pointee.raw != raw) { slot.pointee = Hart.cacheEntry(for: raw) }
                    single.pointee = BlockEntry(slot.pointee, offset: 0)
                    count = 1
                    ep = single
                } else {
                    count = 0
                    ep = arena
                }
            } else {
                count = 0
                ep = arena
            }
            if count == 0 {
                host = UInt(bitPattern: fetchPage) &+ UInt(offset)
                let slot = table + Int(truncatingIfNeeded: (pc >> 1) & BlockCache.slotMask)
                if _slowPath(slot.pointee.pc != pc || slot.pointee.host != host) { buildBlock(slot, pc: pc, host: host) }
                ep = arena + Int(slot.pointee.first)
                count = Int(slot.pointee.count)
            }
            let limit = min(count, budget &- steps)

            // Run it: `e` is the entry executing; the block ends with pc at the next one.
            var e = ep
            let end = ep + limit
            var endBatch = false
            exception: do {
                block: while true {
                    if T.enabled {
                        tm.execute(e.pointee.op)
                        if host != 0 { tm.fetch(host: host &+ UInt(e.pointee.offset)) }
                    }

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
                        if T.enabled { tm.branch(pc: pc &+ e.offset, taken: taken) }
                        if taken { pc = pc &+ e.offset &+ e.imm; e += 1; break block }
                    case .bne:
                        let taken = x[e.rs1] != x[e.rs2]
                        if T.enabled { tm.branch(pc: pc &+ e.offset, taken: taken) }
                        if taken { pc = pc &+ e.offset &+ e.imm; e += 1; break block }
                    case .blt:
                        let taken = Int64(bitPattern: x[e.rs1]) < Int64(bitPattern: x[e.rs2])
                        if T.enabled { tm.branch(pc: pc &+ e.offset, taken: taken) }
                        if taken { pc = pc &+ e.offset &+ e.imm; e += 1; break block }
                    case .bge:
                        let taken = Int64(bitPattern: x[e.rs1]) >= Int64(bitPattern: x[e.rs2])
                        if T.enabled { tm.branch(pc: pc &+ e.offset, taken: taken) }
                        if taken { pc = pc &+ e.offset &+ e.imm; e += 1; break block }
                    case .bltu:
                        let taken = x[e.rs1] < x[e.rs2]
                        if T.enabled { tm.branch(pc: pc &+ e.offset, taken: taken) }
                        if taken { pc = pc &+ e.offset &+ e.imm; e += 1; break block }
                    case .bgeu:
                        let taken = x[e.rs1] >= x[e.rs2]
                        if T.enabled { tm.branch(pc: pc &+ e.offset, taken: taken) }
                        if taken { pc = pc &+ e.offset &+ e.imm; e += 1; break block }

                    // MARK: Loads
                    case .lb:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(loadTLB, va, 0) {
                            counters.pointee.fastDataAccesses &+= 1
                            if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                            x[e.rd] = UInt64(bitPattern: Int64(p.load(as: Int8.self)))
                        } else {
                            inFlight = UInt64(truncatingIfNeeded: n &+ (e - ep))
                            guard let v = loadSlow(va, size: 1) else { break exception }
                            x[e.rd] = UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: v)))
                        }
                    case .lbu:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(loadTLB, va, 0) {
                            counters.pointee.fastDataAccesses &+= 1
                            if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                            x[e.rd] = UInt64(p.load(as: UInt8.self))
                        } else {
                            inFlight = UInt64(truncatingIfNeeded: n &+ (e - ep))
                            guard let v = loadSlow(va, size: 1) else { break exception }
                            x[e.rd] = v
                        }
                    case .lh:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(loadTLB, va, 1) {
                            counters.pointee.fastDataAccesses &+= 1
                            if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                            x[e.rd] = UInt64(bitPattern: Int64(p.load(as: Int16.self)))
                        } else {
                            inFlight = UInt64(truncatingIfNeeded: n &+ (e - ep))
                            guard let v = loadSlow(va, size: 2) else { break exception }
                            x[e.rd] = UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: v)))
                        }
                    case .lhu:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(loadTLB, va, 1) {
                            counters.pointee.fastDataAccesses &+= 1
                            if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                            x[e.rd] = UInt64(p.load(as: UInt16.self))
                        } else {
                            inFlight = UInt64(truncatingIfNeeded: n &+ (e - ep))
                            guard let v = loadSlow(va, size: 2) else { break exception }
                            x[e.rd] = v
                        }
                    case .lw:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(loadTLB, va, 3) {
                            counters.pointee.fastDataAccesses &+= 1
                            if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                            x[e.rd] = UInt64(bitPattern: Int64(p.load(as: Int32.self)))
                        } else {
                            inFlight = UInt64(truncatingIfNeeded: n &+ (e - ep))
                            guard let v = loadSlow(va, size: 4) else { break exception }
                            x[e.rd] = Hart.sext32(v)
                        }
                    case .lwu:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(loadTLB, va, 3) {
                            counters.pointee.fastDataAccesses &+= 1
                            if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                            x[e.rd] = UInt64(p.load(as: UInt32.self))
                        } else {
                            inFlight = UInt64(truncatingIfNeeded: n &+ (e - ep))
                            guard let v = loadSlow(va, size: 4) else { break exception }
                            x[e.rd] = v
                        }
                    case .ld:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(loadTLB, va, 7) {
                            counters.pointee.fastDataAccesses &+= 1
                            if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                            x[e.rd] = p.load(as: UInt64.self)
                        } else {
                            inFlight = UInt64(truncatingIfNeeded: n &+ (e - ep))
                            guard let v = loadSlow(va, size: 8) else { break exception }
                            x[e.rd] = v
                        }

                    // MARK: Stores
                    case .sb:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(storeTLB, va, 0) {
                            counters.pointee.fastDataAccesses &+= 1
                            if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                            p.storeBytes(of: UInt8(truncatingIfNeeded: x[e.rs2]), as: UInt8.self)
                        } else {
                            inFlight = UInt64(truncatingIfNeeded: n &+ (e - ep))
                            guard storeSlow(va, size: 1, value: x[e.rs2]) else { break exception }
                            if batchMustEnd { endBatch = true }
                        }
                    case .sh:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(storeTLB, va, 1) {
                            counters.pointee.fastDataAccesses &+= 1
                            if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                            p.storeBytes(of: UInt16(truncatingIfNeeded: x[e.rs2]), as: UInt16.self)
                        } else {
                            inFlight = UInt64(truncatingIfNeeded: n &+ (e - ep))
                            guard storeSlow(va, size: 2, value: x[e.rs2]) else { break exception }
                            if batchMustEnd { endBatch = true }
                        }
                    case .sw:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(storeTLB, va, 3) {
                            counters.pointee.fastDataAccesses &+= 1
                            if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                            p.storeBytes(of: UInt32(truncatingIfNeeded: x[e.rs2]), as: UInt32.self)
                        } else {
                            inFlight = UInt64(truncatingIfNeeded: n &+ (e - ep))
                            guard storeSlow(va, size: 4, value: x[e.rs2]) else { break exception }
                            if batchMustEnd { endBatch = true }
                        }
                    case .sd:
                        let va = x[e.rs1] &+ e.imm
                        if let p = Hart.hostAddress(storeTLB, va, 7) {
                            counters.pointee.fastDataAccesses &+= 1
                            if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                            p.storeBytes(of: x[e.rs2], as: UInt64.self)
                        } else {
                            inFlight = UInt64(truncatingIfNeeded: n &+ (e - ep))
                            guard storeSlow(va, size: 8, value: x[e.rs2]) else { break exception }
                            if batchMustEnd { endBatch = true }
                        }

                    // MARK: Atomics
                    case .lrW, .lrD:
                        inFlight = UInt64(truncatingIfNeeded: n &+ (e - ep))
                        guard let v = loadReserved(x[e.rs1], size: e.pointee.op == .lrW ? 4 : 8) else { break exception }
                        x[e.rd] = v
                    case .scW, .scD:
                        inFlight = UInt64(truncatingIfNeeded: n &+ (e - ep))
                        guard let v = storeConditional(x[e.rs1], size: e.pointee.op == .scW ? 4 : 8, value: x[e.rs2]) else { break exception }
                        x[e.rd] = v
                        if bus.codePages.epoch != blocks.epoch { endBatch = true }
                    case .amoswapW, .amoaddW, .amoxorW, .amoandW, .amoorW, .amominW, .amomaxW, .amominuW, .amomaxuW,
                         .amoswapD, .amoaddD, .amoxorD, .amoandD, .amoorD, .amominD, .amomaxD, .amominuD, .amomaxuD:
                        inFlight = UInt64(truncatingIfNeeded: n &+ (e - ep))
                        guard let v = atomicMemoryOperation(e.pointee.op, x[e.rs1], operand: x[e.rs2]) else { break exception }
                        x[e.rd] = v
                        if bus.codePages.epoch != blocks.epoch { endBatch = true }

                    // MARK: Fences
                    case .fence, .fenceI:
                        // One hart at a time executes, in order, and every write to decoded
                        // code drops the blocks (`CodePages`): fetches always see stores.
                        break

                    // MARK: System (each ends its block)
                    case .csrrw, .csrrs, .csrrc, .csrrwi, .csrrsi, .csrrci:
                        inFlight = UInt64(truncatingIfNeeded: n &+ (e - ep))
                        guard let old = executeCSR(e.decoded, source: x[e.rs1]) else { break exception }
                        x[e.rd] = old
                        fetchTag = HostTLB.invalidTag  // satp, mstatus or PMP may have changed
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
                        inFlight = UInt64(truncatingIfNeeded: n &+ (e - ep) &+ 1)
                        inBatch = false
                        defer { inBatch = true }
                        guard returnFromMachineTrap() else { illegal(e.decoded); break exception }
                        pc = self.pc
                        e += 1
                        endBatch = true
                        break block
                    case .sret:
                        inFlight = UInt64(truncatingIfNeeded: n &+ (e - ep) &+ 1)
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
                        waitingForInterrupt = true
                        endBatch = true
                    case .sfenceVMA:
                        guard privilege == .machine || (privilege == .supervisor && mstatus & MStatus.tvm == 0)
                        else { illegal(e.decoded); break exception }
                        fenceVMA(e.decoded, x[e.rs1], x[e.rs2])
                        fetchTag = HostTLB.invalidTag
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
                    if e == end {
                        pc = pc &+ (e - 1).offset &+ (e - 1).length
                        break block
                    }
                }
                steps &+= e - ep
                n &+= e - ep
                if endBatch { break execution }
                continue execution
            }
            // An exception at entry i: it did not retire.
            steps &+= e - ep &+ 1
            n &+= e - ep
            inFlight = UInt64(n)
            inBatch = false
            raisePending(pc: pc &+ e.offset)
            inBatch = true
            pc = self.pc
            fetchTag = HostTLB.invalidTag
        }
        self.pc = pc
        if mcountinhibit & 4 == 0 { retiredBase &+= UInt64(n) }
        if mcountinhibit & 1 == 0 { cyclesBase &+= UInt64(n) }
        inFlight = 0
        return steps
    }

    /// sfence.vma (kept out of line: the inner loop then holds no access to the MMU's state).
    @inline(never)
    private func fenceVMA(_ d: DecodedInstruction, _ va: UInt64, _ asid: UInt64) {
        mmu.fence(va: d.rs1 == 0 ? nil : va, asid: d.rs2 == 0 ? nil : asid)
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
