/// What the GDB stub and the tracer need beyond `Inspection.swift` and `Machine+Debug.swift`:
/// fetching instruction bits without side effects, the privilege data accesses use, and
/// the run loop's time keeping when a driver steps harts one instruction at a time.
extension Hart {
    /// The instruction at `va` as a fetch would see it now (translation for fetches, PMP
    /// ignored, as for `debugRead`): its bits (the upper half zero for a 16-bit one), or
    /// nil when it does not translate or is not in RAM or ROM. No side effects.
    public func debugFetch(_ va: UInt64) -> UInt32? {
        // Within a page, one translation serves all four bytes.
        if va & 0xFFF <= 0xFFC, let pa = fetchAddress(va), let memory = bus.memory(containing: pa, length: 4) {
            let bits = UInt32(truncatingIfNeeded: memory.load(pa, size: 4))
            return bits & 3 == 3 ? bits : bits & 0xFFFF
        }
        guard let low = debugFetchHalf(va) else { return nil }
        guard low & 3 == 3 else { return UInt32(low) }
        guard let high = debugFetchHalf(va &+ 2) else { return nil }
        return UInt32(low) | UInt32(high) << 16
    }

    private func debugFetchHalf(_ va: UInt64) -> UInt16? {
        var result: UInt16 = 0
        for i in 0..<UInt64(2) {
            guard let pa = fetchAddress(va &+ i), let memory = bus.memory(containing: pa) else { return nil }
            result |= UInt16(truncatingIfNeeded: memory.load(pa, size: 1)) << (8 * i)
        }
        return result
    }

    /// The physical address a fetch at `va` reads, by translation alone (a debugger may
    /// look where PMP would not let the hart).
    private func fetchAddress(_ va: UInt64) -> UInt64? {
        if let pa = inspect(va, access: .fetch).physical { return pa }
        let saved = mmu.pmp
        defer { mmu.pmp = saved }
        mmu.pmp = PMP()
        return inspect(va, access: .fetch).physical
    }

    /// The privilege loads and stores are made with now: MPP when M-mode has MPRV set.
    public var debugDataAccessMode: PrivilegeMode { dataAccessMode }

    /// Takes a pending, enabled interrupt now, as `Machine.step` would before executing
    /// (so a stepping driver sees the handler's first instruction before it runs).
    /// Returns whether one was taken.
    @discardableResult
    public func debugTakeInterrupt() -> Bool { takeInterruptIfAny() }
}

extension Machine {
    /// Prepares `hart` for `step` the way the run loop does before giving it a turn: a
    /// hart waiting in WFI has waited until `time` (in cycles: its own clock catches up),
    /// and mtime becomes this hart's time. Returns whether the hart can execute now
    /// (it runs and does not wait in WFI with nothing pending).
    @discardableResult
    public func debugSelect(_ hart: Hart, time: UInt64) -> Bool {
        if hart.isRunning && hart.waitingForInterrupt {
            let now = hart.cycles
            if time > now { hart.cyclesBase &+= time - now }
        }
        currentHart = hart
        return hart.isRunning && (!hart.waitingForInterrupt || hart.wakeUpPending)
    }
}
