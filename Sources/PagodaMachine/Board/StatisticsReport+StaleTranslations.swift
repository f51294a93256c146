import Foundation

/// The `stale_translations` section of `--stats` with `--check-tlb`: one object per
/// finding of the stale-translation checker (`StaleTranslationChecker`).
extension StatisticsReport {
    static func staleTranslations(_ checker: StaleTranslationChecker) -> [[String: Any]] {
        checker.findings.map { f in
            var d: [String: Any] = [
                "hart": f.hart, "pc": f.pc, "instret": f.instret, "access": "\(f.access)",
                "asid": f.asid, "virtual_page": f.virtualPage, "level": f.level,
                "cached_pte": f.cachedPTE,
            ]
            d["current_pte"] = f.currentPTE.map { $0 as Any } ?? NSNull()
            if let s = f.store {
                d["store"] = ["hart": s.hart, "pc": s.pc, "instret": s.instret, "pte_address": s.pteAddress]
            } else {
                d["store"] = NSNull()
            }
            return d
        }
    }
}
