import Foundation
import XCTest

/// `pagoda report STATS.json --plot DIR` (tools/report-plot.py) on the statistics of a real run.
final class ReportPlotTests: XCTestCase {
    private let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-plot-\(getpid())")

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
        unsetenv("PAGODA_PYTHON")
    }

    private func isPNG(_ url: URL) -> Bool {
        guard let data = FileManager.default.contents(atPath: url.path), data.count > 1000 else { return false }
        return Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    }

    /// A run of the attribution guest with --attribute and a --stats-interval series.
    private func stats() throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let stats = directory.appendingPathComponent("s.json")
        let r = try PagodaProcess.run(["run", "--attribute", "--stats", stats.path, "--stats-interval", "2000",
                                       try PagodaProcess.guest("vm/attribution.elf")])
        XCTAssertEqual(r.status, 0, r.stderr)
        return stats
    }

    private func requireMatplotlib() throws {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "/usr/bin/env")
        probe.arguments = (probe.executableURL!.path == "/usr/bin/env" ? ["python3"] : []) + ["-c", "import matplotlib"]
        probe.standardError = FileHandle.nullDevice
        try probe.run()
        probe.waitUntilExit()
        if probe.terminationStatus != 0 { throw XCTSkip("matplotlib not installed (tools/setup.sh installs it)") }
    }

    func testDrawsTheFlameChartAndTheMissRateButNoShootdownsWithoutThem() throws {
        try requireMatplotlib()
        let s = try stats()
        let plots = directory.appendingPathComponent("plots")
        let r = try PagodaProcess.run(["report", s.path, "--plot", plots.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("functions by walk cycles"), "the tables come first")
        XCTAssertTrue(isPNG(plots.appendingPathComponent("walk-cycles-flame.png")), r.stdout + r.stderr)
        XCTAssertTrue(isPNG(plots.appendingPathComponent("tlb-miss-rate.png")), r.stdout + r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: plots.appendingPathComponent("shootdown-cost.png").path))
    }

    func testDrawsShootdownCostsWhenTheStatsHaveThem() throws {
        try requireMatplotlib()
        let s = try stats()
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: s)) as? [String: Any])
        func pair(_ initiator: Int, _ target: Int, _ cycles: Int) -> [String: Any] {
            ["initiator": initiator, "target": target, "path": "sbi", "form": "all", "count": 2, "fences": 2,
             "entries_removed": ["total": 9], "refill_misses": ["total": 4], "refill_walk_cycles": cycles, "cost_walk_cycles": cycles]
        }
        json["shootdowns"] = ["window": 100000, "by_pair": [pair(0, 1, 400), pair(0, 2, 240), pair(1, 0, 120)]]
        try JSONSerialization.data(withJSONObject: json).write(to: s)
        let plots = directory.appendingPathComponent("plots")
        let r = try PagodaProcess.run(["report", s.path, "--plot", plots.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(isPNG(plots.appendingPathComponent("shootdown-cost.png")), r.stdout + r.stderr)
    }

    func testMissingPythonIsOneLineAndStatus69() throws {
        let s = try stats()
        setenv("PAGODA_PYTHON", "/nonexistent/python3", 1)
        let r = try PagodaProcess.run(["report", s.path, "--plot", directory.appendingPathComponent("p").path])
        XCTAssertEqual(r.status, 69, r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stdout.contains("walk cycles"), "the tables are still printed")
    }
}
