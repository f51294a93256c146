/// A device on the physical bus.
///
/// The bus hands a device accesses that fall inside its window, with the offset from
/// the window's base. Sizes are 1, 2, 4 or 8 bytes and accesses are naturally aligned
/// (the bus splits or rejects the rest). A device answers `nil` / `false` for an access
/// it does not support, which the hart turns into an access fault.
///
/// Device accesses are the slow path: they never happen in the hart's inner loop.
public protocol MMIODevice: AnyObject {
    /// The size of the device's window in bytes.
    var windowSize: UInt64 { get }
    /// Reads `size` bytes at `offset`; `nil` for an unsupported access.
    func read(offset: UInt64, size: Int) -> UInt64?
    /// Writes the low `size` bytes of `value` at `offset`; `false` for an unsupported access.
    func write(offset: UInt64, size: Int, value: UInt64) -> Bool
}

/// A level-sensitive interrupt line from a device to an interrupt controller.
public protocol InterruptLine: AnyObject {
    func setLevel(source: Int, _ high: Bool)
}

/// The machine's notion of time, read and written by the CLINT (`mtime`, 10 MHz ticks).
public protocol TimeSource: AnyObject {
    var mtime: UInt64 { get set }
}

/// The host side of a serial console.
public protocol ConsoleIO: AnyObject {
    /// Sends one byte to the host (the terminal, a file, a test buffer).
    func write(_ byte: UInt8)
    /// One byte from the host if one is available now, without blocking.
    func read() -> UInt8?
    /// Whether more input may still arrive from outside, later. Input already held by the
    /// console does not count: the machine polls the UART before it asks, so what the
    /// UART could take it has taken. The machine uses this to tell harts that wait for
    /// input from harts that wait forever.
    var mayReceiveInput: Bool { get }
}

extension ConsoleIO {
    public var mayReceiveInput: Bool { true }
}
