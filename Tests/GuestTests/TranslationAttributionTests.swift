import PagodaLoader
import PagodaMachine
import XCTest

/// `--attribute` (TranslationAttribution) on real guests: known counts per ASID and pc
/// (guests/vm/attribution.c), breakdowns that add up exactly to the totals, and totals
/// that are the same with attribution on and off.
final class TranslationAttributionTests: XCTestCase {
    private func elf(_ path: String) throws -> URL {
        let url = GuestRunner.buildDirectory.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("guests not built: run `make -C guests` first") }
        return url
    }

    private func run(_ url: URL, attribute: Bool, timing: Bool = true) throws -> GuestRunner.Outcome {
        let outcome = try GuestRunner.run(url) { $0.attributeTranslation = attribute; $0.timing = timing }
        XCTAssertEqual(outcome.reason, GuestRunner.expectedReason(for: url), outcome.output)
        return outcome
    }

    func testKnownCountsPerAddressSpaceAndPC() throws {
        let url = try elf("vm/attribution.elf")
        let outcome = try run(url, attribute: true)
        let image = try ELFLoader.load(path: url.path, allowedRegions: outcome.machine.loadableRegions)
        let load = try XCTUnwrap(image.symbol(named: "attribution_load")).value
        let fault = try XCTUnwrap(image.symbol(named: "attribution_fault")).value
        let a = try XCTUnwrap(outcome.machine.harts[0].mmu.attribution)
        func at(_ asid: UInt16, _ pc: UInt64) -> TranslationAttribution.Costs {
            a.costs[.init(mode: PrivilegeMode.supervisor.rawValue, asid: asid, pc: pc)] ?? .init()
        }
        XCTAssertEqual(at(1, load), .init(itlbMisses: 0, dtlbMisses: 3, walks: 3, pteReads: 9, walkCycles: at(1, load).walkCycles, pageFaults: 0))
        XCTAssertEqual(at(2, load), .init(itlbMisses: 0, dtlbMisses: 5, walks: 5, pteReads: 15, walkCycles: at(2, load).walkCycles, pageFaults: 0))
        XCTAssertEqual(at(2, fault), .init(itlbMisses: 0, dtlbMisses: 1, walks: 1, pteReads: 3, walkCycles: at(2, fault).walkCycles, pageFaults: 1))
        XCTAssertEqual(at(1, fault), .init())
        XCTAssertGreaterThan(at(2, load).walkCycles, 0)
        // The report names the function the pcs are in.
        let hart = StatisticsReport.hart(outcome.machine.harts[0])
        XCTAssertNil(hart["attribution"], "hart() alone has no symbols; the full report adds the section")
        let report = StatisticsReport(machine: outcome.machine).dictionary()
        let section = try XCTUnwrap(((report["harts"] as? [[String: Any]])?.first)?["attribution"] as? [String: Any])
        let functions = try XCTUnwrap(section["by_function"] as? [[String: Any]])
        XCTAssertEqual(functions.first?["function"] as? String, "s_touch", "most walk cycles")
    }

    /// Each breakdown in the report adds up to the hart's totals.
    private func assertSumsMatchTotals(_ machine: Machine, _ name: String) throws {
        let report = StatisticsReport(machine: machine).dictionary()
        for hart in try XCTUnwrap(report["harts"] as? [[String: Any]]) {
            let section = try XCTUnwrap(hart["attribution"] as? [String: Any])
            let itlb = try XCTUnwrap(hart["itlb"] as? [String: Any]), dtlb = try XCTUnwrap(hart["dtlb"] as? [String: Any])
            let totals: [String: UInt64] = [
                "itlb_misses": itlb["misses"] as! UInt64, "dtlb_misses": dtlb["misses"] as! UInt64,
                "page_walks": hart["page_walks"] as! UInt64, "pte_reads": hart["pte_reads"] as! UInt64,
                "walk_cycles": hart["walk_cycles"] as! UInt64, "page_faults": hart["page_faults"] as! UInt64,
            ]
            for list in ["by_space", "by_pc", "by_function"] {
                let rows = try XCTUnwrap(section[list] as? [[String: Any]])
                for (field, total) in totals {
                    XCTAssertEqual(rows.reduce(UInt64(0)) { $0 + ($1[field] as! UInt64) }, total, "\(name) \(list) \(field)")
                }
            }
            let spaces = try XCTUnwrap(section["by_space"] as? [[String: Any]])
            func sum(_ f: String) -> UInt64 { spaces.reduce(0) { $0 + ($1[f] as! UInt64) } }
            XCTAssertEqual(sum("itlb_hits"), itlb["hits"] as! UInt64, "\(name) itlb hits")
            XCTAssertEqual(sum("dtlb_hits"), dtlb["hits"] as! UInt64, "\(name) dtlb hits")
            XCTAssertEqual(sum("itlb_accesses"), sum("itlb_hits") + sum("itlb_misses"), name)
            XCTAssertEqual(sum("dtlb_accesses"), sum("dtlb_hits") + sum("dtlb_misses"), name)
        }
    }

    func testBreakdownsAddUpOnGuestsWithSeveralAddressSpaces() throws {
        for path in ["vm/attribution.elf", "vm/sfence_asid.elf", "vm/mprv.elf", "xlat/xlat.elf"] {
            for timing in [true, false] {
                try assertSumsMatchTotals(try run(try elf(path), attribute: true, timing: timing).machine, "\(path) timing \(timing)")
            }
        }
    }

    func testAttributionDoesNotChangeWhatIsMeasured() throws {
        for path in ["vm/attribution.elf", "vm/sfence_asid.elf", "xlat/xlat.elf"] {
            let on = try run(try elf(path), attribute: true), off = try run(try elf(path), attribute: false)
            var a = StatisticsReport.hart(on.machine.harts[0]), b = StatisticsReport.hart(off.machine.harts[0])
            XCTAssertNotNil(on.machine.harts[0].mmu.attribution)
            XCTAssertNil(off.machine.harts[0].mmu.attribution)
            a["attribution"] = nil; b["attribution"] = nil
            XCTAssertEqual(a as NSDictionary, b as NSDictionary, path)
        }
    }
}
