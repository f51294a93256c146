import PagodaISA
import PagodaMachine

/// The data access an instruction is about to make, worked out from its decoding and the
/// registers before it executes: loads and stores at rs1 + imm, LR/SC and AMOs at rs1
/// (unprivileged spec, "Load and Store Instructions", "Atomic Instructions").
struct DataAccess: Equatable {
    var address: UInt64
    var size: Int
    var reads: Bool
    var writes: Bool

    /// The access `instruction` makes on `hart` in its current state, or nil if it makes none.
    init?(_ instruction: DecodedInstruction, on hart: Hart) {
        let base = hart.register(Int(instruction.rs1))
        let offset = UInt64(bitPattern: Int64(instruction.imm))
        switch instruction.op {
        case .lb, .lbu: self.init(base &+ offset, 1, reads: true, writes: false)
        case .lh, .lhu: self.init(base &+ offset, 2, reads: true, writes: false)
        case .lw, .lwu: self.init(base &+ offset, 4, reads: true, writes: false)
        case .ld: self.init(base &+ offset, 8, reads: true, writes: false)
        case .sb: self.init(base &+ offset, 1, reads: false, writes: true)
        case .sh: self.init(base &+ offset, 2, reads: false, writes: true)
        case .sw: self.init(base &+ offset, 4, reads: false, writes: true)
        case .sd: self.init(base &+ offset, 8, reads: false, writes: true)
        case .lrW: self.init(base, 4, reads: true, writes: false)
        case .lrD: self.init(base, 8, reads: true, writes: false)
        case .scW: self.init(base, 4, reads: false, writes: true)
        case .scD: self.init(base, 8, reads: false, writes: true)
        case .amoswapW, .amoaddW, .amoxorW, .amoandW, .amoorW, .amominW, .amomaxW, .amominuW, .amomaxuW:
            self.init(base, 4, reads: true, writes: true)
        case .amoswapD, .amoaddD, .amoxorD, .amoandD, .amoorD, .amominD, .amomaxD, .amominuD, .amomaxuD:
            self.init(base, 8, reads: true, writes: true)
        default:
            return nil
        }
    }

    private init(_ address: UInt64, _ size: Int, reads: Bool, writes: Bool) {
        self.address = address
        self.size = size
        self.reads = reads
        self.writes = writes
    }

    /// Whether the accessed bytes overlap [start, start + length).
    func overlaps(_ start: UInt64, length: UInt64) -> Bool {
        let length = max(length, 1)
        // Compare as offsets from `start` so ranges that wrap around 2^64 still work.
        let fromStart = address &- start
        if fromStart < length { return true }
        let fromAccess = start &- address
        return fromAccess < UInt64(size)
    }
}
