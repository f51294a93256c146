import PagodaLoader

/// The `attribution` section of a hart's `--stats` entry with `--attribute`: the
/// translation costs by (mode, ASID), by (mode, ASID, pc) and by function (the symbol
/// of the `--symbols` tables or the booted ELF containing the pc; "?" when none) and by
/// (mode, ASID, function). Each list adds up exactly to the
/// hart's totals (itlb/dtlb hits and misses, page_walks, pte_reads, walk_cycles,
/// page_faults).
extension StatisticsReport {
    static func modeName(_ mode: UInt8) -> String {
        switch mode {
        case 0: return "U"
        case 1: return "S"
        default: return "M"
        }
    }

    private static func costs(_ c: TranslationAttribution.Costs, into d: inout [String: Any]) {
        d["itlb_misses"] = c.itlbMisses
        d["dtlb_misses"] = c.dtlbMisses
        d["page_walks"] = c.walks
        d["pte_reads"] = c.pteReads
        d["walk_cycles"] = c.walkCycles
        d["page_faults"] = c.pageFaults
    }

    private static func sum(_ a: inout TranslationAttribution.Costs, _ b: TranslationAttribution.Costs) {
        a.itlbMisses &+= b.itlbMisses; a.dtlbMisses &+= b.dtlbMisses; a.walks &+= b.walks
        a.pteReads &+= b.pteReads; a.walkCycles &+= b.walkCycles; a.pageFaults &+= b.pageFaults
    }

    static func attribution(_ a: TranslationAttribution, symbols: AttributionSymbols, booted: ELFImage?) -> [String: Any] {
        struct SpaceKey: Hashable { let mode: UInt8; let asid: UInt16 }
        struct SpaceFunction: Hashable { let mode: UInt8; let asid: UInt16; let name: AttributionSymbols.Name }
        var spaceCosts: [SpaceKey: TranslationAttribution.Costs] = [:]
        var functionCosts: [AttributionSymbols.Name: TranslationAttribution.Costs] = [:]
        var spaceFunctionCosts: [SpaceFunction: TranslationAttribution.Costs] = [:]
        var byPC: [[String: Any]] = []
        for (key, c) in a.costs.sorted(by: { ($0.key.mode, $0.key.asid, $0.key.pc) < ($1.key.mode, $1.key.asid, $1.key.pc) }) {
            sum(&spaceCosts[SpaceKey(mode: key.mode, asid: key.asid), default: .init()], c)
            let name = symbols.name(asid: key.asid, pc: key.pc, booted: booted)
            sum(&functionCosts[name, default: .init()], c)
            sum(&spaceFunctionCosts[SpaceFunction(mode: key.mode, asid: key.asid, name: name), default: .init()], c)
            var d: [String: Any] = ["mode": modeName(key.mode), "asid": key.asid, "pc": key.pc, "function": name.function]
            if let source = name.source { d["source"] = source }
            costs(c, into: &d)
            byPC.append(d)
        }
        var keys = Set(spaceCosts.keys)
        for s in a.accesses.keys { keys.insert(SpaceKey(mode: s.mode, asid: s.asid)) }
        let bySpace: [[String: Any]] = keys.sorted { ($0.mode, $0.asid) < ($1.mode, $1.asid) }.map { k in
            let acc = a.accesses[.init(mode: k.mode, asid: k.asid)] ?? .init()
            var d: [String: Any] = [
                "mode": modeName(k.mode), "asid": k.asid,
                "itlb_accesses": acc.itlbAccesses, "itlb_hits": acc.itlbHits,
                "dtlb_accesses": acc.dtlbAccesses, "dtlb_hits": acc.dtlbHits,
            ]
            if let program = symbols.program(asid: k.asid) { d["program"] = program }
            costs(spaceCosts[k] ?? .init(), into: &d)
            return d
        }
        func named(_ name: AttributionSymbols.Name, _ c: TranslationAttribution.Costs) -> [String: Any] {
            var d: [String: Any] = ["function": name.function]
            if let source = name.source { d["source"] = source }
            costs(c, into: &d)
            return d
        }
        let byFunction: [[String: Any]] = functionCosts.sorted {
            ($0.value.walkCycles, $1.key.function, $1.key.source ?? "") > ($1.value.walkCycles, $0.key.function, $0.key.source ?? "")
        }.map { named($0.key, $0.value) }
        let bySpaceFunction: [[String: Any]] = spaceFunctionCosts.sorted {
            ($0.key.mode, $0.key.asid, $1.value.walkCycles, $0.key.name.function, $0.key.name.source ?? "")
                < ($1.key.mode, $1.key.asid, $0.value.walkCycles, $1.key.name.function, $1.key.name.source ?? "")
        }.map { entry in
            var d = named(entry.key.name, entry.value)
            d["mode"] = modeName(entry.key.mode)
            d["asid"] = entry.key.asid
            if let program = symbols.program(asid: entry.key.asid) { d["program"] = program }
            return d
        }
        return ["by_space": bySpace, "by_pc": byPC, "by_function": byFunction, "by_space_function": bySpaceFunction]
    }
}
