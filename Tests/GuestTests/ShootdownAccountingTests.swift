import PagodaMachine
import XCTest

/// `--shootdowns` (ShootdownAccounting) on guest kernels with known costs:
/// guests/sbi/shootdown_rfence.c (SBI RFENCE), guests/sbi/shootdown_ipi.c (an SBI IPI
/// and sfence.vma in the target's S-mode handler) and guests/smp/shootdown_clint.c (an
/// M-mode kernel's CLINT IPI and sfence.vma in the target's M-mode handler). Each maps
/// PAGES = 8 pages that hart 1 reads, remaps them, shoots them down on hart 1, and has
/// hart 1 read TOUCH = 3 again.
final class ShootdownAccountingTests: XCTestCase {
    /// Runs guests/sbi/NAME.c under the SBI firmware, or with `bare`, guests/smp/NAME.c.
    private func run(_ name: String, bare: Bool = false, timing: Bool = false, l2tlb: Int = 0, window: UInt64 = 100_000,
                     account: Bool = true) throws -> GuestRunner.Outcome {
        let path = (bare ? "smp/" : "sbi/") + name
        let url = GuestRunner.buildDirectory.appendingPathComponent("\(path).elf")
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("guests not built: run `make -C guests` first") }
        let configure: (inout MachineConfiguration) -> Void = {
            $0.timing = timing
            $0.accountShootdowns = account
            $0.shootdownWindow = window
            if l2tlb > 0 { $0.l2tlb = TLBConfiguration(entries: l2tlb, ways: l2tlb) }
        }
        let outcome = bare ? try GuestRunner.run(url, configure: configure) : try GuestRunner.runKernel(url, configure: configure)
        XCTAssertEqual(outcome.reason, .passed, outcome.output)
        XCTAssertTrue(outcome.output.contains("PASS " + (bare ? name : path)), outcome.output)
        return outcome
    }

    private typealias Shootdown = ShootdownAccounting.Shootdown

    /// A shootdown's figures: fences by form (all, asid, address, address_asid, fence_i), removed
    /// and refills by TLB (itlb, dtlb, l2tlb), refill walks and their cycles.
    private func assert(_ s: Shootdown, path: ShootdownAccounting.Path, form: String, fences: [UInt64], removed: [UInt64],
                        refills: [UInt64], walks: UInt64, cycles: UInt64?, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(s.initiator, 0, file: file, line: line)
        XCTAssertEqual(s.target, 1, file: file, line: line)
        XCTAssertEqual(s.path, path, file: file, line: line)
        XCTAssertEqual(s.form, form, file: file, line: line)
        XCTAssertEqual(s.fences, fences, "fences", file: file, line: line)
        XCTAssertEqual(s.removed, removed, "entries removed", file: file, line: line)
        XCTAssertEqual(s.refills, refills, "refill misses", file: file, line: line)
        XCTAssertEqual(s.refillWalks, walks, "refill walks", file: file, line: line)
        if let cycles { XCTAssertEqual(s.refillWalkCycles, cycles, "refill walk cycles", file: file, line: line) }
    }

    /// remote_sfence_vma of 8 pages: 8 by-address fences on hart 1 remove its 8 DTLB
    /// entries; 3 refill misses, each a three-level walk (3 PTE reads of 20 cycles).
    /// remote_sfence_vma_asid of everything: one fence removes the code and data
    /// gigapage entries (ITLB 1, DTLB 1) and the 3 refilled pages; refills: the two
    /// gigapages (one PTE read each) and the 2 pages hart 1 reads again. remote_fence_i:
    /// one fence.i, nothing removed.
    func testSBIRemoteFenceHasKnownCosts() throws {
        let s = try XCTUnwrap(try run("shootdown_rfence").machine.shootdowns).shootdowns
        XCTAssertEqual(s.count, 3)
        guard s.count == 3 else { return }
        assert(s[0], path: .sbi, form: "address", fences: [0, 0, 8, 0, 0], removed: [0, 8, 0], refills: [0, 3, 0], walks: 3, cycles: 3 * 3 * 20)
        assert(s[1], path: .sbi, form: "asid", fences: [0, 1, 0, 0, 0], removed: [1, 4, 0], refills: [1, 3, 0], walks: 4,
               cycles: 2 * 20 + 2 * 3 * 20)
        assert(s[2], path: .sbi, form: "fence_i", fences: [0, 0, 0, 0, 1], removed: [0, 0, 0], refills: [0, 0, 0], walks: 0, cycles: 0)
    }

    /// With an L2 TLB, the fences remove each page from it too, and an L1 refill that
    /// misses the L2 on a removed entry is an L2 refill as well; after the full flush
    /// the data gigapage refills from the L2 entry the instruction fetch put back.
    func testSBIRemoteFenceWithAnL2TLB() throws {
        let s = try XCTUnwrap(try run("shootdown_rfence", l2tlb: 64).machine.shootdowns).shootdowns
        XCTAssertEqual(s.count, 3)
        guard s.count == 3 else { return }
        assert(s[0], path: .sbi, form: "address", fences: [0, 0, 8, 0, 0], removed: [0, 8, 8], refills: [0, 3, 3], walks: 3, cycles: 3 * 3 * 20)
        assert(s[1], path: .sbi, form: "asid", fences: [0, 1, 0, 0, 0], removed: [1, 4, 4], refills: [1, 3, 3], walks: 3,
               cycles: 20 + 2 * 3 * 20)
    }

    /// The timing model changes what a walk costs, not what is counted.
    func testCountsAreTheSameWithTimingOn() throws {
        let s = try XCTUnwrap(try run("shootdown_rfence", timing: true).machine.shootdowns).shootdowns
        XCTAssertEqual(s.count, 3)
        guard s.count == 3 else { return }
        assert(s[0], path: .sbi, form: "address", fences: [0, 0, 8, 0, 0], removed: [0, 8, 0], refills: [0, 3, 0], walks: 3, cycles: nil)
        assert(s[1], path: .sbi, form: "asid", fences: [0, 1, 0, 0, 0], removed: [1, 4, 0], refills: [1, 3, 0], walks: 4, cycles: nil)
        XCTAssertGreaterThan(s[0].refillWalkCycles, 0)
    }

    /// Refills count only within the window: hart 1 retires more than one instruction
    /// between its fences and its next misses.
    func testRefillsOutsideTheWindowDoNotCount() throws {
        let s = try XCTUnwrap(try run("shootdown_rfence", window: 1).machine.shootdowns).shootdowns
        XCTAssertEqual(s.map(\.removed), [[0, 8, 0], [1, 4, 0], [0, 0, 0]])
        XCTAssertEqual(s.map(\.refills), [[0, 0, 0], [0, 0, 0], [0, 0, 0]])
        XCTAssertEqual(s.map(\.refillWalkCycles), [0, 0, 0])
    }

    /// The kernel's own protocol: the IPI and the handler's 8 fences are one shootdown,
    /// with 3 refills. The second IPI's handler fences nothing, and hart 1's own
    /// sfence.vma after that handler returned is not part of any shootdown.
    func testIPIAndHandlerFencesHaveKnownCosts() throws {
        let s = try XCTUnwrap(try run("shootdown_ipi").machine.shootdowns).shootdowns
        XCTAssertEqual(s.count, 1)
        guard s.count == 1 else { return }
        assert(s[0], path: .ipi, form: "address", fences: [0, 0, 8, 0, 0], removed: [0, 8, 0], refills: [0, 3, 0], walks: 3, cycles: 3 * 3 * 20)
    }

    /// An M-mode kernel: hart 0 raises hart 1's msip through the CLINT, and hart 1's M-mode
    /// handler fences the 8 pages (its data accesses go through Sv39 under MPRV); 3 refills.
    /// Again the second IPI's handler fences nothing and hart 1's own later fence is no
    /// shootdown.
    func testCLINTIPIAndMachineModeHandlerFencesHaveKnownCosts() throws {
        let s = try XCTUnwrap(try run("shootdown_clint", bare: true).machine.shootdowns).shootdowns
        XCTAssertEqual(s.count, 1)
        guard s.count == 1 else { return }
        assert(s[0], path: .ipi, form: "address", fences: [0, 0, 8, 0, 0], removed: [0, 8, 0], refills: [0, 3, 0], walks: 3, cycles: 3 * 3 * 20)
    }

    /// Accounting changes nothing the models decide, and is absent when off.
    func testAccountingDoesNotChangeTheStatistics() throws {
        for (name, bare) in [("shootdown_rfence", false), ("shootdown_ipi", false), ("shootdown_clint", true)] {
            let on = try run(name, bare: bare, timing: true), off = try run(name, bare: bare, timing: true, account: false)
            XCTAssertNil(off.machine.shootdowns)
            var a = StatisticsReport(machine: on.machine).dictionary(), b = StatisticsReport(machine: off.machine).dictionary()
            XCTAssertNotNil(a.removeValue(forKey: "shootdowns"))
            XCTAssertNil(b["shootdowns"])
            XCTAssertEqual(a as NSDictionary, b as NSDictionary, name)
        }
    }

    /// The `shootdowns` section of --stats: rows per (initiator, target, path, form) that
    /// add up to the totals.
    func testStatisticsSection() throws {
        let report = StatisticsReport(machine: try run("shootdown_rfence").machine).dictionary()
        let section = try XCTUnwrap(report["shootdowns"] as? [String: Any])
        XCTAssertEqual(section["window"] as? UInt64, 100_000)
        let rows = try XCTUnwrap(section["by_pair"] as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["form"] as? String }, ["address", "asid", "fence_i"])
        XCTAssertEqual(rows.map { $0["path"] as? String }, ["sbi", "sbi", "sbi"])
        let totals = try XCTUnwrap(section["totals"] as? [String: Any])
        XCTAssertEqual(totals["count"] as? Int, 3)
        XCTAssertEqual(totals["fences"] as? UInt64, 10)
        XCTAssertEqual((totals["entries_removed"] as? [String: Any])?["total"] as? UInt64, 13)
        XCTAssertEqual((totals["refill_misses"] as? [String: Any])?["dtlb"] as? UInt64, 6)
        XCTAssertEqual(totals["refill_walk_cycles"] as? UInt64, 340)
        for field in ["fences", "refill_walks", "refill_walk_cycles"] {
            XCTAssertEqual(rows.reduce(UInt64(0)) { $0 + ($1[field] as! UInt64) }, totals[field] as? UInt64, field)
        }
    }
}
