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

    /// A breakpoint in the middle of a block that has already run (so it is pre-decoded)
    /// stops there, and an ebreak the debugger writes into that block traps there.
    func testBreakpointInsideABlockThatRan() throws {
        // 80000000 addi a0, a0, 1; addi a1, a1, 1; addi a2, a2, 1; addi a3, a3, 1; j 80000000
        let program: [UInt32] = [0x0015_0513, 0x0015_8593, 0x0016_0613, 0x0016_8693, 0xFF1F_F06F]
        let machine = TestMachines.make(program)
        let hart = machine.harts[0]
        hart.run(budget: 1_000)
        let control = RunControl(machine: machine)
        control.softwareBreakpoints = [0x8000_000C]
        guard case .breakpoint(let stopped, hardware: false) = control.resume([.run]) else { return XCTFail("no breakpoint") }
        XCTAssertTrue(stopped === hart)
        XCTAssertEqual(hart.pc, 0x8000_000C)
        XCTAssertEqual(hart.register(12), hart.register(13) + 1, "a2 counted, a3 not yet")
        control.softwareBreakpoints = []
        XCTAssertTrue(hart.debugWrite(0x8000_0008, bytes: [0x73, 0x00, 0x10, 0x00]))  // ebreak
        hart.run(budget: 5)  // addi a3, j, addi a0, addi a1, ebreak
        XCTAssertEqual(hart.debugReadCSR(0x342), 3, "mcause: breakpoint")
        XCTAssertEqual(hart.debugReadCSR(0x341), 0x8000_0008, "mepc: the ebreak inside the block")
    }
}
