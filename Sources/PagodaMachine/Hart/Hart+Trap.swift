extension Hart {
    /// Takes a trap at `pc`: an exception (`interrupt` false) or an interrupt, with
    /// `cause` the code and `value` what goes in xtval. Follows "Machine Trap Delegation
    /// Registers" and the mstatus stack rules of the privileged spec.
    func enterTrap(pc: UInt64, cause: UInt64, value: UInt64, interrupt: Bool) {
        let delegated = interrupt ? (mideleg >> cause) & 1 != 0 : (medeleg >> cause) & 1 != 0
        let causeValue = interrupt ? (cause | (1 << 63)) : cause
        waitingForInterrupt = false
        // The excepting instruction was fetched but does not retire: it counts as an exception.
        if !interrupt { loopCounters.pointee.exceptions &+= 1 }
        trapsByCause[causeValue, default: 0] &+= 1
        if timingEnabled { timing.trapEntry() }
        closeTranslationSegment()
        defer { openTranslationSegment() }
        defer {
            if let s = machine.shootdowns {
                s.trap(hart: id, cause: cause, interrupt: interrupt, toMode: privilege.rawValue) { self.register(10 + $0) }
            }
        }
        if delegated && privilege != .machine {
            scause = causeValue
            sepc = pc & ~1
            stval = value
            var s = mstatus & ~(MStatus.spie | MStatus.spp | MStatus.sie)
            if mstatus & MStatus.sie != 0 { s |= MStatus.spie }
            if privilege == .supervisor { s |= MStatus.spp }
            mstatus = s
            self.pc = trapTarget(vector: stvec, cause: cause, interrupt: interrupt)
            setPrivilege(.supervisor)
        } else {
            mcause = causeValue
            mepc = pc & ~1
            mtval = value
            var s = mstatus & ~(MStatus.mpie | MStatus.mpp | MStatus.mie)
            if mstatus & MStatus.mie != 0 { s |= MStatus.mpie }
            s |= UInt64(privilege.rawValue) << MStatus.mppShift
            mstatus = s
            self.pc = trapTarget(vector: mtvec, cause: cause, interrupt: interrupt)
            setPrivilege(.machine)
        }
        machine.traceTrap(hart: self, cause: causeValue, value: value, epc: pc)
    }

    private func trapTarget(vector: UInt64, cause: UInt64, interrupt: Bool) -> UInt64 {
        let base = vector & ~3
        if vector & 3 == 1 && interrupt { return base &+ 4 &* cause }
        return base
    }

    /// Raises the exception a slow path recorded in `pendingCause`/`pendingValue`.
    func raisePending(pc: UInt64) {
        enterTrap(pc: pc, cause: pendingCause.rawValue, value: pendingValue, interrupt: false)
    }

    func raise(_ e: Exception, value: UInt64, pc: UInt64) {
        enterTrap(pc: pc, cause: e.rawValue, value: value, interrupt: false)
    }

    /// The interrupt to take now, if any ("Machine Interrupt Registers": an interrupt i
    /// traps to M if it is pending and enabled, not delegated, and M interrupts are
    /// globally enabled (MIE in M-mode, always below M); delegated ones trap to S under
    /// the same rule with SIE, and are never taken in M-mode).
    func interruptToTake() -> Interrupt? {
        if mie == 0 { return nil }  // nothing enabled: skip asking the devices
        let pending = mip & mie
        if pending == 0 { return nil }
        let machineEnabled = privilege < .machine || mstatus & MStatus.mie != 0
        let supervisorEnabled = privilege < .supervisor || (privilege == .supervisor && mstatus & MStatus.sie != 0)
        let toMachine = machineEnabled ? pending & ~mideleg : 0
        let toSupervisor = supervisorEnabled ? pending & mideleg : 0
        for i in Interrupt.priorityOrder where toMachine & i.mask != 0 { return i }
        for i in Interrupt.priorityOrder where toSupervisor & i.mask != 0 { return i }
        return nil
    }

    /// Takes a pending, enabled interrupt. Returns whether one was taken.
    @discardableResult
    func takeInterruptIfAny() -> Bool {
        guard let i = interruptToTake() else { return false }
        enterTrap(pc: pc, cause: i.rawValue, value: 0, interrupt: true)
        return true
    }

    /// Whether an interrupt is pending and enabled in mie, ignoring the global enables:
    /// the condition that ends WFI.
    var wakeUpPending: Bool { mie != 0 && mip & mie != 0 }

    /// mret: returns to MPP at mepc. Returns false if illegal (not in M-mode).
    func returnFromMachineTrap() -> Bool {
        guard privilege == .machine else { return false }
        if timingEnabled { timing.trapReturn() }
        let previous = PrivilegeMode.fromField(mstatus >> MStatus.mppShift)
        var s = mstatus & ~(MStatus.mie | MStatus.mpp)
        if mstatus & MStatus.mpie != 0 { s |= MStatus.mie }
        s |= MStatus.mpie
        if previous != .machine { s &= ~MStatus.mprv }
        closeTranslationSegment()
        mstatus = s
        pc = mepc
        setPrivilege(previous)
        mmu.flushHostTLBs()
        openTranslationSegment()
        machine.shootdowns?.trapReturn(hart: id, mode: PrivilegeMode.machine.rawValue, toMode: previous.rawValue)
        return true
    }

    /// sret: returns to SPP at sepc. Illegal in U-mode, and in S-mode when mstatus.TSR is set.
    func returnFromSupervisorTrap() -> Bool {
        guard privilege == .machine || (privilege == .supervisor && mstatus & MStatus.tsr == 0) else { return false }
        if timingEnabled { timing.trapReturn() }
        let previous: PrivilegeMode = mstatus & MStatus.spp != 0 ? .supervisor : .user
        var s = mstatus & ~(MStatus.sie | MStatus.spp | MStatus.mprv)
        if mstatus & MStatus.spie != 0 { s |= MStatus.sie }
        s |= MStatus.spie
        closeTranslationSegment()
        mstatus = s
        pc = sepc
        setPrivilege(previous)
        mmu.flushHostTLBs()
        openTranslationSegment()
        machine.shootdowns?.trapReturn(hart: id, mode: PrivilegeMode.supervisor.rawValue, toMode: previous.rawValue)
        return true
    }
}
