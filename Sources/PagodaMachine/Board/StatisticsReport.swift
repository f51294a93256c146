import Foundation

/// The statistics `--stats FILE.json` writes when the machine stops.
///
/// Top level: `{"harts": [...], "instructions": N}`; each hart: `hart` (id),
/// `instret` (instructions retired), `cycles` (modelled cycles, mcycle).
public struct StatisticsReport {
    let machine: Machine

    public init(machine: Machine) { self.machine = machine }

    public func dictionary() -> [String: Any] {
        let harts: [[String: Any]] = machine.harts.map { hart in
            [
                "hart": hart.id,
                "instret": hart.instructionsRetired,
                "cycles": hart.cycles,
            ]
        }
        return ["harts": harts, "instructions": machine.instructionsExecuted]
    }

    public func json() throws -> Data {
        try JSONSerialization.data(withJSONObject: dictionary(), options: [.prettyPrinted, .sortedKeys])
    }
}
