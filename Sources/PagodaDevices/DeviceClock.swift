/// Modelled time for devices that take time: a device asks to be called back at a
/// later tick instead of finishing work at once, so what a guest sees depends only on
/// what it executed, never on the host.
///
/// Ticks are `mtime` ticks (10 MHz, the CLINT's timebase). The machine runs due
/// callbacks between batches of instructions, never in the middle of an instruction,
/// and caps each batch so that none runs far past the next callback. Callbacks for the
/// same tick run in the order they were scheduled.
public protocol DeviceClock: AnyObject {
    /// The current time, in mtime ticks.
    var mtime: UInt64 { get }
    /// Runs `action` once time reaches `tick` (at once, between batches, if it already has).
    func schedule(atTick tick: UInt64, _ action: @escaping () -> Void)
}

/// `start + cost` ticks, or the last tick there is: a guest may set mtime anywhere
/// (the CLINT lets it), and time must not wrap around to the past.
func completionTick(after start: UInt64, cost: UInt64) -> UInt64 {
    let (tick, overflow) = start.addingReportingOverflow(cost)
    return overflow ? .max : tick
}
