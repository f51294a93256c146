import Foundation

/// The statistics `pagoda run --stats FILE.json` writes when the machine stops, and
/// the lines of the `--stats-interval` time series. Every field is documented in the
/// README ("Statistics").
public struct StatisticsReport {
    let machine: Machine

    public init(machine: Machine) { self.machine = machine }

    private static func tlb(_ t: ModelTLB, fastHits: UInt64) -> [String: Any] {
        let hits = t.lookups &- t.misses &+ fastHits
        let total = hits &+ t.misses
        return [
            "hits": hits,
            "misses": t.misses,
            "miss_rate": total == 0 ? 0.0 : Double(t.misses) / Double(total),
            "entries": t.configuration.entries,
            "ways": t.configuration.ways,
            "policy": t.configuration.policy.rawValue,
        ]
    }

    private static func causeName(_ cause: UInt64) -> String {
        if cause >> 63 == 1, let i = Interrupt(rawValue: cause & ~(1 << 63)) { return "interrupt_\(i)" }
        if let e = Exception(rawValue: cause) { return "\(e)" }
        return "cause_\(cause)"
    }

    /// One hart's counters. Brings the hart's attribution of fast-path hits up to date.
    public static func hart(_ hart: Hart) -> [String: Any] {
        hart.closeTranslationSegment()
        let s = hart.mmu.statistics
        var faults: [String: UInt64] = [:]
        for (cause, n) in s.pageFaults { faults[causeName(cause)] = n }
        var traps: [String: UInt64] = [:]
        for (cause, n) in hart.trapsByCause { traps[causeName(cause)] = n }
        var entry: [String: Any] = [
            "hart": hart.id,
            "instret": hart.instructionsRetired,
            "cycles": hart.cycles,
            "instret_by_mode": ["M": hart.retiredByMode[3], "S": hart.retiredByMode[1], "U": hart.retiredByMode[0]],
            "itlb": tlb(hart.mmu.itlb, fastHits: s.fastFetchHits),
            "dtlb": tlb(hart.mmu.dtlb, fastHits: s.fastDataHits),
            "page_walks": s.pageWalks,
            "pte_reads": s.pteReads,
            "walk_cycles": s.walkCycles,
            "page_faults": s.totalPageFaults,
            "page_faults_by_cause": faults,
            "base_limit_faults": s.baseLimitFaults,
            "sfence_vma": [
                "all": s.sfenceAll, "asid": s.sfenceASID,
                "address": s.sfenceAddress, "address_asid": s.sfenceAddressASID,
            ],
            "traps_by_cause": traps,
            "translation_mode": "\(hart.mmu.mode)",
        ]
        if hart.timingEnabled {
            let t = hart.timing
            let b = t.breakdown
            entry["cpi"] = hart.instructionsRetired == 0 ? 0.0 : Double(hart.cycles) / Double(hart.instructionsRetired)
            entry["caches"] = [
                "l1i": ["hits": t.l1iHits, "misses": t.l1iMisses],
                "l1d": ["hits": t.l1dHits(fastAccesses: hart.loopCounters.pointee.fastDataAccesses), "misses": t.l1dMisses],
            ]
            entry["branches"] = ["conditional": hart.loopCounters.pointee.conditionalBranches, "mispredicted": t.mispredictions]
            entry["cycle_breakdown"] = [
                "execution": hart.instructionsRetired &+ b.execution &+ b.branchMispredictions,
                "instruction_fetch": b.instructionFetch,
                "data_access": b.dataAccess,
                "translation": s.walkCycles,
                "traps": b.traps,
            ]
        } else {
            entry["cpi"] = hart.instructionsRetired == 0 ? 0.0 : Double(hart.cycles) / Double(hart.instructionsRetired)
            entry["cycle_breakdown"] = ["execution": hart.instructionsRetired, "translation": s.walkCycles]
        }
        if hart.mmu.l2tlb.isPresent {
            entry["l2tlb"] = tlb(hart.mmu.l2tlb, fastHits: 0)
        }
        return entry
    }

    private static func start(_ start: HartStart?) -> [String: Any] {
        guard let start else { return ["how": "held"] }
        var d: [String: Any] = ["how": start.how.rawValue, "at_instruction": start.atInstruction,
                                "address": "0x" + String(start.address, radix: 16)]
        if let by = start.byHart { d["by_hart"] = by }
        return d
    }

    public func dictionary() -> [String: Any] {
        var d: [String: Any] = [
            "harts": machine.harts.map { hart in
                var entry = StatisticsReport.hart(hart)
                entry["start"] = StatisticsReport.start(machine.hartStarts[hart.id])
                if let attribution = hart.mmu.attribution {
                    entry["attribution"] = StatisticsReport.attribution(attribution, symbols: machine.attributionSymbols, booted: machine.image)
                }
                return entry
            },
            "instructions": machine.harts.reduce(0) { $0 &+ $1.instructionsRetired },
            "instructions_executed": machine.instructionsExecuted,
            "mtime": machine.mtime,
            "timing": machine.configuration.timing ? "on" : "off",
        ]
        if machine.configuration.timing {
            d["l2"] = ["hits": machine.l2.hits, "misses": machine.l2.misses]
        }
        if let checker = machine.staleTranslationChecker { d["stale_translations"] = StatisticsReport.staleTranslations(checker) }
        if let accounting = machine.shootdowns { d["shootdowns"] = StatisticsReport.shootdowns(accounting) }
        return d
    }

    public func json(pretty: Bool = true) throws -> Data {
        let options: JSONSerialization.WritingOptions = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
        return try JSONSerialization.data(withJSONObject: dictionary(), options: options)
    }
}
