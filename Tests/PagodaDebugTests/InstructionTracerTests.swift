import Foundation
@testable import PagodaDebug
import PagodaMachine
import XCTest

/// The trace: one line per retired instruction with what it wrote, one per trap, and
/// the filters.
final class InstructionTracerTests: XCTestCase {
    /// Sets mtvec, takes an ecall, and powers off from the handler:
    ///   80000000 auipc t0, 0; addi t0, t0, 16; csrw mtvec, t0; ecall
    ///   80000010 lui t0, 0x100; lui t1, 5; addi t1, t1, 0x555; sw t1, 0(t0)
    static let trapThenPowerOff: [UInt32] = [0x0000_0297, 0x0102_8293, 0x3052_9073, 0x0000_0073] + TestMachines.powerOff

    private func trace(_ program: [UInt32], filter: TraceFilter = TraceFilter(), maxInstructions: UInt64? = nil) throws -> (StopReason, [String]) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pagoda-trace-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let machine = TestMachines.make(program, maxInstructions: maxInstructions)
        let tracer = try InstructionTracer(path: path, filter: filter)
        let reason = TracedRun.run(machine, tracer: tracer)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return (reason, text.split(separator: "\n").map(String.init))
    }

    func testInstructionsTrapsAndWhatTheyWrote() throws {
        let (reason, lines) = try trace(Self.trapThenPowerOff)
        XCTAssertEqual(reason, .passed)
        XCTAssertTrue(lines.first?.hasPrefix("0 h0 M 0000000000001000 ") == true, "the boot ROM's first instruction: \(lines.first ?? "")")
        func line(at pc: UInt64) -> String? { lines.first { $0.contains(" \(hex(pc, digits: 16)) ") && !$0.contains(" trap ") } }
        let auipc = try XCTUnwrap(line(at: 0x8000_0000))
        XCTAssertTrue(auipc.contains("h0 M 0000000080000000 00000297  "), auipc)
        XCTAssertTrue(auipc.hasSuffix("t0=0x0000000080000000"), auipc)
        let csrw = try XCTUnwrap(line(at: 0x8000_0008))
        XCTAssertTrue(csrw.hasSuffix("mtvec=0x0000000080000010"), csrw)
        XCTAssertNil(line(at: 0x8000_000C), "the ecall does not retire")
        let trap = try XCTUnwrap(lines.first { $0.contains(" trap ") })
        XCTAssertTrue(trap.hasSuffix("h0 M trap exception 11 (environment call from M-mode) epc=0x000000008000000c "
                                     + "tval=0x0000000000000000 -> M 0x0000000080000010"), trap)
        let store = try XCTUnwrap(line(at: 0x8000_001C))
        XCTAssertTrue(store.hasSuffix("mem32[0x0000000000100000]=0x00005555"), store)
        // Numbers count instructions executed, the ecall included.
        let numbers = lines.filter { !$0.contains(" trap ") }.compactMap { UInt64($0.prefix { $0 != " " }) }
        XCTAssertEqual(numbers, numbers.sorted())
        XCTAssertEqual(Set(numbers).count, numbers.count)
    }

    /// A line names a register the same way in its text and in its effects: x8 is `s0`.
    func testRegisterNamesAgreeWithTheDisassembly() throws {
        // 80000000 addi s0, zero, 5 (li s0, 0x5), then power off.
        let (_, lines) = try trace([0x0050_0413] + TestMachines.powerOff)
        let li = try XCTUnwrap(lines.first { $0.contains(" 0000000080000000 ") })
        XCTAssertTrue(li.contains("00500413  li s0, 0x5"), li)
        XCTAssertTrue(li.hasSuffix(" s0=0x0000000000000005"), li)
    }

    func testFilters() throws {
        let range = TraceFilter(pcRange: 0x8000_0000..<0x8000_0010)
        let (_, ranged) = try trace(Self.trapThenPowerOff, filter: range)
        XCTAssertEqual(ranged.count, 4, "three instructions and the trap from the ecall: \(ranged)")

        let (_, supervisorOnly) = try trace(Self.trapThenPowerOff, filter: TraceFilter(modes: [.supervisor, .user]))
        XCTAssertEqual(supervisorOnly, [])

        let (_, otherHart) = try trace(Self.trapThenPowerOff, filter: TraceFilter(harts: [1]))
        XCTAssertEqual(otherHart, [])

        let (_, window) = try trace(TestMachines.counterLoop, filter: TraceFilter(start: 100, stop: 110), maxInstructions: 10_000)
        XCTAssertEqual(window.count, 10)
        XCTAssertTrue(window.first?.hasPrefix("100 h0 M ") == true, window.first ?? "")
        XCTAssertTrue(window.last?.hasPrefix("109 h0 M ") == true, window.last ?? "")
    }

    func testTheRunAfterTraceStopIsNotTraced() throws {
        let (reason, lines) = try trace(TestMachines.counterLoop, filter: TraceFilter(stop: 50), maxInstructions: 100_000)
        XCTAssertEqual(reason, .instructionLimit, "the machine ran on after tracing stopped")
        XCTAssertEqual(lines.count, 50)
    }

    func testFilterParsing() {
        XCTAssertEqual(TraceFilter.parseHarts("0,2"), [0, 2])
        XCTAssertNil(TraceFilter.parseHarts("0,,2"))
        XCTAssertNil(TraceFilter.parseHarts("-1"))
        XCTAssertEqual(TraceFilter.parseRange("0x80000000:80001000"), 0x8000_0000..<0x8000_1000)
        XCTAssertNil(TraceFilter.parseRange("80001000:80000000"))
        XCTAssertNil(TraceFilter.parseRange("80000000"))
        XCTAssertEqual(TraceFilter.parseModes("S,u"), [.supervisor, .user])
        XCTAssertNil(TraceFilter.parseModes("H"))
        XCTAssertEqual(InstructionText.raw(0x0505), "0505    ")
        XCTAssertEqual(InstructionText.raw(0x0015_0513), "00150513")
    }
}
