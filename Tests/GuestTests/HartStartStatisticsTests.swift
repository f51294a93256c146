import Foundation
import PagodaMachine
import XCTest

/// The statistics say how each hart came to run: hart 0 from the reset vector, the others
/// released through the mailbox by the hart that rang the doorbell, or held.
final class HartStartStatisticsTests: XCTestCase {
    func testMailboxReleasesAreInTheStatistics() throws {
        let elf = GuestRunner.buildDirectory.appendingPathComponent("smp/mailbox_release.elf")
        guard FileManager.default.fileExists(atPath: elf.path) else { throw XCTSkip("guests not built") }
        let outcome = try GuestRunner.run(elf)
        XCTAssertEqual(outcome.reason, .passed, outcome.output)
        let harts = try XCTUnwrap(StatisticsReport(machine: outcome.machine).dictionary()["harts"] as? [[String: Any]])
        XCTAssertEqual(harts.count, 4)
        let starts = harts.map { $0["start"] as? [String: Any] ?? [:] }
        XCTAssertEqual(starts[0]["how"] as? String, "reset")
        XCTAssertEqual(starts[0]["address"] as? String, "0x1000")
        for hart in 1..<4 {
            XCTAssertEqual(starts[hart]["how"] as? String, "mailbox", "hart \(hart): \(starts[hart])")
            XCTAssertEqual(starts[hart]["by_hart"] as? Int, 0)
            XCTAssertGreaterThan(starts[hart]["at_instruction"] as? UInt64 ?? 0, 0)
        }
    }

    func testHeldHartsSayHeldAndBootAllHartsSaysReset() throws {
        let elf = GuestRunner.buildDirectory.appendingPathComponent("isa/smoke.elf")
        guard FileManager.default.fileExists(atPath: elf.path) else { throw XCTSkip("guests not built") }
        let held = try GuestRunner.run(elf) { $0.harts = 2 }
        XCTAssertEqual(held.machine.hartStarts[1], nil)
        let harts = try XCTUnwrap(StatisticsReport(machine: held.machine).dictionary()["harts"] as? [[String: Any]])
        XCTAssertEqual((harts[1]["start"] as? [String: Any])?["how"] as? String, "held")
        let all = try GuestRunner.run(elf) { $0.harts = 2; $0.bootAllHarts = true }
        XCTAssertEqual(all.machine.hartStarts[1]?.how, .reset)
    }
}
