import PagodaDevices
import XCTest
@testable import PagodaMachine

/// The machine's device events: ordered by tick, ties in scheduling order, and the run
/// loop lets time jump to them when every hart waits.
final class DeviceEventsTests: XCTestCase {
    func testOrderAndTies() {
        let events = DeviceEvents()
        var log: [String] = []
        events.schedule(atTick: 30) { log.append("c") }
        events.schedule(atTick: 10) { log.append("a1") }
        events.schedule(atTick: 10) { log.append("a2") }
        events.schedule(atTick: 20) {
            log.append("b")
            events.schedule(atTick: 15) { log.append("late") }
        }
        XCTAssertEqual(events.nextTick, 10)
        XCTAssertFalse(events.fire(upTo: 9))
        XCTAssertTrue(events.fire(upTo: 20))
        XCTAssertEqual(log, ["a1", "a2", "b", "late"], "an event scheduled in the past runs in the same round")
        XCTAssertEqual(events.nextTick, 30)
        events.removeAll()
        XCTAssertNil(events.nextTick)
    }

    /// A machine whose only hart waits forever deadlocks, unless a device event is
    /// pending: then time jumps to it and the event runs.
    func testIdleMachineJumpsToTheNextEvent() {
        var configuration = MachineConfiguration()
        configuration.memorySize = 16 << 20  // the device tree goes at 0x80e00000, out of the program's way
        configuration.maxInstructions = 1_000_000
        // 1: wfi; j 1b (at the RAM base, entered from the boot ROM).
        let program: [UInt8] = [0x73, 0x00, 0x50, 0x10, 0x6F, 0xF0, 0xDF, 0xFF]
        let machine = Machine(configuration: configuration, console: BufferConsole(input: []))
        machine.bus.ram.copy(program, to: 0x8000_0000)
        machine.reset()
        var fired: UInt64?
        machine.schedule(atTick: 5_000) { fired = machine.mtime }
        XCTAssertEqual(machine.run(), .deadlock)
        XCTAssertEqual(fired, 5_000)
    }

    func testEmptySlotsAndDevicesOnTheBus() {
        var configuration = MachineConfiguration()
        configuration.memorySize = 1 << 20
        let machine = Machine(configuration: configuration, console: BufferConsole(input: []))
        XCTAssertEqual(machine.virtio.count, 8)
        XCTAssertEqual(machine.bus.read(0x1000_1008, size: 4), 4, "the entropy device takes slot 0 without drives")
        XCTAssertEqual(machine.bus.read(0x1000_2008, size: 4), 0)
        XCTAssertEqual(machine.bus.read(0x1000_8000, size: 4), 0x7472_6976)
        XCTAssertFalse(machine.isRAM(0x1000_1000, length: 4))
        let bytes: [UInt8] = [1, 2, 3, 4]
        bytes.withUnsafeBytes { raw in
            XCTAssertTrue(machine.writePhysical(0x8000_0000 + (1 << 20) - 4, from: raw))
            XCTAssertFalse(machine.writePhysical(0x8000_0000 + (1 << 20) - 2, from: raw), "past the end of RAM")
            XCTAssertFalse(machine.writePhysical(0x1000_0000, from: raw), "not RAM")
        }
        XCTAssertEqual(machine.bus.read(0x8000_0000 + (1 << 20) - 4, size: 4), 0x0403_0201)
    }
}
