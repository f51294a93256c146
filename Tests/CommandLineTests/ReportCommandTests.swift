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

    func testShootdownTable() throws {
        let stats = FileManager.default.temporaryDirectory.appendingPathComponent("report-shootdowns-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: stats) }
        let run = try PagodaProcess.run(["run", "--harts", "2", "--timing", "off", "--shootdown-window", "50000", "--stats", stats.path,
                                         try PagodaProcess.guest("smp/shootdown_clint.elf")])
        XCTAssertEqual(run.status, 0, run.stderr)
        let r = try PagodaProcess.run(["report", stats.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("TLB shootdowns (--shootdowns, refills within 50000 instructions): 1\n"), r.stdout)
        let row = "        0      1  ipi  address           1       8           0/8/0           0/3/0       3           180\n"
        XCTAssertTrue(r.stdout.contains(row), r.stdout)
        // Without --shootdowns there is no table.
        _ = try PagodaProcess.run(["run", "--harts", "2", "--stats", stats.path, try PagodaProcess.guest("smp/shootdown_clint.elf")])
        XCTAssertFalse(try PagodaProcess.run(["report", stats.path]).stdout.contains("TLB shootdowns"))
    }

    func testShootdownWindowMustBePositive() throws {
        let r = try PagodaProcess.run(["run", "--shootdown-window", "0", try PagodaProcess.guest("smp/shootdown_clint.elf")])
        XCTAssertEqual(r.status, 64, r.stderr)
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
