import ArgumentParser

/// A memory size on the command line: a number of bytes with an optional K, M or G
/// suffix (powers of 1024; `KiB`, `MiB`, `GiB` and `B` are accepted too).
struct ByteSize: ExpressibleByArgument {
    let bytes: UInt64

    init?(argument: String) {
        var text = argument.uppercased()
        for suffix in ["IB", "B"] where text.hasSuffix(suffix) { text.removeLast(suffix.count); break }
        var multiplier: UInt64 = 1
        if let last = text.last, let m = ["K": UInt64(1) << 10, "M": 1 << 20, "G": 1 << 30][String(last)] {
            multiplier = m
            text.removeLast()
        }
        guard let n = UInt64(text), n > 0 else { return nil }
        let (bytes, overflow) = n.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { return nil }
        self.bytes = bytes
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
