import Foundation
import XCTest

/// `pagoda report STATS.json` on the statistics of real runs.
final class ReportCommandTests: XCTestCase {
    func testReportNamesSpacesFunctionsAndFindings() throws {
        let stats = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: stats) }
        let run = try PagodaProcess.run(["run", "--attribute", "--check-tlb", "--stats", stats.path, try PagodaProcess.guest("vm/stale_tlb.elf")])
        XCTAssertEqual(run.status, 0, run.stderr)
        let r = try PagodaProcess.run(["report", stats.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("address spaces by walk cycles"), r.stdout)
        XCTAssertTrue(r.stdout.contains("S asid 1"), r.stdout)
        XCTAssertTrue(r.stdout.contains("functions by walk cycles"), r.stdout)
        XCTAssertTrue(r.stdout.contains("s_remap"), r.stdout)
        XCTAssertTrue(r.stdout.contains("stale translations (--check-tlb): 1"), r.stdout)
    }

    func testReportWithoutAttributionSaysSo() throws {
        let stats = FileManager.default.temporaryDirectory.appendingPathComponent("report-plain-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: stats) }
        _ = try PagodaProcess.run(["run", "--stats", stats.path, try PagodaProcess.guest("vm/stale_tlb_fenced.elf")])
        let r = try PagodaProcess.run(["report", stats.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("run with --attribute"), r.stdout)
        XCTAssertFalse(r.stdout.contains("stale translations"), r.stdout)
    }

    func testUnreadableOrForeignFileIsAOneLineError() throws {
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("report-bad-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: bad) }
        try Data("[1,2]".utf8).write(to: bad)
        for path in [bad.path, "/nonexistent/stats.json"] {
            let r = try PagodaProcess.run(["report", path])
            XCTAssertEqual(r.status, 66)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        }
    }
}
