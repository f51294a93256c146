/// How `pagoda report` names address spaces, processes and functions: with the program a
/// `--symbols FILE@ASID` bound to the ASID, and the `--symbols` table a name comes from.
extension ReportCommand {
    static func spaceLabel(_ row: [String: Any]) -> String {
        "\(row["mode"] ?? "?") asid \(number(row["asid"]))" + ((row["program"] as? String).map { " (\($0))" } ?? "")
    }

    static func processLabel(_ row: [String: Any]) -> String {
        "asid \(number(row["asid"]))" + ((row["program"] as? String).map { " (\($0))" } ?? "")
    }

    static func functionLabel(_ row: [String: Any]) -> String {
        "\(row["function"] ?? "?")" + ((row["source"] as? String).map { " [\($0)]" } ?? "")
    }

    /// The address spaces summed over modes: one row per ASID (a process, for a kernel
    /// that gives each its own), M-mode left out (it does not translate through an ASID).
    static func processes(_ spaces: [[String: Any]]) -> [[String: Any]] {
        var rows: [UInt64: [String: Any]] = [:]
        for s in spaces where s["mode"] as? String != "M" {
            let asid = number(s["asid"])
            var row = rows[asid] ?? ["asid": asid]
            if let program = s["program"] { row["program"] = program }
            for f in ["walk_cycles", "itlb_misses", "dtlb_misses", "page_walks", "pte_reads", "page_faults"] {
                row[f] = number(row[f]) + number(s[f])
            }
            rows[asid] = row
        }
        return Array(rows.values)
    }
}
