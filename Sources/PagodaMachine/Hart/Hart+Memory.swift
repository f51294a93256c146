import PagodaISA

/// The slow paths of memory access: everything the inner loop's host-TLB lookup does
/// not handle (first touch of a page, translation, MMIO, misaligned and page-crossing
/// accesses, atomics). Each records an exception in `pendingCause`/`pendingValue` and
/// returns nil/false when the access faults.
extension Hart {
    /// The privilege data accesses are made with: MPP when M-mode has MPRV set.
    var dataAccessMode: PrivilegeMode {
        if privilege == .machine && mstatus & MStatus.mprv != 0 {
            return PrivilegeMode.fromField(mstatus >> MStatus.mppShift)
        }
        return privilege
    }

    @inline(__always)
    private func translate(_ va: UInt64, length: UInt64, access: AccessType) -> MMU.Result {
        let mode = access == .fetch ? privilege : dataAccessMode
        if mmu.checker != nil || mmu.attribution != nil || mmu.shootdowns != nil {
            mmu.checkPC = checkedPC
            mmu.checkInstret = instructionsRetired
        }
        return mmu.translate(va, length: length, access: access, mode: mode,
                             sum: mstatus & MStatus.sum != 0, mxr: mstatus & MStatus.mxr != 0)
    }

    private func fail(_ e: Exception, _ va: UInt64) {
        pendingCause = e
        pendingValue = va
    }

    // MARK: Loads and stores

    @inline(never)
    func loadSlow(_ va: UInt64, size: Int) -> UInt64? {
        let length = UInt64(size)
        if (va & 0xFFF) + length > 4096 {
            // Crosses a page: each byte is translated on its own.
            var value: UInt64 = 0
            for i in 0..<length {
                // stval: the address of the byte (the portion of the access) that faulted.
                guard let b = loadSlow(va &+ i, size: 1) else { return nil }
                value |= b << (8 * i)
            }
            return value
        }
        let t = translate(va, length: length, access: .load)
        if let fault = t.fault { fail(fault, va &+ t.faultOffset); return nil }
        if let page = t.hostPage {
            mmu.loadTLB.install(virtualPage: va & ~0xFFF, host: page)
        } else {
            batchMustEnd = true  // a device may change interrupt state when read
        }
        guard let v = bus.read(t.physical, size: size) else { fail(.loadAccessFault, va); return nil }
        chargeDataAccess(t.physical)
        return v
    }

    @inline(never)
    func storeSlow(_ va: UInt64, size: Int, value: UInt64) -> Bool {
        let length = UInt64(size)
        if (va & 0xFFF) + length > 4096 {
            // Translate every byte before writing any, so a fault leaves memory unchanged.
            var physical = [UInt64](repeating: 0, count: size)
            for i in 0..<size {
                let byte = va &+ UInt64(i)
                let t = translate(byte, length: 1, access: .store)
                if let fault = t.fault { fail(fault, byte); return false }
                guard bus.memory(containing: t.physical)?.writable == true else { fail(.storeAccessFault, byte); return false }
                physical[i] = t.physical
            }
            for i in 0..<size { bus.write(physical[i], size: 1, value: value >> (8 * UInt64(i))) }
            noteStore(physical: physical[0], length: length)
            return true
        }
        let t = translate(va, length: length, access: .store)
        if let fault = t.fault { fail(fault, va &+ t.faultOffset); return false }
        if let page = t.hostPage {
            // A page holding decoded code stays out of the store TLB: each store to it
            // comes here and is checked against the code (`CodePages`).
            if !bus.codePages.isCodePage(t.physical) { mmu.storeTLB.install(virtualPage: va & ~0xFFF, host: page) }
        } else {
            batchMustEnd = true  // a device write can raise an interrupt or stop the machine
        }
        guard bus.write(t.physical, size: size, value: value) else { fail(.storeAccessFault, va); return false }
        chargeDataAccess(t.physical)
        noteStore(physical: t.physical, length: length)
        return true
    }

    /// A data access that took the slow path still goes through the modelled caches,
    /// unless its page's memory type (Svpbmt NC or IO) makes it bypass them.
    func chargeDataAccess(_ physical: UInt64) {
        guard timingEnabled, let memory = bus.memory(containing: physical) else { return }
        if mmu.lastTranslationBypassesCaches { timing.uncachedData(); return }
        timing.data(host: UInt(bitPattern: memory.hostAddress(physical)))
    }

    /// Stores by this hart to another hart's reserved granule break that reservation.
    @inline(__always)
    func noteStore(physical: UInt64, length: UInt64) {
        machine.noteStore(by: self, physical: physical, length: length)
        // A store into decoded code dropped the blocks: the batch ends after it.
        if bus.codePages.epoch != blocks.epoch { batchMustEnd = true }
        mmu.checker?.noteStore(hart: id, pc: checkedPC, instret: instructionsRetired, physical: physical, length: length)
    }

    // MARK: Instruction fetch

    /// Fetches the instruction at `pc` when the inner loop's cached code page does not
    /// cover it. Updates the cached code page when the page may be cached. The result
    /// holds 16 bits for a compressed instruction.
    @inline(never)
    func fetchSlow(_ pc: UInt64, tag: inout UInt64, page: inout UnsafeRawPointer) -> UInt32? {
        checkedPC = pc
        let vpage = pc & ~0xFFF
        let offset = Int(pc & 0xFFF)
        var physical: UInt64 = 0
        let entry = mmu.fetchTLB.table[HostTLB.index(pc)]
        if entry.tag == vpage {
            tag = vpage
            page = UnsafeRawPointer(entry.page)
        } else {
            // This fetch consults the modelled ITLB; the others hit the cached code page.
            loopCounters.pointee.slowFetches &+= 1
            let t = translate(pc, length: 2, access: .fetch)
            if let fault = t.fault { fail(fault, pc); return nil }
            physical = t.physical
            // An NC or IO page (Svpbmt) is never cached on the host side, so each of its
            // instructions is fetched here, from memory, past the modelled caches.
            if timingEnabled && mmu.lastTranslationBypassesCaches { timing.uncachedFetch() }
            if let host = t.hostPage {
                mmu.fetchTLB.install(virtualPage: vpage, host: host)
                tag = vpage
                page = UnsafeRawPointer(host)
            } else {
                tag = HostTLB.invalidTag
            }
        }
        let cached = tag == vpage
        if cached && offset <= 0xFFC {
            let raw = page.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            return raw & 3 == 3 ? raw : raw & 0xFFFF
        }
        // An uncached page (read through the bus), or the last halfword of a page.
        let low: UInt32
        if cached {
            low = UInt32(page.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
        } else {
            guard let v = fetchHalf(physical: physical) else { fail(.instructionAccessFault, pc); return nil }
            low = v
        }
        if low & 3 != 3 { return low }
        // The upper half is on the next page, or on a page that is not uniform (a
        // base/limit bound or a PMP boundary may lie inside it): translate it too.
        if cached { loopCounters.pointee.slowFetches &+= 1 }
        let next = pc &+ 2
        let t = translate(next, length: 2, access: .fetch)
        if let fault = t.fault { fail(fault, next); return nil }
        guard let high = fetchHalf(physical: t.physical) else { fail(.instructionAccessFault, next); return nil }
        return low | (high << 16)
    }

    /// Reads 16 instruction bits at a physical address; only memory holds instructions.
    private func fetchHalf(physical: UInt64) -> UInt32? {
        guard bus.memory(containing: physical, length: 2) != nil, let v = bus.read(physical, size: 2) else { return nil }
        return UInt32(truncatingIfNeeded: v)
    }

    // MARK: Atomics

    /// Translates an LR/SC/AMO address: it must be naturally aligned and in RAM.
    private func atomicAddress(_ va: UInt64, size: Int, access: AccessType) -> UInt64? {
        guard va & UInt64(size - 1) == 0 else { fail(access.misaligned, va); return nil }
        let t = translate(va, length: UInt64(size), access: access)
        if let fault = t.fault { fail(fault, va &+ t.faultOffset); return nil }
        guard bus.ram.contains(t.physical, length: UInt64(size)) else { fail(access.accessFault, va); return nil }
        return t.physical
    }

    /// LR.W / LR.D: loads and reserves. The result is sign-extended for LR.W.
    @inline(never)
    func loadReserved(_ va: UInt64, size: Int) -> UInt64? {
        guard let pa = atomicAddress(va, size: size, access: .load) else { return nil }
        chargeDataAccess(pa)
        reservation = pa
        machine.noteReservation(by: self, physical: pa)
        let v = bus.ram.load(pa, size: size)
        return size == 4 ? UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: v))) : v
    }

    /// SC.W / SC.D: stores if the reservation still covers the address. Returns 0 on
    /// success, 1 on failure, nil on an exception. The reservation is always cleared.
    @inline(never)
    func storeConditional(_ va: UInt64, size: Int, value: UInt64) -> UInt64? {
        guard let pa = atomicAddress(va, size: size, access: .store) else {
            reservation = .max
            machine.reservationsChanged()
            return nil
        }
        defer {
            reservation = .max
            machine.reservationsChanged()
        }
        guard reservation == pa else { return 1 }
        chargeDataAccess(pa)
        bus.ram.store(pa, size: size, value: value)
        bus.codePages.noteWrite(pa, length: UInt64(size))
        noteStore(physical: pa, length: UInt64(size))
        return 0
    }

    /// An AMO: reads, combines with `operand`, writes back; returns the old value
    /// (sign-extended for .W).
    @inline(never)
    func atomicMemoryOperation(_ op: Opcode, _ va: UInt64, operand: UInt64) -> UInt64? {
        let size: Int
        switch op {
        case .amoswapW, .amoaddW, .amoxorW, .amoandW, .amoorW, .amominW, .amomaxW, .amominuW, .amomaxuW: size = 4
        default: size = 8
        }
        guard let pa = atomicAddress(va, size: size, access: .store) else { return nil }
        chargeDataAccess(pa)
        let raw = bus.ram.load(pa, size: size)
        let old = size == 4 ? UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: raw))) : raw
        let b = size == 4 ? UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: operand))) : operand
        let new: UInt64
        switch op {
        case .amoswapW, .amoswapD: new = b
        case .amoaddW, .amoaddD: new = old &+ b
        case .amoxorW, .amoxorD: new = old ^ b
        case .amoandW, .amoandD: new = old & b
        case .amoorW, .amoorD: new = old | b
        case .amominW, .amominD: new = Int64(bitPattern: old) < Int64(bitPattern: b) ? old : b
        case .amomaxW, .amomaxD: new = Int64(bitPattern: old) > Int64(bitPattern: b) ? old : b
        case .amominuW, .amominuD: new = old < b ? old : b
        default: new = old > b ? old : b  // amomaxu
        }
        bus.ram.store(pa, size: size, value: new)
        bus.codePages.noteWrite(pa, length: UInt64(size))
        noteStore(physical: pa, length: UInt64(size))
        return old
    }
}
