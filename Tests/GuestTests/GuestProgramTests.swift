import Foundation
import PagodaMachine
import XCTest

/// Every guest test program passes on Pagoda: the instruction-set tests (guests/isa),
/// the privileged-architecture and device tests (guests/priv) and the demo.
final class GuestProgramTests: XCTestCase {
    func runAll(in directory: String) throws {
        let guests = try GuestRunner.guests(in: directory)
        XCTAssertFalse(guests.isEmpty, "no guests in \(directory)")
        for elf in guests {
            let outcome = try GuestRunner.run(elf, input: GuestRunner.input(for: elf))
            let name = "\(directory)/\(elf.lastPathComponent)"
            XCTAssertEqual(outcome.reason, GuestRunner.expectedReason(for: elf), "\(name) output:\n\(outcome.output)")
            XCTAssertFalse(outcome.output.contains("FAIL"), "\(name) reported a failure:\n\(outcome.output)")
        }
    }

    func testInstructionSetGuests() throws { try runAll(in: "isa") }
    func testPrivilegedGuests() throws { try runAll(in: "priv") }
    func testTranslationGuests() throws { try runAll(in: "vm") }
    func testMultiHartGuests() throws { try runAll(in: "smp") }
    func testDemoGuest() throws { try runAll(in: "demo") }
}
