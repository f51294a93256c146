import PagodaISA

/// The interpreter's inner loop.
///
/// Per instruction: the code page is a cached host pointer (`fetchTag`/`fetchPage`),
/// the instruction bits are read from it, the decode-cache entry at (pc >> 1) is used
/// when its raw bits match (so stores that change code are picked up without any
/// invalidation protocol, and fence.i has nothing left to do), and a `switch` over the
/// dense opcode runs the semantics. Loads and stores look up the host TLB: a hit is one
/// compare and one add. Everything else (translation, MMIO, traps, CSRs) is a call to a
/// slow path. Nothing in the loop retains, allocates or calls through an existential or
/// a closure.
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
            steps &+= 1
            n &+= 1
            instruction: do {
                // Fetch.
                var raw: UInt32
                let offset = pc & 0xFFF
                if _fastPath(pc & ~0xFFF == fetchTag && offset <= 0xFFC) {
                    raw = fetchPage.loadUnaligned(fromByteOffset: Int(offset), as: UInt32.self)
                    if raw & 3 != 3 { raw &= 0xFFFF }
                } else {
                    inFlight = UInt64(n &- 1)
                    guard let r = fetchSlow(pc, tag: &fetchTag, page: &fetchPage) else { break instruction }
                    raw = r
                }
                // Decode, through the cache.
                let slot = cache + Int((pc >> 1) & cacheMask)
                if _slowPath(slot.pointee.raw != raw) { slot.pointee = Hart.cacheEntry(for: raw) }
                let d = slot.pointee
                let rd = Int(d.rd), rs1 = Int(d.rs1), rs2 = Int(d.rs2)
                let imm = UInt64(bitPattern: Int64(d.imm))
                let next = pc &+ UInt64(d.length)
                if T.enabled {
                    tm.execute(d.op)
                    if fetchTag == pc & ~0xFFF {
                        tm.fetch(host: UInt(bitPattern: fetchPage) &+ UInt(truncatingIfNeeded: pc & 0xFFF))
                    }
                }

                switch d.op {
                // MARK: Integer register-immediate
                case .addi: x[rd] = x[rs1] &+ imm
                case .slti: x[rd] = Int64(bitPattern: x[rs1]) < Int64(bitPattern: imm) ? 1 : 0
                case .sltiu: x[rd] = x[rs1] < imm ? 1 : 0
                case .xori: x[rd] = x[rs1] ^ imm
                case .ori: x[rd] = x[rs1] | imm
                case .andi: x[rd] = x[rs1] & imm
                case .slli: x[rd] = x[rs1] &<< imm
                case .srli: x[rd] = x[rs1] &>> imm
                case .srai: x[rd] = UInt64(bitPattern: Int64(bitPattern: x[rs1]) &>> Int64(bitPattern: imm))
                case .lui: x[rd] = imm
                case .auipc: x[rd] = pc &+ imm
                case .addiw: x[rd] = Hart.sext32(x[rs1] &+ imm)
                case .slliw: x[rd] = Hart.sext32(UInt64(UInt32(truncatingIfNeeded: x[rs1]) &<< UInt32(truncatingIfNeeded: imm)))
                case .srliw: x[rd] = Hart.sext32(UInt64(UInt32(truncatingIfNeeded: x[rs1]) &>> UInt32(truncatingIfNeeded: imm)))
                case .sraiw: x[rd] = UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: x[rs1]) &>> Int32(truncatingIfNeeded: imm)))

                // MARK: Integer register-register
                case .add: x[rd] = x[rs1] &+ x[rs2]
                case .sub: x[rd] = x[rs1] &- x[rs2]
                case .sll: x[rd] = x[rs1] &<< (x[rs2] & 63)
                case .slt: x[rd] = Int64(bitPattern: x[rs1]) < Int64(bitPattern: x[rs2]) ? 1 : 0
                case .sltu: x[rd] = x[rs1] < x[rs2] ? 1 : 0
                case .xor: x[rd] = x[rs1] ^ x[rs2]
                case .srl: x[rd] = x[rs1] &>> (x[rs2] & 63)
                case .sra: x[rd] = UInt64(bitPattern: Int64(bitPattern: x[rs1]) &>> Int64(x[rs2] & 63))
                case .or: x[rd] = x[rs1] | x[rs2]
                case .and: x[rd] = x[rs1] & x[rs2]
                case .addw: x[rd] = Hart.sext32(x[rs1] &+ x[rs2])
                case .subw: x[rd] = Hart.sext32(x[rs1] &- x[rs2])
                case .sllw: x[rd] = Hart.sext32(UInt64(UInt32(truncatingIfNeeded: x[rs1]) &<< UInt32(x[rs2] & 31)))
                case .srlw: x[rd] = Hart.sext32(UInt64(UInt32(truncatingIfNeeded: x[rs1]) &>> UInt32(x[rs2] & 31)))
                case .sraw: x[rd] = UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: x[rs1]) &>> Int32(x[rs2] & 31)))

                // MARK: Multiply and divide
                case .mul: x[rd] = x[rs1] &* x[rs2]
                case .mulh: x[rd] = Arithmetic.mulh(x[rs1], x[rs2])
                case .mulhsu: x[rd] = Arithmetic.mulhsu(x[rs1], x[rs2])
                case .mulhu: x[rd] = Arithmetic.mulhu(x[rs1], x[rs2])
                case .div: x[rd] = Arithmetic.div(x[rs1], x[rs2])
                case .divu: x[rd] = Arithmetic.divu(x[rs1], x[rs2])
                case .rem: x[rd] = Arithmetic.rem(x[rs1], x[rs2])
                case .remu: x[rd] = Arithmetic.remu(x[rs1], x[rs2])
                case .mulw: x[rd] = Arithmetic.mulw(x[rs1], x[rs2])
                case .divw: x[rd] = Arithmetic.divw(x[rs1], x[rs2])
                case .divuw: x[rd] = Arithmetic.divuw(x[rs1], x[rs2])
                case .remw: x[rd] = Arithmetic.remw(x[rs1], x[rs2])
                case .remuw: x[rd] = Arithmetic.remuw(x[rs1], x[rs2])

                // MARK: Control transfer
                case .jal:
                    x[rd] = next
                    pc = pc &+ imm
                    continue execution
                case .jalr:
                    let target = (x[rs1] &+ imm) & ~1
                    x[rd] = next
                    pc = target
                    continue execution
                case .beq:
                    let taken = x[rs1] == x[rs2]
                    if T.enabled { tm.branch(pc: pc, taken: taken) }
                    if taken { pc = pc &+ imm; continue execution }
                case .bne:
                    let taken = x[rs1] != x[rs2]
                    if T.enabled { tm.branch(pc: pc, taken: taken) }
                    if taken { pc = pc &+ imm; continue execution }
                case .blt:
                    let taken = Int64(bitPattern: x[rs1]) < Int64(bitPattern: x[rs2])
                    if T.enabled { tm.branch(pc: pc, taken: taken) }
                    if taken { pc = pc &+ imm; continue execution }
                case .bge:
                    let taken = Int64(bitPattern: x[rs1]) >= Int64(bitPattern: x[rs2])
                    if T.enabled { tm.branch(pc: pc, taken: taken) }
                    if taken { pc = pc &+ imm; continue execution }
                case .bltu:
                    let taken = x[rs1] < x[rs2]
                    if T.enabled { tm.branch(pc: pc, taken: taken) }
                    if taken { pc = pc &+ imm; continue execution }
                case .bgeu:
                    let taken = x[rs1] >= x[rs2]
                    if T.enabled { tm.branch(pc: pc, taken: taken) }
                    if taken { pc = pc &+ imm; continue execution }

                // MARK: Loads
                case .lb:
                    let va = x[rs1] &+ imm
                    if let p = Hart.hostAddress(loadTLB, va, 0) {
                        counters.pointee.fastDataAccesses &+= 1
                        if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                        x[rd] = UInt64(bitPattern: Int64(p.load(as: Int8.self)))
                    } else {
                        inFlight = UInt64(n &- 1)
                        guard let v = loadSlow(va, size: 1) else { break instruction }
                        x[rd] = UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: v)))
                    }
                case .lbu:
                    let va = x[rs1] &+ imm
                    if let p = Hart.hostAddress(loadTLB, va, 0) {
                        counters.pointee.fastDataAccesses &+= 1
                        if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                        x[rd] = UInt64(p.load(as: UInt8.self))
                    } else {
                        inFlight = UInt64(n &- 1)
                        guard let v = loadSlow(va, size: 1) else { break instruction }
                        x[rd] = v
                    }
                case .lh:
                    let va = x[rs1] &+ imm
                    if let p = Hart.hostAddress(loadTLB, va, 1) {
                        counters.pointee.fastDataAccesses &+= 1
                        if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                        x[rd] = UInt64(bitPattern: Int64(p.load(as: Int16.self)))
                    } else {
                        inFlight = UInt64(n &- 1)
                        guard let v = loadSlow(va, size: 2) else { break instruction }
                        x[rd] = UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: v)))
                    }
                case .lhu:
                    let va = x[rs1] &+ imm
                    if let p = Hart.hostAddress(loadTLB, va, 1) {
                        counters.pointee.fastDataAccesses &+= 1
                        if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                        x[rd] = UInt64(p.load(as: UInt16.self))
                    } else {
                        inFlight = UInt64(n &- 1)
                        guard let v = loadSlow(va, size: 2) else { break instruction }
                        x[rd] = v
                    }
                case .lw:
                    let va = x[rs1] &+ imm
                    if let p = Hart.hostAddress(loadTLB, va, 3) {
                        counters.pointee.fastDataAccesses &+= 1
                        if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                        x[rd] = UInt64(bitPattern: Int64(p.load(as: Int32.self)))
                    } else {
                        inFlight = UInt64(n &- 1)
                        guard let v = loadSlow(va, size: 4) else { break instruction }
                        x[rd] = Hart.sext32(v)
                    }
                case .lwu:
                    let va = x[rs1] &+ imm
                    if let p = Hart.hostAddress(loadTLB, va, 3) {
                        counters.pointee.fastDataAccesses &+= 1
                        if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                        x[rd] = UInt64(p.load(as: UInt32.self))
                    } else {
                        inFlight = UInt64(n &- 1)
                        guard let v = loadSlow(va, size: 4) else { break instruction }
                        x[rd] = v
                    }
                case .ld:
                    let va = x[rs1] &+ imm
                    if let p = Hart.hostAddress(loadTLB, va, 7) {
                        counters.pointee.fastDataAccesses &+= 1
                        if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                        x[rd] = p.load(as: UInt64.self)
                    } else {
                        inFlight = UInt64(n &- 1)
                        guard let v = loadSlow(va, size: 8) else { break instruction }
                        x[rd] = v
                    }

                // MARK: Stores
                case .sb:
                    let va = x[rs1] &+ imm
                    if let p = Hart.hostAddress(storeTLB, va, 0) {
                        counters.pointee.fastDataAccesses &+= 1
                        if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                        p.storeBytes(of: UInt8(truncatingIfNeeded: x[rs2]), as: UInt8.self)
                    } else {
                        inFlight = UInt64(n &- 1)
                        guard storeSlow(va, size: 1, value: x[rs2]) else { break instruction }
                        if batchMustEnd { pc = next; break execution }
                    }
                case .sh:
                    let va = x[rs1] &+ imm
                    if let p = Hart.hostAddress(storeTLB, va, 1) {
                        counters.pointee.fastDataAccesses &+= 1
                        if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                        p.storeBytes(of: UInt16(truncatingIfNeeded: x[rs2]), as: UInt16.self)
                    } else {
                        inFlight = UInt64(n &- 1)
                        guard storeSlow(va, size: 2, value: x[rs2]) else { break instruction }
                        if batchMustEnd { pc = next; break execution }
                    }
                case .sw:
                    let va = x[rs1] &+ imm
                    if let p = Hart.hostAddress(storeTLB, va, 3) {
                        counters.pointee.fastDataAccesses &+= 1
                        if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                        p.storeBytes(of: UInt32(truncatingIfNeeded: x[rs2]), as: UInt32.self)
                    } else {
                        inFlight = UInt64(n &- 1)
                        guard storeSlow(va, size: 4, value: x[rs2]) else { break instruction }
                        if batchMustEnd { pc = next; break execution }
                    }
                case .sd:
                    let va = x[rs1] &+ imm
                    if let p = Hart.hostAddress(storeTLB, va, 7) {
                        counters.pointee.fastDataAccesses &+= 1
                        if T.enabled { tm.data(host: UInt(bitPattern: p)) }
                        p.storeBytes(of: x[rs2], as: UInt64.self)
                    } else {
                        inFlight = UInt64(n &- 1)
                        guard storeSlow(va, size: 8, value: x[rs2]) else { break instruction }
                        if batchMustEnd { pc = next; break execution }
                    }

                // MARK: Atomics
                case .lrW, .lrD:
                    inFlight = UInt64(n &- 1)
                    guard let v = loadReserved(x[rs1], size: d.op == .lrW ? 4 : 8) else { break instruction }
                    x[rd] = v
                case .scW, .scD:
                    inFlight = UInt64(n &- 1)
                    guard let v = storeConditional(x[rs1], size: d.op == .scW ? 4 : 8, value: x[rs2]) else { break instruction }
                    x[rd] = v
                case .amoswapW, .amoaddW, .amoxorW, .amoandW, .amoorW, .amominW, .amomaxW, .amominuW, .amomaxuW,
                     .amoswapD, .amoaddD, .amoxorD, .amoandD, .amoorD, .amominD, .amomaxD, .amominuD, .amomaxuD:
                    inFlight = UInt64(n &- 1)
                    guard let v = atomicMemoryOperation(d.op, x[rs1], operand: x[rs2]) else { break instruction }
                    x[rd] = v

                // MARK: Fences
                case .fence, .fenceI:
                    // One hart at a time executes, in order; the decode cache checks the raw
                    // bits of every instruction it hands out, so fetches always see stores.
                    break

                // MARK: System
                case .csrrw, .csrrs, .csrrc, .csrrwi, .csrrsi, .csrrci:
                    inFlight = UInt64(n &- 1)
                    guard let old = executeCSR(d, source: x[rs1]) else { break instruction }
                    x[rd] = old
                    fetchTag = HostTLB.invalidTag  // satp, mstatus or PMP may have changed
                    if batchMustEnd { pc = next; break execution }
                case .ecall:
                    switch privilege {
                    case .user: pendingCause = .environmentCallFromU
                    case .supervisor: pendingCause = .environmentCallFromS
                    case .machine: pendingCause = .environmentCallFromM
                    }
                    pendingValue = 0
                    break instruction
                case .ebreak:
                    // mtval may be 0 or the pc; 0, as QEMU writes.
                    pendingCause = .breakpoint
                    pendingValue = 0
                    break instruction
                case .mret:
                    inFlight = UInt64(n)
                    inBatch = false
                    defer { inBatch = true }
                    guard returnFromMachineTrap() else { illegal(d); break instruction }
                    pc = self.pc
                    break execution
                case .sret:
                    inFlight = UInt64(n)
                    inBatch = false
                    defer { inBatch = true }
                    guard returnFromSupervisorTrap() else { illegal(d); break instruction }
                    pc = self.pc
                    break execution
                case .wfi:
                    // Illegal in U-mode, and in S-mode when mstatus.TW is set.
                    guard privilege == .machine || (privilege == .supervisor && mstatus & MStatus.tw == 0)
                    else { illegal(d); break instruction }
                    pc = next
                    waitingForInterrupt = true
                    break execution
                case .sfenceVMA:
                    guard privilege == .machine || (privilege == .supervisor && mstatus & MStatus.tvm == 0)
                    else { illegal(d); break instruction }
                    mmu.fence(va: d.rs1 == 0 ? nil : x[rs1], asid: d.rs2 == 0 ? nil : x[rs2])
                    fetchTag = HostTLB.invalidTag
                case .illegal:
                    illegal(d)
                    break instruction
                }
                pc = next
                continue execution
            }
            // An exception: the instruction did not retire.
            n &-= 1
            inFlight = UInt64(n)
            inBatch = false
            raisePending(pc: pc)
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
