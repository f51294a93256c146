import PagodaMachine

/// Runs a machine under the tracer: one instruction at a time (harts take turns of the
/// configured quantum), until the guest stops it. Past `--trace-stop` nothing more is
/// traced, so the rest runs in the machine's own, fast, run loop.
public enum TracedRun {
    public static func run(_ machine: Machine, tracer: InstructionTracer) -> StopReason {
        defer { tracer.finish() }
        let control = RunControl(machine: machine)
        control.observers = [tracer]
        control.instructionBound = tracer.filter.stop
        return run(control)
    }

    /// Runs every hart under `control` until the machine stops (or reaches the control's
    /// instruction bound, after which the machine runs freely).
    static func run(_ control: RunControl) -> StopReason {
        let actions = [RunControl.Action](repeating: .run, count: control.machine.harts.count)
        while true {
            switch control.resume(actions, quantum: control.machine.configuration.quantum) {
            case .exited(let reason):
                return reason
            case .bound:
                control.observers = []
                return control.machine.run()
            case .breakpoint, .watchpoint, .stepped, .interrupted:
                continue
            }
        }
    }
}
