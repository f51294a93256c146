import ArgumentParser
import Foundation

/// `pagoda report STATS.json`: the translation costs of a `pagoda run --stats` file as
/// tables: address spaces and modes (with `--attribute`), functions, the
/// stale-translation checker's findings (with `--check-tlb`) and the TLB shootdowns
/// (with `--shootdowns`); with `--plot`, pictures.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Summarise translation costs from a --stats file.",
        discussion: """
            Prints, for each hart, its TLB and walk totals; with a run made with --attribute, \
            the address spaces (mode, ASID) and the functions by walk cycles and by TLB \
            misses; with --check-tlb, each stale-translation warning; with --shootdowns, the \
            shootdowns per initiating and target hart with their entries removed and refill misses. \
            With --plot DIR, also writes PNGs (see --plot). \
            Exit status: 0, or 64 bad command line, 66 file missing, unreadable or not a stats file, \
            69 the plots could not be drawn (python3 or matplotlib missing, or the script failed).
            """
    )

    @Argument(help: ArgumentHelp("A statistics file written by `pagoda run --stats FILE`.", valueName: "stats.json"))
    var stats: String

    @Option(name: .long, help: ArgumentHelp("Rows per table. Default 10.", valueName: "n"))
    var top: Int = 10

    @Option(name: .long, help: ArgumentHelp("Also draw PNGs into this directory (created if needed) with tools/report-plot.py and matplotlib: walk cycles by address space, mode and function (with --attribute), the TLB miss rate over time per hart (with --stats-interval: the .jsonl beside the stats file), and the shootdown cost per hart (when the stats hold shootdowns).", valueName: "dir"))
    var plot: String?

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: stats),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let harts = json["harts"] as? [[String: Any]] else {
            FileHandle.standardError.write("pagoda: \(stats) is not a readable pagoda --stats file\n".data(using: .utf8)!)
            throw ExitCode(ExitStatus.missingKernel)
        }
        var out = ""
        for hart in harts {
            let id = Self.number(hart["hart"])
            let itlb = hart["itlb"] as? [String: Any] ?? [:], dtlb = hart["dtlb"] as? [String: Any] ?? [:]
            out += "hart \(id): \(Self.number(hart["instret"])) instructions, ITLB \(Self.number(itlb["misses"])) misses, "
                + "DTLB \(Self.number(dtlb["misses"])) misses, \(Self.number(hart["page_walks"])) walks, "
                + "\(Self.number(hart["pte_reads"])) PTE reads, \(Self.number(hart["walk_cycles"])) walk cycles, "
                + "\(Self.number(hart["page_faults"])) page faults\n"
            guard let a = hart["attribution"] as? [String: Any] else {
                out += "  (run with --attribute for the breakdowns)\n"
                continue
            }
            let spaces = a["by_space"] as? [[String: Any]] ?? []
            out += table("address spaces by walk cycles", rows: spaces, label: Self.spaceLabel, key: "walk_cycles")
            out += table("address spaces by TLB misses", rows: spaces, label: Self.spaceLabel, key: nil)
            out += table("processes (ASIDs, all modes) by walk cycles", rows: Self.processes(spaces), label: Self.processLabel, key: "walk_cycles")
            var modes: [String: [String: Any]] = [:]
            for s in spaces {
                let m = s["mode"] as? String ?? "?"
                var row = modes[m] ?? ["mode": m]
                for f in ["walk_cycles", "itlb_misses", "dtlb_misses", "page_walks", "pte_reads", "page_faults"] {
                    row[f] = Self.number(row[f]) + Self.number(s[f])
                }
                modes[m] = row
            }
            out += table("modes by walk cycles", rows: Array(modes.values), label: { "\($0["mode"] ?? "?")" }, key: "walk_cycles")
            let functions = a["by_function"] as? [[String: Any]] ?? []
            out += table("functions by walk cycles", rows: functions, label: Self.functionLabel, key: "walk_cycles")
            out += table("functions by TLB misses", rows: functions, label: Self.functionLabel, key: nil)
        }
        if let findings = json["stale_translations"] as? [[String: Any]] {
            out += "\nstale translations (--check-tlb): \(findings.count)\n"
            for f in findings {
                let store = f["store"] as? [String: Any]
                out += "  hart \(Self.number(f["hart"])) pc \(Self.hex(f["pc"])) instret \(Self.number(f["instret"])) \(f["access"] ?? "?")"
                    + " asid \(Self.number(f["asid"])) page \(Self.hex(f["virtual_page"]))"
                out += store.map { "; PTE changed at pc \(Self.hex($0["pc"])) on hart \(Self.number($0["hart"])) instret \(Self.number($0["instret"]))" }
                    ?? "; no store to the page tables seen"
                out += "\n"
            }
        }
        if let shootdowns = json["shootdowns"] as? [String: Any] {
            out += Self.shootdownTable(shootdowns)
        }
        print(out, terminator: "")
        if let directory = plot { try drawPlots(into: directory) }
    }

    /// The `shootdowns` section: one row per (initiator, target, path, form), then the totals.
    static func shootdownTable(_ section: [String: Any]) -> String {
        let rows = section["by_pair"] as? [[String: Any]] ?? []
        let totals = section["totals"] as? [String: Any] ?? [:]
        var text = "\nTLB shootdowns (--shootdowns, refills within \(number(section["window"])) instructions): \(number(totals["count"]))\n"
        func right(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        func tlbs(_ v: Any?) -> String {
            let d = v as? [String: Any] ?? [:]
            return "\(number(d["itlb"]))/\(number(d["dtlb"]))/\(number(d["l2tlb"]))"
        }
        func line(_ from: String, _ to: String, _ path: String, _ form: String, _ r: [String: Any]) -> String {
            right(from, 9) + right(to, 7) + "  " + path.padding(toLength: 5, withPad: " ", startingAt: 0)
                + form.padding(toLength: 13, withPad: " ", startingAt: 0) + right(String(number(r["count"])), 6)
                + right(String(number(r["fences"])), 8) + right(tlbs(r["entries_removed"]), 16)
                + right(tlbs(r["refill_misses"]), 16) + right(String(number(r["refill_walks"])), 8)
                + right(String(number(r["refill_walk_cycles"])), 14) + "\n"
        }
        text += "  initiator target  path form          count  fences  removed I/D/L2  refills I/D/L2   walks  refill_cycles\n"
        for r in rows {
            text += line(String(number(r["initiator"])), String(number(r["target"])), r["path"] as? String ?? "?",
                         r["form"] as? String ?? "?", r)
        }
        text += line("all", "", "", "", totals)
        return text
    }

    /// The top rows by `key` (nil: ITLB + DTLB misses), with walk cycles, misses, walks and faults.
    private func table(_ title: String, rows: [[String: Any]], label: ([String: Any]) -> String, key: String?) -> String {
        func value(_ r: [String: Any]) -> UInt64 {
            key.map { Self.number(r[$0]) } ?? Self.number(r["itlb_misses"]) + Self.number(r["dtlb_misses"])
        }
        let sorted = rows.map { (label($0), $0) }.sorted { (value($0.1), $1.0) > (value($1.1), $0.0) }.prefix(top)
        var text = "  \(title):\n"
        text += "    " + "name".padding(toLength: 40, withPad: " ", startingAt: 0) + "   walk_cycles   itlb_miss   dtlb_miss       walks      faults\n"
        for (name, r) in sorted {
            let cols = ["walk_cycles", "itlb_misses", "dtlb_misses", "page_walks", "page_faults"].map { f -> String in
                let s = String(Self.number(r[f]))
                return String(repeating: " ", count: max(0, 12 - s.count)) + s
            }
            text += "    " + String(name.prefix(40)).padding(toLength: 40, withPad: " ", startingAt: 0) + cols.joined() + "\n"
        }
        return text
    }

    static func number(_ v: Any?) -> UInt64 {
        if let n = v as? NSNumber { return n.uint64Value }
        return 0
    }

    static func hex(_ v: Any?) -> String { "0x" + String(number(v), radix: 16) }
}
