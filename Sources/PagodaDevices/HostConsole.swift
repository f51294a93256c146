#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The host's terminal (or whatever stdin and stdout are) as the serial console,
/// behaving like QEMU's `-nographic` console:
///
/// - Output is buffered and written with write(2), flushed at each newline, when the
///   buffer fills, whenever input is checked, and on `flush()` / `restore()`. The
///   machine should call `flush()` when it stops so that a last line without a newline
///   is not lost.
/// - Input is read without blocking: poll(2) with a zero timeout, then read(2) of what
///   is there. To keep a guest that polls the UART in a tight loop from making a system
///   call per poll, the descriptor is checked at most once per millisecond; bytes
///   already read are handed out at once. End of input (a closed pipe, /dev/null)
///   stops the checks.
/// - When stdin is a terminal it is switched to raw mode: no echo, no line editing, no
///   signals (Ctrl-C goes to the guest), 8-bit input; output processing stays on, so
///   the guest's "\n" still starts a new line. The previous settings come back on
///   `restore()`, when the console is deinitialised, and at exit (an atexit(3) handler).
///   A process killed by a signal skips all of these, so the machine should call
///   `restore()` on any path that ends the process, signals included.
/// - Escape commands, as QEMU's: Ctrl-A x sets `quitRequested` (the machine checks it
///   and stops), Ctrl-A Ctrl-A sends one Ctrl-A to the guest, Ctrl-A h prints the list
///   on stderr; any other byte after Ctrl-A is dropped.
public final class HostConsole: ConsoleIO {
    /// The user typed Ctrl-A x.
    public private(set) var quitRequested = false

    /// False once the input has ended (end of file on a pipe or /dev/null).
    public var mayReceiveInput: Bool { !inputEnded }

    private let inputDescriptor: Int32
    private let outputDescriptor: Int32
    private let handlesEscapes: Bool
    private var outputBuffer: [UInt8] = []
    private var inputBuffer: [UInt8] = []
    private var inputPosition = 0
    private var inputEnded = false
    private var lastInputCheck: ContinuousClock.Instant?
    private var escapePending = false
    private var changedTerminal = false

    /// The escape byte, Ctrl-A.
    public static let escapeByte: UInt8 = 0x01
    private static let inputCheckInterval: Duration = .milliseconds(1)
    private static let outputBufferLimit = 4096
    private static let inputChunkSize = 256

    /// A console on `input` and `output` (stdin and stdout by default). `rawMode`
    /// switches a terminal on `input` to raw mode; `escapeCommands` enables the Ctrl-A
    /// commands.
    public init(
        input: Int32 = STDIN_FILENO,
        output: Int32 = STDOUT_FILENO,
        rawMode: Bool = true,
        escapeCommands: Bool = true
    ) {
        inputDescriptor = input
        outputDescriptor = output
        handlesEscapes = escapeCommands
        if rawMode {
            changedTerminal = SavedTerminal.enterRawMode(descriptor: input)
        }
    }

    deinit {
        restore()
    }

    // MARK: - ConsoleIO

    public func write(_ byte: UInt8) {
        outputBuffer.append(byte)
        if byte == UInt8(ascii: "\n") || outputBuffer.count >= Self.outputBufferLimit {
            flush()
        }
    }

    public func read() -> UInt8? {
        while let byte = nextInputByte() {
            if let delivered = interpretEscapes(byte) {
                return delivered
            }
        }
        return nil
    }

    // MARK: - Control

    /// Writes out all buffered output.
    public func flush() {
        guard !outputBuffer.isEmpty else { return }
        writeAll(outputDescriptor, outputBuffer)
        outputBuffer.removeAll(keepingCapacity: true)
    }

    /// Flushes output and gives the terminal back its settings from before raw mode.
    /// Safe to call more than once.
    public func restore() {
        flush()
        if changedTerminal {
            SavedTerminal.restore()
            changedTerminal = false
        }
    }

    // MARK: - Input

    private func nextInputByte() -> UInt8? {
        if inputPosition == inputBuffer.count, !refillInput() {
            return nil
        }
        defer { inputPosition += 1 }
        return inputBuffer[inputPosition]
    }

    /// Reads what the input descriptor has, if it is time to look.
    private func refillInput() -> Bool {
        guard !inputEnded else { return false }
        let now = ContinuousClock.now
        if let last = lastInputCheck, now - last < Self.inputCheckInterval {
            return false
        }
        lastInputCheck = now
        flush()
        switch readAvailable(inputDescriptor, upTo: Self.inputChunkSize) {
        case .bytes(let bytes):
            inputBuffer = bytes
            inputPosition = 0
            return true
        case .nothing:
            return false
        case .ended:
            inputEnded = true
            return false
        }
    }

    /// Applies the Ctrl-A commands to one input byte; returns the byte the guest gets,
    /// if any.
    private func interpretEscapes(_ byte: UInt8) -> UInt8? {
        guard handlesEscapes else { return byte }
        guard escapePending else {
            if byte == Self.escapeByte {
                escapePending = true
                return nil
            }
            return byte
        }
        escapePending = false
        switch byte {
        case Self.escapeByte:
            return byte
        case UInt8(ascii: "x"):
            quitRequested = true
        case UInt8(ascii: "h"), UInt8(ascii: "?"):
            writeAll(STDERR_FILENO, Array(Self.escapeHelp.utf8))
        default:
            break
        }
        return nil
    }

    private static let escapeHelp = """

        C-a h    print this help
        C-a x    exit the emulator
        C-a C-a  send C-a to the guest

        """
}

// MARK: - Terminal settings

/// The terminal settings from before raw mode, kept globally so that the atexit(3)
/// handler, a plain C function, can put them back.
private enum SavedTerminal {
    nonisolated(unsafe) private static var descriptor: Int32 = -1
    nonisolated(unsafe) private static var attributes = termios()
    nonisolated(unsafe) private static var exitHandlerInstalled = false

    /// Switches the terminal on `descriptor` to raw mode; false if it is not a terminal
    /// or another console already did.
    static func enterRawMode(descriptor newDescriptor: Int32) -> Bool {
        guard descriptor < 0, isatty(newDescriptor) != 0 else { return false }
        var saved = termios()
        guard tcgetattr(newDescriptor, &saved) == 0 else { return false }
        var raw = saved
        raw.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON)
        raw.c_oflag |= tcflag_t(OPOST)
        raw.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        raw.c_cflag &= ~tcflag_t(CSIZE | PARENB)
        raw.c_cflag |= tcflag_t(CS8)
        withUnsafeMutableBytes(of: &raw.c_cc) { characters in
            characters[Int(VMIN)] = 1
            characters[Int(VTIME)] = 0
        }
        guard tcsetattr(newDescriptor, TCSANOW, &raw) == 0 else { return false }
        descriptor = newDescriptor
        attributes = saved
        if !exitHandlerInstalled {
            exitHandlerInstalled = true
            atexit { SavedTerminal.restore() }
        }
        return true
    }

    static func restore() {
        guard descriptor >= 0 else { return }
        _ = tcsetattr(descriptor, TCSANOW, &attributes)
        descriptor = -1
    }
}

// MARK: - Descriptor I/O

private enum ReadResult {
    case bytes([UInt8])
    case nothing
    case ended
}

/// Up to `limit` bytes from `descriptor` if some are ready now, without blocking.
private func readAvailable(_ descriptor: Int32, upTo limit: Int) -> ReadResult {
    var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
    guard poll(&request, 1, 0) > 0 else { return .nothing }
    var bytes = [UInt8](repeating: 0, count: limit)
    let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    if count > 0 {
        return .bytes(Array(bytes[..<count]))
    }
    if count < 0, errno == EINTR || errno == EAGAIN {
        return .nothing
    }
    return .ended
}

/// Writes all of `bytes` to `descriptor`, waiting while it is full. Output to a
/// descriptor that fails otherwise (a closed pipe) is dropped.
private func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else if written < 0, errno == EAGAIN {
                var request = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                _ = poll(&request, 1, 100)
            } else {
                return
            }
        }
    }
}
