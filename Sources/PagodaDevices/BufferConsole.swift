/// A console held in memory: input comes from bytes given to it, output is collected.
/// For tests, and for running a guest with scripted input.
public final class BufferConsole: ConsoleIO {
    /// Every byte the guest has sent, in order.
    public var output: [UInt8] = []

    private var input: [UInt8]
    private var inputPosition = 0

    /// The output decoded as UTF-8 (invalid sequences become U+FFFD).
    public var outputString: String { String(decoding: output, as: UTF8.self) }

    /// The number of input bytes not yet read.
    public var pendingInputCount: Int { input.count - inputPosition }

    /// Never: all of a buffer console's input is there from the start, and only its owner
    /// adds more (`append(input:)`), between runs. A guest that waits while the machine
    /// runs would wait forever.
    public var mayReceiveInput: Bool { false }

    public init(input: [UInt8] = []) {
        self.input = input
    }

    public convenience init(input: String) {
        self.init(input: Array(input.utf8))
    }

    /// Queues more input after what is already waiting.
    public func append(input bytes: [UInt8]) {
        input.removeFirst(inputPosition)
        inputPosition = 0
        input.append(contentsOf: bytes)
    }

    /// Queues the UTF-8 bytes of `string` after what is already waiting.
    public func append(input string: String) {
        append(input: Array(string.utf8))
    }

    public func write(_ byte: UInt8) {
        output.append(byte)
    }

    public func read() -> UInt8? {
        guard inputPosition < input.count else { return nil }
        defer { inputPosition += 1 }
        return input[inputPosition]
    }
}
