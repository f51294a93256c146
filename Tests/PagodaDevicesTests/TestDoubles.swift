import PagodaDevices

/// An interrupt line that remembers every level it was driven to.
final class RecordingInterruptLine: InterruptLine {
    private(set) var changes: [(source: Int, high: Bool)] = []
    private(set) var levels: [Int: Bool] = [:]

    func setLevel(source: Int, _ high: Bool) {
        changes.append((source, high))
        levels[source] = high
    }

    func isHigh(_ source: Int) -> Bool { levels[source] ?? false }
}

/// A clock that moves only when a test sets it.
final class ManualTime: TimeSource {
    var mtime: UInt64 = 0
}
