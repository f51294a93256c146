import PagodaLoader
import PagodaMachine
import XCTest

/// `--check-tlb` (StaleTranslationChecker) on real guests: guests/vm/stale_tlb.c forgets
/// an sfence.vma after changing a PTE and is caught; every other translation guest,
/// stale_tlb_fenced.c among them, passes with the checker on and is not reported.
final class StaleTranslationCheckerTests: XCTestCase {
    private func runChecked(_ elf: URL) throws -> (GuestRunner.Outcome, StaleTranslationChecker) {
        let outcome = try GuestRunner.run(elf) { $0.checkTLB = true }
        let checker = try XCTUnwrap(outcome.machine.staleTranslationChecker)
        return (outcome, checker)
    }

    func testForgottenFenceIsReportedWithBothPCs() throws {
        let elf = GuestRunner.buildDirectory.appendingPathComponent("vm/stale_tlb.elf")
        guard FileManager.default.fileExists(atPath: elf.path) else { throw XCTSkip("guests not built: run `make -C guests` first") }
        let (outcome, checker) = try runChecked(elf)
        let image = try ELFLoader.load(path: elf.path, allowedRegions: outcome.machine.loadableRegions)
        let use = try XCTUnwrap(image.symbol(named: "stale_tlb_use")).value
        let store = try XCTUnwrap(image.symbol(named: "stale_tlb_pte_store")).value
        XCTAssertEqual(outcome.reason, .passed, outcome.output)
        XCTAssertEqual(checker.findings.count, 1)
        let f = try XCTUnwrap(checker.findings.first)
        XCTAssertEqual(f.pc, use)
        XCTAssertEqual(f.hart, 0)
        XCTAssertEqual(f.access, .load)
        XCTAssertEqual(f.asid, 1)
        XCTAssertEqual(f.virtualPage, 0x4000_0000)
        XCTAssertEqual(f.level, 0)
        XCTAssertEqual(f.cachedPTE >> 10, 0x8100_0000 >> 12)
        XCTAssertEqual(f.currentPTE.map { $0 >> 10 }, 0x8100_1000 >> 12)
        let s = try XCTUnwrap(f.store)
        XCTAssertEqual(s.pc, store)
        XCTAssertEqual(s.hart, 0)
        // The store is the instruction right before the stale use.
        XCTAssertEqual(s.instret + 1, f.instret)
        XCTAssertTrue(f.message.contains("pc 0x\(String(use, radix: 16))"), f.message)

        // The --stats JSON carries it.
        let stats = StatisticsReport(machine: outcome.machine).dictionary()
        let list = try XCTUnwrap(stats["stale_translations"] as? [[String: Any]])
        XCTAssertEqual(list.count, 1)
        XCTAssertEqual(list.first?["pc"] as? UInt64, use)
        XCTAssertEqual((list.first?["store"] as? [String: Any])?["pc"] as? UInt64, store)
    }

    func testCorrectTranslationGuestsAreSilent() throws {
        for elf in try GuestRunner.guests(in: "vm") where elf.lastPathComponent != "stale_tlb.elf" {
            let (outcome, checker) = try runChecked(elf)
            let name = elf.lastPathComponent
            XCTAssertEqual(outcome.reason, GuestRunner.expectedReason(for: elf), "\(name):\n\(outcome.output)")
            XCTAssertFalse(outcome.output.contains("FAIL"), "\(name):\n\(outcome.output)")
            XCTAssertEqual(checker.findings.map(\.message), [], name)
        }
    }

    func testCheckerOffByDefault() throws {
        let elf = GuestRunner.buildDirectory.appendingPathComponent("vm/stale_tlb.elf")
        guard FileManager.default.fileExists(atPath: elf.path) else { throw XCTSkip("guests not built: run `make -C guests` first") }
        let outcome = try GuestRunner.run(elf)
        XCTAssertNil(outcome.machine.staleTranslationChecker)
        XCTAssertNil(StatisticsReport(machine: outcome.machine).dictionary()["stale_translations"])
    }
}
