import Foundation
import XCTest

/// `pagoda run --check-tlb`: the warning on stderr and in the --stats file; silence on a correct program.
final class CheckTLBCommandLineTests: XCTestCase {
    func testStaleUseWarnsOnStderrAndInStats() throws {
        let stats = FileManager.default.temporaryDirectory.appendingPathComponent("check-tlb-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: stats) }
        let r = try PagodaProcess.run(["run", "--check-tlb", "--stats", stats.path, try PagodaProcess.guest("vm/stale_tlb.elf")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let warnings = r.stderr.split(separator: "\n").filter { $0.hasPrefix("pagoda: warning: stale TLB entry used") }
        XCTAssertEqual(warnings.count, 1, r.stderr)
        XCTAssertTrue(warnings.first?.contains("asid 1 page 0x40000000") == true, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: stats)) as? [String: Any]
        XCTAssertEqual((json?["stale_translations"] as? [Any])?.count, 1)
    }

    func testFencedProgramIsSilent() throws {
        let r = try PagodaProcess.run(["run", "--check-tlb", try PagodaProcess.guest("vm/stale_tlb_fenced.elf")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("stale"), r.stderr)
    }
}
