import Foundation
import XCTest

/// `pagoda run --attribute --symbols FILE[@ASID|@FIRST-LAST|@+OFFSET|@-OFFSET]` on
/// guests/vm/attribution.c (one S-mode load that walks under ASID 1 and ASID 2).
final class SymbolsCommandLineTests: XCTestCase {
    private func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("symbols-\(name)-\(getpid()).json")
    }

    /// Runs the guest with `--attribute` and the options, and returns hart 0's attribution.
    private func attribution(_ options: [String]) throws -> [String: Any] {
        let stats = temporary("run")
        defer { try? FileManager.default.removeItem(at: stats) }
        let r = try PagodaProcess.run(["run", "--attribute", "--stats", stats.path] + options + [try PagodaProcess.guest("vm/attribution.elf")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: stats)) as? [String: Any])
        let harts = try XCTUnwrap(json["harts"] as? [[String: Any]])
        return try XCTUnwrap(harts.first?["attribution"] as? [String: Any])
    }

    /// A symbol's address from `pagoda disasm` ("0000000080001260 <attribution_load>:").
    private func address(of symbol: String) throws -> UInt64 {
        let r = try PagodaProcess.run(["disasm", try PagodaProcess.guest("vm/attribution.elf")])
        let line = try XCTUnwrap(r.stdout.split(separator: "\n").first { $0.hasSuffix("<\(symbol)>:") }, symbol)
        return try XCTUnwrap(UInt64(line.split(separator: " ")[0], radix: 16))
    }

    private func n(_ v: Any?) -> UInt64? { (v as? NSNumber)?.uint64Value }

    private func rows(_ a: [String: Any], _ list: String) throws -> [[String: Any]] {
        try XCTUnwrap(a[list] as? [[String: Any]], list)
    }

    private func loadRow(_ a: [String: Any], asid: UInt64, pc: UInt64) throws -> [String: Any] {
        try XCTUnwrap(rows(a, "by_pc").first { n($0["asid"]) == asid && n($0["pc"]) == pc && $0["mode"] as? String == "S" })
    }

    func testTableBoundToAnASIDNamesOnlyThatASIDsCode() throws {
        let load = try address(of: "attribution_load")
        let guest = try PagodaProcess.guest("vm/attribution.elf")
        let a = try attribution(["--symbols", guest + "@2"])
        XCTAssertEqual(try loadRow(a, asid: 2, pc: load)["source"] as? String, "attribution.elf")
        XCTAssertEqual(try loadRow(a, asid: 2, pc: load)["function"] as? String, "s_touch")
        XCTAssertNil(try loadRow(a, asid: 1, pc: load)["source"], "ASID 1 is named by the booted ELF")
        XCTAssertEqual(try loadRow(a, asid: 1, pc: load)["function"] as? String, "s_touch")
        let spaces = try rows(a, "by_space")
        XCTAssertEqual(spaces.first { n($0["asid"]) == 2 && $0["mode"] as? String == "S" }?["program"] as? String, "attribution")
        XCTAssertNil(spaces.first { n($0["asid"]) == 1 && $0["mode"] as? String == "S" }?["program"])
        XCTAssertEqual(n(try loadRow(a, asid: 2, pc: load)["page_walks"]), 5)
        XCTAssertEqual(n(try loadRow(a, asid: 1, pc: load)["page_walks"]), 3)
        // Per function per address space: s_touch under each ASID has at least its load's walks.
        let perSpace = try rows(a, "by_space_function")
        let touch2 = try XCTUnwrap(perSpace.first { n($0["asid"]) == 2 && $0["function"] as? String == "s_touch" })
        XCTAssertGreaterThanOrEqual(n(touch2["page_walks"]) ?? 0, 5)
        XCTAssertEqual(touch2["program"] as? String, "attribution")
        let touch1 = try XCTUnwrap(perSpace.first { n($0["asid"]) == 1 && $0["function"] as? String == "s_touch" })
        XCTAssertGreaterThanOrEqual(n(touch1["page_walks"]) ?? 0, 3)
        // A range of ASIDs takes both.
        let both = try attribution(["--symbols", guest + "@1-2"])
        XCTAssertEqual(try loadRow(both, asid: 1, pc: load)["source"] as? String, "attribution.elf")
        XCTAssertEqual(try loadRow(both, asid: 2, pc: load)["source"] as? String, "attribution.elf")
    }

    func testOffsetShiftsEverySymbol() throws {
        let load = try address(of: "attribution_load"), touch = try address(of: "s_touch"), main = try address(of: "main")
        let guest = try PagodaProcess.guest("vm/attribution.elf")
        // Shifted up by s_touch - main, the table puts main where s_touch is.
        let up = try attribution(["--symbols", guest + "@+0x" + String(touch - main, radix: 16)])
        XCTAssertEqual(try loadRow(up, asid: 1, pc: load)["function"] as? String, "main")
        XCTAssertEqual(try loadRow(up, asid: 1, pc: load)["source"] as? String, "attribution.elf")
        // Shifted down by s_fault - attribution_load (decimal), the load is in s_fault.
        let fault = try address(of: "s_fault")
        let down = try attribution(["--symbols", guest + "@-\(fault - load)"])
        XCTAssertEqual(try loadRow(down, asid: 1, pc: load)["function"] as? String, "s_fault")
        XCTAssertEqual(try loadRow(down, asid: 1, pc: load)["source"] as? String, "attribution.elf")
        // Shifted far away, no pc lies in the table: the booted ELF names them all.
        let away = try attribution(["--symbols", guest + "@+0x100000000"])
        XCTAssertFalse(try rows(away, "by_pc").contains { $0["source"] != nil })
        XCTAssertEqual(try loadRow(away, asid: 1, pc: load)["function"] as? String, "s_touch")
    }

    func testEveryBreakdownStillAddsUp() throws {
        let guest = try PagodaProcess.guest("vm/attribution.elf")
        let a = try attribution(["--symbols", guest + "@2", "--symbols", guest + "@+0x40"])
        let lists = try ["by_space", "by_pc", "by_function", "by_space_function"].map { try rows(a, $0) }
        for field in ["itlb_misses", "dtlb_misses", "page_walks", "pte_reads", "walk_cycles", "page_faults"] {
            let sums = lists.map { $0.reduce(UInt64(0)) { $0 + (n($1[field]) ?? 1 << 60) } }
            XCTAssertEqual(Set(sums).count, 1, "\(field): \(sums)")
        }
    }

    func testBadSymbolsAreOneLineErrorsWithTheirStatus() throws {
        let guest = try PagodaProcess.guest("vm/attribution.elf")
        let text = FileManager.default.temporaryDirectory.appendingPathComponent("symbols-text-\(getpid()).txt")
        defer { try? FileManager.default.removeItem(at: text) }
        try Data("not an executable\n".utf8).write(to: text)
        let cases: [(String, Int32, String)] = [
            ("/nonexistent/vmlinux", 66, "cannot read"),
            ("/nonexistent/vmlinux@3", 66, "cannot read"),
            (text.path, 65, "not an ELF"),
            (guest + "@zz", 64, "neither an ASID"),
            (guest + "@70000", 64, "neither an ASID"),
            (guest + "@5-2", 64, "neither an ASID"),
            (guest + "@+0xq", 64, "neither an ASID"),
            ("@3", 64, "no file name"),
        ]
        for (argument, status, words) in cases {
            let r = try PagodaProcess.run(["run", "--attribute", "--symbols", argument, guest])
            XCTAssertEqual(r.status, status, "\(argument): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(argument): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(words), "\(argument): \(r.stderr)")
        }
        let r = try PagodaProcess.run(["run", "--symbols", guest, guest])
        XCTAssertEqual(r.status, 64, "--symbols without --attribute")
        XCTAssertTrue(r.stderr.contains("--symbols needs --attribute"), r.stderr)
    }

    func testHelpDocumentsTheSuffixes() throws {
        let r = try PagodaProcess.run(["run", "--help"])
        XCTAssertTrue(r.stdout.contains("--symbols"), r.stdout)
        XCTAssertTrue(r.stdout.contains("FILE@FIRST-LAST"), r.stdout)
        XCTAssertTrue(r.stdout.contains("FILE@+OFFSET"), r.stdout)
    }
}
