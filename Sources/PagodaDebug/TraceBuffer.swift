import Glibc

/// The tracer's output: text appended as bytes (numbers formatted without building
/// strings) into a fixed buffer that is written to the file in large pieces. The buffer
/// and its fill level live behind pointers, so appending a byte costs no exclusivity
/// check and no reference counting (the tracer appends some hundred bytes per
/// instruction).
final class TraceBuffer {
    private let file: UnsafeMutablePointer<FILE>
    private let bytes: UnsafeMutablePointer<UInt8>
    /// [0]: bytes in the buffer; [1]: where the current line starts.
    private let marks: UnsafeMutablePointer<Int>
    private static let flushSize = 1 << 16
    private static let capacity = flushSize + (1 << 12)
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    init(file: UnsafeMutablePointer<FILE>) {
        self.file = file
        bytes = .allocate(capacity: Self.capacity)
        marks = .allocate(capacity: 2)
        marks.initialize(repeating: 0, count: 2)
    }

    deinit {
        bytes.deallocate()
        marks.deallocate()
    }

    /// The number of bytes in the current line so far (for padding to a column).
    var lineLength: Int { marks[0] - marks[1] }

    @inline(__always)
    func append(byte: UInt8) {
        if marks[0] == Self.capacity { flush() }  // an absurdly long line: write out what there is
        bytes[marks[0]] = byte
        marks[0] += 1
    }

    func append(_ text: String) {
        var text = text
        text.withUTF8 { for b in $0 { append(byte: b) } }
    }

    /// `value` in lowercase hex, zero-padded to `digits`.
    func append(hex value: UInt64, digits: Int) {
        var count = digits
        while count < 16 && value >> (4 * UInt64(count)) != 0 { count += 1 }
        Self.digits.withUnsafeBufferPointer { table in
            for i in stride(from: count - 1, through: 0, by: -1) {
                append(byte: table[Int((value >> (4 * UInt64(i))) & 15)])
            }
        }
    }

    func append(decimal value: UInt64) {
        if value >= 10 { append(decimal: value / 10) }
        append(byte: UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// `count` spaces.
    func append(spaces count: Int) {
        for _ in 0..<max(count, 0) { append(byte: 0x20) }
    }

    /// Ends the line; writes the buffer out when it is large.
    func endLine() {
        append(byte: 0x0A)
        marks[1] = marks[0]
        if marks[0] >= Self.flushSize { flush() }
    }

    /// `value`'s low `count` bytes, little-endian (binary traces).
    @inline(__always)
    func append(littleEndian value: UInt64, bytes count: Int) {
        for i in 0..<count { append(byte: UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    /// Ends a binary record; writes the buffer out when it is large.
    func endRecord() {
        marks[1] = marks[0]
        if marks[0] >= Self.flushSize { flush() }
    }

    func flush() {
        if marks[0] > 0 { fwrite(bytes, 1, marks[0], file) }
        marks[1] -= marks[0]
        marks[0] = 0
        fflush(file)
    }
}
