/// Why a machine stopped running.
public enum StopReason: Equatable, Sendable, CustomStringConvertible {
    /// The guest powered off reporting success (test device 0x5555, HTIF exit 0).
    case passed
    /// The guest reported failure with an exit code (test device 0x3333 | code << 16, HTIF exit code).
    case failed(code: Int)
    /// The instruction limit was reached.
    case instructionLimit
    /// Every hart waits for an interrupt that nothing can raise.
    case deadlock
    /// The user asked to quit from the console (Ctrl-A x).
    case quit

    public var description: String {
        switch self {
        case .passed: return "guest passed"
        case .failed(let code): return "guest failed with code \(code)"
        case .instructionLimit: return "instruction limit reached"
        case .deadlock: return "all harts wait for an interrupt that cannot come"
        case .quit: return "quit from the console"
        }
    }
}
