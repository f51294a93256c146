import Foundation
import PagodaMachine
import XCTest

/// The same inputs give byte-identical console output and statistics, run after run,
/// also with several harts interleaved.
final class DeterminismTests: XCTestCase {
    func testMultiHartRunsAreIdentical() throws {
        let elf = GuestRunner.buildDirectory.appendingPathComponent("smp/counters.elf")
        guard FileManager.default.fileExists(atPath: elf.path) else { throw XCTSkip("guests not built") }
        let first = try GuestRunner.run(elf)
        let second = try GuestRunner.run(elf)
        XCTAssertEqual(first.reason, .passed, first.output)
        XCTAssertEqual(first.output, second.output)
        let a = try StatisticsReport(machine: first.machine).json()
        let b = try StatisticsReport(machine: second.machine).json()
        XCTAssertEqual(String(decoding: a, as: UTF8.self), String(decoding: b, as: UTF8.self))
        XCTAssertGreaterThan(first.machine.harts[3].instructionsRetired, 0, "hart 3 ran")
    }
}
