import PagodaDevices

/// Device events in modelled time: callbacks devices schedule at an mtime tick, run
/// between batches of instructions once the machine's time has reached them.
///
/// The run loop caps each batch so the hart it runs stops at (or just before) the next
/// event, fires the events that are due before it picks the next hart, and when every
/// hart waits, lets time jump to the earliest of the timer deadlines and the next
/// event. Events with the same tick run in the order they were scheduled, so a run
/// depends only on its inputs.
final class DeviceEvents {
    private struct Event {
        let tick: UInt64
        let sequence: UInt64
        let action: () -> Void
    }

    /// Pending events, earliest first (ties: in scheduling order).
    private var events: [Event] = []
    private var sequence: UInt64 = 0

    /// The tick of the earliest pending event, if any.
    var nextTick: UInt64? { events.first?.tick }

    func schedule(atTick tick: UInt64, _ action: @escaping () -> Void) {
        let event = Event(tick: tick, sequence: sequence, action: action)
        sequence &+= 1
        // Binary search for the first event that must run after this one.
        var low = 0, high = events.count
        while low < high {
            let mid = (low + high) / 2
            if events[mid].tick <= tick { low = mid + 1 } else { high = mid }
        }
        events.insert(event, at: low)
    }

    /// Runs every event due at `now`, including those a running event schedules for `now`.
    /// Returns whether any ran.
    @discardableResult
    func fire(upTo now: UInt64) -> Bool {
        var fired = false
        while let first = events.first, first.tick <= now {
            events.removeFirst()
            first.action()
            fired = true
        }
        return fired
    }

    func removeAll() { events.removeAll() }
}

extension Machine: DeviceClock {
    public func schedule(atTick tick: UInt64, _ action: @escaping () -> Void) {
        deviceEvents.schedule(atTick: tick, action)
    }

    /// Runs the events due at the current hart's time. Events may raise interrupts, so
    /// harts must look at their interrupts again.
    func fireDueEvents() {
        guard let next = deviceEvents.nextTick, next <= mtime else { return }
        deviceEvents.fire(upTo: mtime)
    }

    /// How many cycles `hart` (the current hart) may run before the next event is due:
    /// nil when no event is pending.
    func cyclesUntilNextEvent() -> UInt64? {
        guard let next = deviceEvents.nextTick else { return nil }
        let now = mtime
        guard next > now else { return 0 }
        let (cycles, overflow) = (next - now).multipliedReportingOverflow(by: cyclesPerTick)
        return overflow ? .max : cycles
    }
}

extension Machine {
    /// Every running hart waits and a device event comes first: every waiting hart's
    /// clock moves to its tick (measured on the hart furthest behind) and it runs.
    func passTime(untilEvent tick: UInt64, running: [Hart]) {
        guard let behind = running.min(by: { $0.cycles < $1.cycles }) else { return }
        currentHart = behind
        if tick > mtime {
            let (distance, overflow) = (tick - mtime).multipliedReportingOverflow(by: cyclesPerTick)
            let (target, past) = behind.cycles.addingReportingOverflow(distance)
            if !overflow && !past {
                for hart in running where hart.cycles < target { hart.cyclesBase &+= target - hart.cycles }
            }
        }
        // The event runs even when the clocks cannot reach its tick (a guest moved mtime
        // to the end of time), so waiting always ends.
        deviceEvents.fire(upTo: max(tick, mtime))
    }
}
