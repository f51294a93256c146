import Foundation
import PagodaMachine

/// The stub's `monitor` commands (GDB's qRcmd): looking at the modelled TLBs, walking the
/// page tables for an address, the statistics, and resetting the machine.
struct MonitorCommands {
    let machine: Machine

    static let help = """
        monitor commands:
          tlb [HART]            the modelled TLB entries (ITLB, DTLB, L2) of a hart
          translate VA [HART]   how VA translates now: each page-table level, then the
                                physical address or the fault, for fetch, load and store
          stats                 the statistics (as --stats writes them)
          reset                 reset the machine (every hart back to the reset vector)
          help                  this list
        HART defaults to the selected thread's hart; VA is hex (0x optional).

        """

    /// Runs `command`; `hart` is the hart of the debugger's selected thread.
    func run(_ command: String, hart: Int) -> String {
        let words = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let name = words.first else { return Self.help }
        let arguments = Array(words.dropFirst())
        switch name {
        case "tlb":
            guard arguments.count <= 1, let h = hartArgument(arguments.first, default: hart) else { return usage("tlb [HART]") }
            return tlb(machine.harts[h])
        case "translate":
            guard (1...2).contains(arguments.count), let va = TraceFilter.parseAddress(arguments[0]),
                  let h = hartArgument(arguments.dropFirst().first, default: hart)
            else { return usage("translate VA [HART]") }
            return translate(va, on: machine.harts[h])
        case "stats":
            guard let data = try? StatisticsReport(machine: machine).json() else { return "statistics unavailable\n" }
            return String(decoding: data, as: UTF8.self) + "\n"
        case "reset":
            machine.reset()
            return "machine reset: every hart is back at the reset vector "
                + "(run `maintenance flush register-cache` so GDB reads the registers again)\n"
        case "help":
            return Self.help
        default:
            return "unknown monitor command '\(name)'\n" + Self.help
        }
    }

    private func usage(_ text: String) -> String { "usage: monitor \(text)\n" }

    private func hartArgument(_ text: String?, default hart: Int) -> Int? {
        guard let text else { return hart }
        guard let id = Int(text), machine.harts.indices.contains(id) else { return nil }
        return id
    }

    // MARK: tlb

    private func tlb(_ hart: Hart) -> String {
        var out = "hart \(hart.id): \(hart.privilege)-mode, satp mode \(hart.mmu.mode), asid 0x\(hex(hart.mmu.asid, digits: 4))\n"
        let tlbs: [(String, ModelTLB)] = [("ITLB", hart.mmu.itlb), ("DTLB", hart.mmu.dtlb), ("L2 TLB", hart.mmu.l2tlb)]
        for (name, tlb) in tlbs {
            guard tlb.isPresent else {
                out += "\(name): none\n"
                continue
            }
            let entries = tlb.validEntries.sorted { ($0.virtualBase, $0.asid) < ($1.virtualBase, $1.asid) }
            out += "\(name) (\(tlb.configuration)): \(entries.count) valid\n"
            for e in entries {
                let va = Self.canonical(e.virtualBase)
                let pa = ((e.pte >> 10) << 12) & ~(e.size - 1)
                out += "  va 0x\(hex(va, digits: 16))-0x\(hex(va &+ e.size &- 1, digits: 16)) "
                    + "\(Self.sizeName(level: e.level)) asid 0x\(hex(e.asid, digits: 4)) \(e.global ? "G" : "-") "
                    + "pte \(Self.flags(e.pte)) pa 0x\(hex(pa, digits: 16))\n"
            }
        }
        return out
    }

    /// Sign-extends a 39-bit virtual address (Sv39: bits 63-39 copy bit 38).
    static func canonical(_ va: UInt64) -> UInt64 {
        UInt64(bitPattern: Int64(bitPattern: va << 25) >> 25)
    }

    static func sizeName(level: Int) -> String {
        switch level {
        case 0: return "4K"
        case 1: return "2M"
        default: return "1G"
        }
    }

    /// A PTE's flag letters, D A G U X W R V, with '-' for clear bits.
    static func flags(_ pte: UInt64) -> String {
        let letters: [Character] = ["V", "R", "W", "X", "U", "G", "A", "D"]
        return String((0..<8).reversed().map { pte & (1 << UInt64($0)) != 0 ? letters[$0] : "-" })
    }

    // MARK: translate

    private func translate(_ va: UInt64, on hart: Hart) -> String {
        let mmu = hart.mmu
        let dataMode = hart.debugDataAccessMode
        var out = "hart \(hart.id): 0x\(hex(va, digits: 16)), \(hart.privilege)-mode"
        out += dataMode == hart.privilege ? "" : " (data accesses in \(dataMode)-mode: MPRV)"
        out += ", satp mode \(mmu.mode)\n"
        let inspections: [(String, MMU.Inspection)] = [
            ("fetch", hart.inspect(va, access: .fetch)),
            ("load", hart.inspect(va, access: .load)),
            ("store", hart.inspect(va, access: .store)),
        ]
        // The walk is the same for every access type; show the longest one seen.
        if let walk = inspections.map(\.1).filter({ $0.mode == .sv39 }).max(by: { $0.steps.count < $1.steps.count }) {
            let root = (mmu.satp & ((1 << 44) - 1)) << 12
            out += "  sv39: root table 0x\(hex(root, digits: 16)), asid 0x\(hex(mmu.asid, digits: 4))\n"
            for step in walk.steps {
                out += "  level \(step.level): pte at 0x\(hex(step.pteAddress, digits: 16)) = 0x\(hex(step.pte, digits: 16)) \(step.flags)"
                if step.pte & 1 == 0 {
                    out += " invalid\n"
                } else if step.pte & 0xA != 0 {
                    out += " leaf \(Self.sizeName(level: step.level)) page 0x\(hex(step.ppn << 12, digits: 16))\n"
                } else {
                    out += " -> table 0x\(hex(step.ppn << 12, digits: 16))\n"
                }
            }
        }
        if inspections.contains(where: { $0.1.mode == .baseLimit }) {
            out += "  base/limit: sbase 0x\(hex(mmu.sbase, digits: 16)), sbound 0x\(hex(mmu.sbound, digits: 16))\n"
        }
        for (name, inspection) in inspections {
            let label = (name + ":").padding(toLength: 7, withPad: " ", startingAt: 0)
            out += "  \(label)[\(inspection.mode)] "
            if let pa = inspection.physical {
                out += "pa 0x\(hex(pa, digits: 16))\n"
            } else if let fault = inspection.fault {
                out += "fault: \(TrapNames.exception(fault.rawValue))\n"
            } else {
                out += "no translation\n"
            }
        }
        return out
    }
}
