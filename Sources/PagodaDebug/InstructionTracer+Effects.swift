import PagodaISA
import PagodaMachine

/// What a traced instruction did, for the structured trace formats (the text format
/// writes the same things as it finds them).
struct StepEffects {
    /// Integer registers written (number, value after), in register order.
    var registers: [(Int, UInt64)] = []
    /// The CSR written and its value after.
    var csr: (UInt16, UInt64)?
    /// The value a store, successful SC or AMO wrote.
    var stored: UInt64?
    /// The mode after, when the instruction changed it.
    var newMode: PrivilegeMode?
    /// Data walk PTE reads the instruction caused, and whether its data access missed the DTLB.
    var dataWalkDepth: UInt64 = 0
    var dtlbMissed = false
    /// Cycles charged (timing on).
    var cycles: UInt64?
}

extension InstructionTracer {
    func effects(of step: Step, on hart: Hart) -> StepEffects {
        var e = StepEffects()
        let rd = Self.writesRd(step.decoded.op) ? Int(step.decoded.rd) : 0
        for i in 1..<32 {
            let value = hart.register(i)
            if value != before[i] || i == rd { e.registers.append((i, value)) }
        }
        if let csr = Self.writtenCSR(step.decoded), let value = hart.debugReadCSR(csr) { e.csr = (csr, value) }
        e.stored = storeEffect(of: step, on: hart)?.1
        if hart.privilege != step.mode { e.newMode = hart.privilege }
        e.dataWalkDepth = hart.mmu.statistics.dataPTEReads &- step.dataPTEReads
        e.dtlbMissed = hart.mmu.dtlb.misses != step.dtlbMisses
        if hart.timingEnabled { e.cycles = hart.cycles &- step.cycles }
        return e
    }

    /// The kind of data access: "load", "store" or "amo" (an LR is a load, an SC a store).
    static func accessKind(_ access: DataAccess) -> String {
        access.reads && access.writes ? "amo" : access.writes ? "store" : "load"
    }
}
