/// Exit statuses of `pagoda run`. A guest's own status comes through unchanged (its
/// low eight bits, as on QEMU); host-side problems have codes of their own.
enum ExitStatus {
    static let guestPassed: Int32 = 0
    /// The command line is malformed (argument parser's usage error).
    static let usage: Int32 = 64
    /// The kernel file is not a loadable RISC-V ELF executable.
    static let badKernel: Int32 = 65
    /// The kernel file does not exist or cannot be read.
    static let missingKernel: Int32 = 66
    /// A host tool a command needs (python3 and matplotlib for `report --plot`) is missing or failed.
    static let unavailable: Int32 = 69
    /// `--max-instructions` ran out before the guest stopped.
    static let instructionLimit: Int32 = 124
    /// Every hart waits for an interrupt that nothing can raise.
    static let deadlock: Int32 = 125
    /// The user quit from the console with Ctrl-A x.
    static let quit: Int32 = 130

    /// A failing guest's status: the low byte of its code, or 1 if that byte is 0.
    static func guestFailed(_ code: Int) -> Int32 {
        let low = Int32(code & 0xFF)
        return low == 0 ? 1 : low
    }
}
