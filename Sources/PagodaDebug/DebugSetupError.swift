import Glibc

/// A failure to set up debugging: the debugger's socket cannot listen, the trace file
/// cannot be written.
public struct DebugSetupError: Error, CustomStringConvertible {
    public let description: String

    /// `what` and the system's explanation of errno.
    init(_ what: String) {
        description = "\(what): \(String(cString: strerror(errno)))"
    }

    init(message: String) { description = message }
}
