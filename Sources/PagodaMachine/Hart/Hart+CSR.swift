import PagodaISA

extension Hart {
    /// misa: RV64 (MXL = 2) with A, C, I, M, S and U. Read-only (WARL).
    static let misa: UInt64 = (2 << 62) | (1 << 0) | (1 << 2) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20)
    /// The interrupt bits software can enable in mie.
    static let interruptBits: UInt64 = 0xAAA
    /// The supervisor interrupt bits (SSIP, STIP, SEIP), which mideleg can delegate.
    static let supervisorInterrupts: UInt64 = 0x222
    /// Exceptions medeleg can delegate: all but ECALL from M (11) and the reserved codes 10 and 14.
    static let delegableExceptions: UInt64 = 0xB3FF

    /// Whether Sstc is enabled for S-mode (menvcfg.STCE).
    var sstcEnabled: Bool { menvcfg & EnvConfig.stce != 0 }

    /// The current value of mip: software-written bits plus the lines from the CLINT,
    /// the PLIC and the Sstc comparator.
    public var mip: UInt64 {
        var ip = mipSoftware
        let clint = machine.clint!
        if clint.softwareInterruptPending(hart: id) { ip |= Interrupt.machineSoftware.mask }
        if clint.timerInterruptPending(hart: id) { ip |= Interrupt.machineTimer.mask }
        if machine.plic.interruptPending(context: 2 * id) { ip |= Interrupt.machineExternal.mask }
        if machine.plic.interruptPending(context: 2 * id + 1) { ip |= Interrupt.supervisorExternal.mask }
        if sstcEnabled {
            ip &= ~Interrupt.supervisorTimer.mask
            if machine.mtime >= stimecmp { ip |= Interrupt.supervisorTimer.mask }
        }
        return ip
    }

    /// Whether a counter CSR (cycle, time, instret, hpmcounterN) may be read in the current mode.
    private func counterAccessible(_ csr: UInt16) -> Bool {
        let bit = UInt64(1) << UInt64(csr & 0x1F)
        switch privilege {
        case .machine: return true
        case .supervisor: return mcounteren & bit != 0
        case .user: return mcounteren & bit != 0 && scounteren & bit != 0
        }
    }

    /// Reads a CSR, or returns nil when the access is illegal in the current mode.
    func readCSR(_ csr: UInt16) -> UInt64? {
        // Bits 9:8 give the lowest privilege that may access the CSR.
        if UInt8((csr >> 8) & 3) > privilege.rawValue { return nil }
        switch csr {
        case CSRAddress.cycle, CSRAddress.time, CSRAddress.instret, CSRAddress.hpmcounter3...CSRAddress.hpmcounter31:
            guard counterAccessible(csr) else { return nil }
            switch csr {
            case CSRAddress.cycle: return cycles
            case CSRAddress.time: return machine.mtime
            case CSRAddress.instret: return instructionsRetired
            default: return readPerformanceCounter(Int(csr - CSRAddress.hpmcounter3) + 3)
            }

        case CSRAddress.sstatus: return readStatus() & MStatus.supervisorView
        case CSRAddress.sie: return mie & mideleg
        case CSRAddress.stvec: return stvec
        case CSRAddress.scounteren: return scounteren
        case CSRAddress.senvcfg: return senvcfg
        case CSRAddress.sscratch: return sscratch
        case CSRAddress.sepc: return sepc
        case CSRAddress.scause: return scause
        case CSRAddress.stval: return stval
        case CSRAddress.sip: return mip & mideleg
        case CSRAddress.stimecmp:
            guard privilege == .machine || sstcEnabled else { return nil }
            return stimecmp
        case CSRAddress.satp:
            guard privilege == .machine || mstatus & MStatus.tvm == 0 else { return nil }
            return mmu.satp
        case CSRAddress.sbase: return mmu.sbase
        case CSRAddress.sbound: return mmu.sbound

        case CSRAddress.mvendorid, CSRAddress.marchid, CSRAddress.mimpid, CSRAddress.mconfigptr: return 0
        case CSRAddress.mhartid: return UInt64(id)
        case CSRAddress.mstatus: return readStatus()
        case CSRAddress.misa: return Hart.misa
        case CSRAddress.medeleg: return medeleg
        case CSRAddress.mideleg: return mideleg
        case CSRAddress.mie: return mie
        case CSRAddress.mtvec: return mtvec
        case CSRAddress.mcounteren: return mcounteren
        case CSRAddress.menvcfg: return menvcfg
        case CSRAddress.mcountinhibit: return mcountinhibit
        case CSRAddress.mhpmevent3...CSRAddress.mhpmevent31: return performanceEventSelector(Int(csr - CSRAddress.mhpmevent3) + 3)
        case CSRAddress.mscratch: return mscratch
        case CSRAddress.mepc: return mepc
        case CSRAddress.mcause: return mcause
        case CSRAddress.mtval: return mtval
        case CSRAddress.mip: return mip
        case CSRAddress.pmpcfg0...CSRAddress.pmpcfg15:
            let n = Int(csr - CSRAddress.pmpcfg0)
            return n & 1 == 0 ? mmu.pmp.readConfig(register: n) : nil
        case CSRAddress.pmpaddr0...CSRAddress.pmpaddr63:
            return mmu.pmp.readAddress(Int(csr - CSRAddress.pmpaddr0))
        case CSRAddress.mcycle: return cycles
        case CSRAddress.minstret: return instructionsRetired
        case CSRAddress.mhpmcounter3...CSRAddress.mhpmcounter31: return readPerformanceCounter(Int(csr - CSRAddress.mhpmcounter3) + 3)
        // Sdtrig with no triggers: tselect stays 0 and tdata1 reads type 0 ("no trigger").
        case CSRAddress.tselect, CSRAddress.tdata1, CSRAddress.tdata2, CSRAddress.tdata3: return 0
        default: return nil
        }
    }

    /// mstatus as software reads it (SD, FS, VS and XS are zero: no F, D or V state).
    private func readStatus() -> UInt64 { mstatus | MStatus.xlenFields }

    /// Writes a CSR. Returns false when the write is illegal (read-only CSR, too little
    /// privilege, unknown CSR). The caller has already checked that a read is legal.
    func writeCSR(_ csr: UInt16, _ value: UInt64) -> Bool {
        if (csr >> 10) & 3 == 3 { return false }  // read-only space
        if UInt8((csr >> 8) & 3) > privilege.rawValue { return false }
        switch csr {
        case CSRAddress.sstatus:
            writeStatus((mstatus & ~MStatus.supervisorView) | (value & MStatus.supervisorView))
        case CSRAddress.sie:
            mie = (mie & ~mideleg) | (value & mideleg & Hart.interruptBits)
            batchMustEnd = true
        case CSRAddress.stvec: stvec = legalTrapVector(value, current: stvec)
        case CSRAddress.scounteren: scounteren = value & 0xFFFF_FFFF
        case CSRAddress.senvcfg: senvcfg = value & EnvConfig.fiom
        case CSRAddress.sscratch: sscratch = value
        case CSRAddress.sepc: sepc = value & ~1
        case CSRAddress.scause: scause = value
        case CSRAddress.stval: stval = value
        case CSRAddress.sip:
            // Only SSIP is writable through sip, and only when delegated.
            let mask = mideleg & Interrupt.supervisorSoftware.mask
            mipSoftware = (mipSoftware & ~mask) | (value & mask)
            batchMustEnd = true
        case CSRAddress.stimecmp:
            guard privilege == .machine || sstcEnabled else { return false }
            stimecmp = value
            batchMustEnd = true
        case CSRAddress.satp:
            guard privilege == .machine || mstatus & MStatus.tvm == 0 else { return false }
            closeTranslationSegment()
            mmu.writeSATP(value)
            openTranslationSegment()
        case CSRAddress.sbase:
            mmu.sbase = value
            mmu.flushHostTLBs()
        case CSRAddress.sbound:
            mmu.sbound = value
            mmu.flushHostTLBs()

        case CSRAddress.mstatus: writeStatus(value)
        case CSRAddress.misa: break  // WARL: fixed
        case CSRAddress.medeleg: medeleg = value & Hart.delegableExceptions
        case CSRAddress.mideleg:
            mideleg = value & Hart.supervisorInterrupts
            batchMustEnd = true
        case CSRAddress.mie:
            mie = value & Hart.interruptBits
            batchMustEnd = true
        case CSRAddress.mtvec: mtvec = legalTrapVector(value, current: mtvec)
        case CSRAddress.mcounteren: mcounteren = value & 0xFFFF_FFFF
        case CSRAddress.menvcfg:
            menvcfg = value & (EnvConfig.fiom | EnvConfig.stce | EnvConfig.pbmte)
            batchMustEnd = true
        case CSRAddress.mcountinhibit: mcountinhibit = value & 0xFFFF_FFFD
        case CSRAddress.mhpmevent3...CSRAddress.mhpmevent31: break
        case CSRAddress.mscratch: mscratch = value
        case CSRAddress.mepc: mepc = value & ~1
        case CSRAddress.mcause: mcause = value
        case CSRAddress.mtval: mtval = value
        case CSRAddress.mip:
            var writable = Interrupt.supervisorSoftware.mask | Interrupt.supervisorExternal.mask
            if !sstcEnabled { writable |= Interrupt.supervisorTimer.mask }
            mipSoftware = (mipSoftware & ~writable) | (value & writable)
            batchMustEnd = true
        case CSRAddress.pmpcfg0...CSRAddress.pmpcfg15:
            let n = Int(csr - CSRAddress.pmpcfg0)
            guard n & 1 == 0 else { return false }
            mmu.pmp.writeConfig(register: n, value: value)
            mmu.flushHostTLBs()
        case CSRAddress.pmpaddr0...CSRAddress.pmpaddr63:
            mmu.pmp.writeAddress(Int(csr - CSRAddress.pmpaddr0), value: value)
            mmu.flushHostTLBs()
        case CSRAddress.mcycle:
            // The written value is what the next instruction reads.
            cyclesBase = value &- inFlight &- 1 &- mmu.statistics.walkCycles &- timedCycles
        case CSRAddress.minstret:
            retiredBase = value &- inFlight &- 1
        case CSRAddress.mhpmcounter3...CSRAddress.mhpmcounter31:
            writePerformanceCounter(Int(csr - CSRAddress.mhpmcounter3) + 3, value)
        case CSRAddress.tselect, CSRAddress.tdata1, CSRAddress.tdata2, CSRAddress.tdata3: break
        default: return false
        }
        return true
    }

    private func writeStatus(_ value: UInt64) {
        var new = (mstatus & ~MStatus.writable) | (value & MStatus.writable)
        // MPP is WARL: the reserved encoding 2 keeps the previous value.
        if (value >> MStatus.mppShift) & 3 == 2 { new = (new & ~MStatus.mpp) | (mstatus & MStatus.mpp) }
        let changed = new ^ mstatus
        if changed & MStatus.translationBits != 0 { closeTranslationSegment() }
        mstatus = new
        if changed & MStatus.translationBits != 0 {
            mmu.flushHostTLBs()
            openTranslationSegment()
        }
        batchMustEnd = true
    }

    /// xtvec is WARL: MODE values 2 and 3 are reserved, so such writes are ignored.
    private func legalTrapVector(_ value: UInt64, current: UInt64) -> UInt64 {
        value & 3 < 2 ? value : current
    }
}
