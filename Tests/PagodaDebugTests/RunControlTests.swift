@testable import PagodaDebug
import PagodaMachine
import XCTest

/// Stepping harts in turn: breakpoints per hart, single steps, held harts, interrupts
/// from the debugger, and the machine's own end.
final class RunControlTests: XCTestCase {
    func testBreakpointsStopTheHartThatReachesThem() {
        let machine = TestMachines.make(TestMachines.counterLoop, harts: 2, bootAllHarts: true)
        let control = RunControl(machine: machine)
        control.softwareBreakpoints = [0x8000_0008]
        guard case .breakpoint(let first, hardware: false) = control.resume([.run, .run]) else { return XCTFail("no breakpoint") }
        XCTAssertEqual(first.id, 0, "harts take turns, hart 0 first")
        XCTAssertEqual(machine.harts[1].pc, 0x8000_0008, "hart 1 got as far, but stops with hart 0: all-stop")
        guard case .breakpoint(let second, _) = control.resume([.stop, .run]) else { return XCTFail("no breakpoint") }
        XCTAssertEqual(second.id, 1)
        XCTAssertEqual(machine.harts[0].pc, 0x8000_0008, "hart 0 was held by the debugger")
    }

    func testStepsExecuteOneInstructionEvenAtABreakpoint() {
        let machine = TestMachines.make(TestMachines.counterLoop, harts: 2)
        let control = RunControl(machine: machine)
        control.hardwareBreakpoints = [0x8000_0004]
        guard case .breakpoint(let hart, hardware: true) = control.resume([.run, .run]) else { return XCTFail("no breakpoint") }
        let retired = hart.instructionsRetired
        guard case .stepped(let stepped) = control.resume([.step, .stop]) else { return XCTFail("no step") }
        XCTAssertTrue(stepped === hart)
        XCTAssertEqual(hart.pc, 0x8000_0008)
        XCTAssertEqual(hart.instructionsRetired, retired + 1)
        guard case .stepped(let held) = control.resume([.stop, .step]) else { return XCTFail("no step") }
        XCTAssertEqual(held.id, 1, "a held hart's step ends at once")
        XCTAssertEqual(held.pc, 0x1000)
    }

    func testTheDebuggerCanInterruptAndTheGuestCanEnd() {
        let looping = TestMachines.make(TestMachines.counterLoop)
        let control = RunControl(machine: looping)
        var polls = 0
        control.interruptRequested = { polls += 1; return polls == 3 }
        guard case .interrupted = control.resume([.run]) else { return XCTFail("not interrupted") }
        XCTAssertGreaterThanOrEqual(looping.instructionsExecuted, UInt64(2 * control.pollInterval))

        let ending = TestMachines.make(TestMachines.powerOff)
        guard case .exited(.passed) = RunControl(machine: ending).resume([.run]) else { return XCTFail("did not end") }

        let limited = TestMachines.make(TestMachines.counterLoop, maxInstructions: 1000)
        guard case .exited(.instructionLimit) = RunControl(machine: limited).resume([.run]) else { return XCTFail("no limit") }
        XCTAssertEqual(limited.instructionsExecuted, 1000)
    }

    func testWatchpointKinds() {
        let machine = TestMachines.make(TestMachines.counterLoop)
        let control = RunControl(machine: machine)
        control.watchpoints = [Watchpoint(kind: .read, address: TestMachines.counterAddress, length: 8)]
        control.instructionBound = 5_000
        guard case .bound = control.resume([.run]) else { return XCTFail("a store is not a read") }
        control.instructionBound = nil
        control.watchpoints = [Watchpoint(kind: .access, address: TestMachines.counterAddress + 4, length: 1)]
        guard case .watchpoint(_, .access, let address) = control.resume([.run]) else { return XCTFail("no access") }
        XCTAssertEqual(address, TestMachines.counterAddress + 4, "the first watched byte the access touched")
    }
}
