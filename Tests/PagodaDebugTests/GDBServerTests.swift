import Foundation
@testable import PagodaDebug
import PagodaMachine
import XCTest

/// The stub over a real socket, with the machine running in-process on another thread.
final class GDBServerTests: XCTestCase {
    /// Starts a server for `machine` on a free port; returns it and the thread's result.
    private func serve(_ machine: Machine) throws -> (GDBServer, Thread, Unchecked<StopReason?>) {
        let server = try GDBServer(machine: machine, port: 0)
        let result = Unchecked<StopReason?>(nil)
        let box = Unchecked(server)
        let done = Unchecked(false)
        let thread = Thread {
            result.value = box.value.run()
            done.value = true
        }
        thread.start()
        return (server, thread, result)
    }

    private func wait(for result: Unchecked<StopReason?>, seconds: Double = 20) -> StopReason? {
        let deadline = Date().addingTimeInterval(seconds)
        while result.value == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        return result.value
    }

    func testBreakpointContinueAndDetach() throws {
        let machine = TestMachines.make(TestMachines.counterLoop, maxInstructions: 1_000_000)
        let (server, _, result) = try serve(machine)
        let gdb = try XCTUnwrap(GDBClient(port: server.port))

        XCTAssertTrue(gdb.request("qSupported:swbreak+;hwbreak+")?.contains("qXfer:features:read+") == true)
        XCTAssertEqual(gdb.request("?"), "T05thread:01;")
        let g = try XCTUnwrap(gdb.request("g"))
        XCTAssertEqual(g.count, 33 * 16)
        XCTAssertEqual(String(g.suffix(16)), "0010000000000000", "held before the first instruction, at the reset vector")
        XCTAssertEqual(gdb.request("m80000000,8"), "9712000013051500")

        XCTAssertEqual(gdb.request("Z0,80000008,4"), "OK")
        XCTAssertEqual(gdb.request("vCont;c"), "T05thread:01;swbreak:;")
        XCTAssertEqual(gdb.request("p20"), "0800008000000000")
        XCTAssertEqual(gdb.request("pa"), "0100000000000000", "a0 = 1: stopped before the store")

        // GDB steps over a breakpoint before continuing (the stub stops at a breakpoint
        // whenever a hart is about to execute there): a single step executes the store.
        XCTAssertEqual(gdb.request("vCont;s:1"), "T05thread:01;")
        XCTAssertEqual(gdb.request("p20"), "0c00008000000000")
        XCTAssertEqual(gdb.request("m80001000,8"), "0100000000000000")

        // Continuing stops at the same breakpoint one turn of the loop later.
        XCTAssertEqual(gdb.request("c"), "T05thread:01;swbreak:;")
        XCTAssertEqual(gdb.request("pa"), "0200000000000000")

        // A write watchpoint reports the store after it is done.
        XCTAssertEqual(gdb.request("z0,80000008,4"), "OK")
        XCTAssertEqual(gdb.request("Z2,80001000,8"), "OK")
        XCTAssertEqual(gdb.request("c"), "T05thread:01;watch:80001000;")
        XCTAssertEqual(gdb.request("m80001000,8"), "0200000000000000")
        XCTAssertEqual(gdb.request("z2,80001000,8"), "OK")

        // Detach: the machine runs on, here to its instruction limit.
        XCTAssertEqual(gdb.request("D"), "OK")
        XCTAssertEqual(wait(for: result), .instructionLimit)
    }

    func testCtrlCStopsARunningMachineAndKillEndsIt() throws {
        let machine = TestMachines.make(TestMachines.counterLoop)
        let (server, _, result) = try serve(machine)
        let gdb = try XCTUnwrap(GDBClient(port: server.port))
        XCTAssertEqual(gdb.request("QStartNoAckMode"), "OK")
        gdb.acknowledging = false
        gdb.send("c")
        Thread.sleep(forTimeInterval: 0.2)
        gdb.sendRaw([0x03])
        XCTAssertEqual(gdb.receive(), "T02thread:01;")
        XCTAssertGreaterThan(machine.harts[0].instructionsRetired, 10)
        gdb.send("k")
        XCTAssertEqual(wait(for: result), .quit)
    }

    func testTheGuestPoweringOffEndsTheSession() throws {
        let machine = TestMachines.make(TestMachines.powerOff)
        let (server, _, result) = try serve(machine)
        let gdb = try XCTUnwrap(GDBClient(port: server.port))
        XCTAssertEqual(gdb.request("vCont;c"), "W00")
        XCTAssertEqual(wait(for: result), .passed)
    }

    func testADebuggerThatDisconnectsLeavesTheMachineRunningToItsEnd() throws {
        let machine = TestMachines.make(TestMachines.powerOff)
        let (server, _, result) = try serve(machine)
        let gdb = try XCTUnwrap(GDBClient(port: server.port))
        XCTAssertEqual(gdb.request("qC"), "QC1")
        gdb.sendRaw(Array("$g#00".utf8))  // a bad checksum is answered '-'
        gdb.close()
        XCTAssertEqual(wait(for: result), .passed)
    }
}
