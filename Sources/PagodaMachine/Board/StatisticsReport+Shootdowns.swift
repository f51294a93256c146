/// The `shootdowns` section of `--stats` with `--shootdowns` (`ShootdownAccounting`):
/// the refill window, one row per (initiator, target, path, form) with the count and the
/// summed costs (`by_pair`, sorted by initiator, target, path, form), and their totals.
/// `cost_walk_cycles` is the walk cycles of the refill misses: what the shootdowns cost
/// the targets in translation.
extension StatisticsReport {
    private static func costs(_ rows: [ShootdownAccounting.Shootdown]) -> [String: Any] {
        var fences = [UInt64](repeating: 0, count: ShootdownAccounting.Form.allCases.count), removed = [UInt64](repeating: 0, count: 3)
        var refills = [UInt64](repeating: 0, count: 3), walks: UInt64 = 0, cycles: UInt64 = 0
        for s in rows {
            for i in fences.indices { fences[i] &+= s.fences[i] }
            for i in 0..<3 { removed[i] &+= s.removed[i]; refills[i] &+= s.refills[i] }
            walks &+= s.refillWalks
            cycles &+= s.refillWalkCycles
        }
        func byTLB(_ v: [UInt64]) -> [String: Any] {
            var d: [String: Any] = ["total": v.reduce(0, &+)]
            for t in ShootdownAccounting.TLB.allCases { d[t.name] = v[t.rawValue] }
            return d
        }
        var byForm: [String: Any] = [:]
        for f in ShootdownAccounting.Form.allCases { byForm[f.name] = fences[f.rawValue] }
        return [
            "count": rows.count, "fences": fences.reduce(0, &+), "fences_by_form": byForm,
            "entries_removed": byTLB(removed), "refill_misses": byTLB(refills),
            "refill_walks": walks, "refill_walk_cycles": cycles, "cost_walk_cycles": cycles,
        ]
    }

    static func shootdowns(_ accounting: ShootdownAccounting) -> [String: Any] {
        struct Key: Hashable { let initiator: Int; let target: Int; let path: String; let form: String }
        var groups: [Key: [ShootdownAccounting.Shootdown]] = [:]
        for s in accounting.shootdowns {
            groups[Key(initiator: s.initiator, target: s.target, path: s.path.rawValue, form: s.form), default: []].append(s)
        }
        let rows: [[String: Any]] = groups.keys.sorted {
            ($0.initiator, $0.target, $0.path, $0.form) < ($1.initiator, $1.target, $1.path, $1.form)
        }.map { k in
            var d = costs(groups[k]!)
            d["initiator"] = k.initiator
            d["target"] = k.target
            d["path"] = k.path
            d["form"] = k.form
            return d
        }
        return ["window": accounting.window, "by_pair": rows, "totals": costs(accounting.shootdowns)]
    }
}
