import Glibc
import PagodaISA
import PagodaMachine

/// Runs a machine one instruction at a time for the debugger and the tracer: harts take
/// turns (round-robin, `quantum` instructions each), breakpoints are checked before each
/// instruction and watchpoints against the access each load, store or AMO is about to
/// make, and observers see every step. The machine's own run loop is not involved, so it
/// pays nothing for any of this.
final class RunControl {
    /// What one hart does when execution resumes.
    enum Action: Equatable {
        case stop
        /// Execute one instruction, then stop everything.
        case step
        case run
    }

    /// Why execution stopped.
    enum Event {
        case breakpoint(Hart, hardware: Bool)
        case watchpoint(Hart, Watchpoint.Kind, address: UInt64)
        case stepped(Hart)
        /// `interruptRequested` said so (Ctrl-C).
        case interrupted
        /// The machine stopped for good.
        case exited(StopReason)
        /// `instructionBound` was reached.
        case bound
    }

    let machine: Machine
    var softwareBreakpoints: Set<UInt64> = []
    var hardwareBreakpoints: Set<UInt64> = []
    var watchpoints: [Watchpoint] = []
    var observers: [StepObserver] = []
    /// Asked every `pollInterval` instructions, and while every hart waits: true stops
    /// execution with `.interrupted`.
    var interruptRequested: () -> Bool = { false }
    /// Stop with `.bound` once the machine has executed this many instructions in all.
    var instructionBound: UInt64?
    var pollInterval = 4096

    /// The time (cycles) of the hart that ran last: harts in WFI catch up to it.
    private var now: UInt64
    private var nextStatisticsMark: UInt64 = 0
    /// Exceptions taken since the machine began (counted by the trap hook; behind a
    /// pointer, so the per-instruction path pays no exclusivity checks for it).
    private let exceptions = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)

    init(machine: Machine) {
        self.machine = machine
        now = machine.harts[0].cycles
        exceptions.initialize(to: 0)
        let previous = machine.onTrap
        machine.onTrap = { [weak self] hart, cause, value, epc in
            previous?(hart, cause, value, epc)
            guard let self else { return }
            if cause >> 63 == 0 { self.exceptions.pointee &+= 1 }
            for observer in self.observers {
                observer.trapTaken(hart, cause: cause, value: value, epc: epc, count: self.machine.instructionsExecuted)
            }
        }
    }

    deinit { exceptions.deallocate() }

    /// Runs until something stops it. `actions[i]` says what hart i does; harts that
    /// `.stop` do not execute.
    func resume(_ actions: [Action], quantum: Int = 1) -> Event {
        precondition(actions.count == machine.harts.count)
        if let reason = machine.stopReason { return .exited(reason) }
        // A held hart cannot execute: stepping it is over at once.
        for hart in machine.harts where actions[hart.id] == .step && !hart.isRunning { return .stepped(hart) }
        let resumed = machine.harts.filter { actions[$0.id] != .stop }
        guard !resumed.isEmpty else { return .interrupted }
        // What the loop reads per instruction, in locals: nothing changes them meanwhile.
        let software = softwareBreakpoints, hardware = hardwareBreakpoints, watchpoints = self.watchpoints
        let checkBreakpoints = !software.isEmpty || !hardware.isEmpty
        let observers = self.observers, bound = instructionBound ?? .max
        let limit = machine.configuration.maxInstructions ?? .max
        let exceptions = self.exceptions
        var now = self.now
        defer { self.now = now }
        var sincePoll = 0
        while true {
            var progressed = false
            for hart in resumed {
                let action = actions[hart.id]
                for _ in 0..<max(quantum, 1) {
                    guard machine.debugSelect(hart, time: now) else { break }
                    // Interrupts first (at most one to S and one to M can nest).
                    var taken = 0
                    while taken < 2, hart.debugTakeInterrupt() { taken += 1 }
                    if checkBreakpoints && action == .run {
                        if software.contains(hart.pc) { return .breakpoint(hart, hardware: false) }
                        if hardware.contains(hart.pc) { return .breakpoint(hart, hardware: true) }
                    }
                    let access = watchpoints.isEmpty ? nil : nextAccess(hart)
                    let exceptionsBefore = exceptions.pointee
                    for observer in observers { observer.willStep(hart, count: machine.instructionsExecuted) }
                    let executed = machine.step(hart)
                    for observer in observers { observer.didStep(hart, executed: executed) }
                    if let reason = machine.stopReason { return .exited(reason) }
                    guard executed else { break }
                    progressed = true
                    now = hart.cycles
                    let count = machine.instructionsExecuted
                    if count >= limit { return .exited(.instructionLimit) }
                    if count >= bound { return .bound }
                    if machine.statisticsInterval != nil { noteStatisticsInterval() }
                    if let access, exceptions.pointee == exceptionsBefore,
                       let hit = watchpoints.first(where: { $0.isHit(by: access) }) {
                        return .watchpoint(hart, hit.kind, address: max(access.address, hit.address))
                    }
                    if action == .step { return .stepped(hart) }
                    sincePoll += 1
                    if sincePoll >= pollInterval {
                        sincePoll = 0
                        machine.pollForDebugger()
                        if let reason = machine.stopReason { return .exited(reason) }
                        if interruptRequested() { return .interrupted }
                    }
                }
            }
            if !progressed {
                if let event = waitForSomethingToRun(resumed: resumed) { return event }
            }
        }
    }

    /// No resumed hart could execute. When every running hart is resumed, time passes as
    /// in the run loop (to the next timer deadline, or waiting for console input; with
    /// neither, the machine is deadlocked). When the debugger holds some running harts,
    /// the resumed ones wait (for Ctrl-C) rather than declare a deadlock those harts
    /// might end.
    private func waitForSomethingToRun(resumed: [Hart]) -> Event? {
        machine.pollForDebugger()
        if let reason = machine.stopReason { return .exited(reason) }
        if interruptRequested() { return .interrupted }
        let ids = Set(resumed.map(\.id))
        if machine.harts.allSatisfy({ !$0.isRunning || ids.contains($0.id) }) {
            machine.idleForDebugger()
            if let reason = machine.stopReason { return .exited(reason) }
        } else {
            var pause = timespec(tv_sec: 0, tv_nsec: 1_000_000)
            nanosleep(&pause, nil)
        }
        return nil
    }

    /// The data access the instruction at the hart's pc will make, if it makes one.
    private func nextAccess(_ hart: Hart) -> DataAccess? {
        guard let raw = hart.debugFetch(hart.pc) else { return nil }
        return DataAccess(Decoder.decode(raw), on: hart)
    }

    /// The statistics time series (`--stats-interval`), as the run loop keeps it.
    private func noteStatisticsInterval() {
        guard let interval = machine.statisticsInterval, interval > 0 else { return }
        if nextStatisticsMark == 0 { nextStatisticsMark = interval }
        guard machine.instructionsExecuted >= nextStatisticsMark else { return }
        machine.onInterval?(machine)
        let (mark, overflow) = (machine.instructionsExecuted / interval + 1).multipliedReportingOverflow(by: interval)
        nextStatisticsMark = overflow ? .max : mark
    }
}
