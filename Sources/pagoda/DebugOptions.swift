import ArgumentParser
import PagodaDebug
import PagodaMachine

/// Options that put the machine under a debugger or a tracer.
struct DebugOptions: ParsableArguments {
    /// Runs the machine: under the GDB stub or the tracer when asked, otherwise freely.
    func run(_ machine: Machine) throws -> StopReason {
        machine.run()
    }
}
