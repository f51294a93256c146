import Foundation
import PagodaMachine
import XCTest

/// guests/xlat/xlat.c, the translation-overhead workload, on small versions of the
/// experiment that tools/xlat-experiment.sh runs in full.
final class TranslationExperimentTests: XCTestCase {
    /// One `xlat key=value ...` result line, as numbers (the checksum as its text).
    struct Result {
        var fields: [String: String]
        func number(_ key: String) -> UInt64 { UInt64(fields[key] ?? "") ?? .max }
    }

    func run(_ bootargs: String) throws -> (Result, GuestRunner.Outcome) {
        let elf = GuestRunner.buildDirectory.appendingPathComponent("xlat/xlat.elf")
        guard FileManager.default.fileExists(atPath: elf.path) else { throw XCTSkip("guests not built") }
        let outcome = try GuestRunner.run(elf) { $0.bootargs = bootargs; $0.memorySize = 256 << 20 }
        XCTAssertEqual(outcome.reason, .passed, outcome.output)
        let line = try XCTUnwrap(outcome.output.split(separator: "\n").first { $0.hasPrefix("xlat ") }, outcome.output)
        var fields: [String: String] = [:]
        for word in line.split(separator: " ").dropFirst() {
            let kv = word.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { fields[String(kv[0])] = String(kv[1]) }
        }
        return (Result(fields: fields), outcome)
    }

    /// The acceptance figure: random access over 16 MiB misses the data TLB more than
    /// ten times as often with 4 KiB pages as with 2 MiB pages.
    func testFourKiBPagesMissTheDataTLBFarMoreThanTwoMiBPages() throws {
        let (small, _) = try run("mode=sv39-4k pattern=random size=16M accesses=64K")
        let (large, _) = try run("mode=sv39-2m pattern=random size=16M accesses=64K")
        XCTAssertEqual(small.number("dtlb_accesses"), large.number("dtlb_accesses"))
        XCTAssertGreaterThan(small.number("dtlb_misses"), 60_000, "4096 pages, 32 entries: nearly every access misses")
        XCTAssertLessThan(large.number("dtlb_misses"), 64, "8 megapages fit in the TLB")
        XCTAssertGreaterThan(small.number("dtlb_misses"), 10 * large.number("dtlb_misses"))
        XCTAssertEqual(small.number("page_walks"), small.number("dtlb_misses") + small.number("itlb_misses"))
        XCTAssertEqual(small.number("pte_reads"), 3 * small.number("page_walks"), "three levels per 4 KiB walk")
        XCTAssertGreaterThan(small.number("walk_cycles"), 0)
        XCTAssertGreaterThan(small.number("cycles"), large.number("cycles"))
        XCTAssertEqual(small.number("instret"), large.number("instret"), "the same instructions either way")
    }

    /// Every mode loads the same values; only the translated modes consult the TLBs.
    func testEveryModeLoadsTheSameValues() throws {
        for pattern in ["seq", "random", "chase"] {
            var checksums: Set<String> = []
            for mode in ["bare", "base", "sv39-4k", "sv39-2m", "sv39-1g"] {
                let (r, _) = try run("mode=\(mode) pattern=\(pattern) size=256K accesses=16K")
                checksums.insert(r.fields["checksum"] ?? "")
                XCTAssertEqual(r.number("page_faults"), 0)
                if mode == "bare" || mode == "base" {
                    XCTAssertEqual(r.number("dtlb_accesses"), 0, "\(mode): no TLB")
                    XCTAssertEqual(r.number("page_walks"), 0, "\(mode): no walks")
                } else {
                    XCTAssertGreaterThanOrEqual(r.number("dtlb_accesses"), 16 * 1024, "\(mode) \(pattern)")
                }
            }
            XCTAssertEqual(checksums.count, 1, "\(pattern): \(checksums)")
        }
    }

    /// The event counters read in the guest agree with the statistics of the whole run
    /// (the setup runs in M-mode, untranslated, so the TLB figures are the same).
    func testEventCountersAgreeWithTheStatistics() throws {
        let (r, outcome) = try run("mode=sv39-4k pattern=chase size=1M accesses=32K")
        let stats = StatisticsReport.hart(outcome.machine.harts[0])
        let dtlb = try XCTUnwrap(stats["dtlb"] as? [String: Any])
        XCTAssertEqual(r.number("dtlb_misses"), dtlb["misses"] as? UInt64)
        XCTAssertEqual(r.number("page_walks"), stats["page_walks"] as? UInt64)
        XCTAssertEqual(r.number("walk_cycles"), stats["walk_cycles"] as? UInt64)
    }

    func testBadParametersAreReported() throws {
        let elf = GuestRunner.buildDirectory.appendingPathComponent("xlat/xlat.elf")
        guard FileManager.default.fileExists(atPath: elf.path) else { throw XCTSkip("guests not built") }
        let outcome = try GuestRunner.run(elf) { $0.bootargs = "mode=sv48" }
        XCTAssertEqual(outcome.reason, .failed(code: 2))
        XCTAssertTrue(outcome.output.contains("xlat: bad mode"), outcome.output)
    }
}
