/// Run control for debuggers and tracers: one instruction at a time, and a hook on
/// every trap. The normal run loop (`Machine.run`) never pays for any of it.
extension Machine {
    /// Executes exactly one instruction on `hart` (taking a pending interrupt first, as
    /// the hart would at that boundary). Returns false when the hart is held or waiting
    /// in WFI with nothing pending, so nothing ran.
    @discardableResult
    public func step(_ hart: Hart) -> Bool {
        guard hart.isRunning else { return false }
        if hart.waitingForInterrupt {
            guard hart.wakeUpPending else { return false }
            hart.waitingForInterrupt = false
        }
        currentHart = hart
        fireDueEvents()
        hart.takeInterruptIfAny()
        let executed = hart.run(budget: 1)
        instructionsExecuted &+= UInt64(executed)
        _ = performRequestedReset()
        return executed > 0
    }

    /// Polls devices (console input) the way the run loop does between batches.
    public func pollForDebugger() { pollDevicesNow() }

    /// Lets time pass when every hart waits (as the run loop does); for stepping drivers.
    public func idleForDebugger() { idleNow() }
}
