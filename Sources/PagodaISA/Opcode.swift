/// Every operation Pagoda executes, after decoding.
///
/// Compressed instructions decode to the base operation they expand to (RVC
/// chapter of the unprivileged spec, "Compressed Instruction Formats"), so the
/// executor handles one set of operations whatever the encoding length.
/// The raw values are dense so that the executor's `switch` becomes a jump table.
public enum Opcode: UInt8, Sendable, CaseIterable {
    case illegal

    // RV64I
    case lui, auipc, jal, jalr
    case beq, bne, blt, bge, bltu, bgeu
    case lb, lh, lw, ld, lbu, lhu, lwu
    case sb, sh, sw, sd
    case addi, slti, sltiu, xori, ori, andi, slli, srli, srai
    case add, sub, sll, slt, sltu, xor, srl, sra, or, and
    case addiw, slliw, srliw, sraiw
    case addw, subw, sllw, srlw, sraw
    case fence, ecall, ebreak

    // Zifencei
    case fenceI

    // Privileged
    case mret, sret, wfi, sfenceVMA

    // Zicsr: `imm` holds the CSR number; the immediate forms keep uimm in `rs1`.
    case csrrw, csrrs, csrrc, csrrwi, csrrsi, csrrci

    // M
    case mul, mulh, mulhsu, mulhu, div, divu, rem, remu
    case mulw, divw, divuw, remw, remuw

    // A
    case lrW, scW, amoswapW, amoaddW, amoxorW, amoandW, amoorW, amominW, amomaxW, amominuW, amomaxuW
    case lrD, scD, amoswapD, amoaddD, amoxorD, amoandD, amoorD, amominD, amomaxD, amominuD, amomaxuD
}

extension Opcode {
    /// Whether the operation is a load, store or AMO, i.e. touches data memory.
    public var isMemoryAccess: Bool {
        switch self {
        case .lb, .lh, .lw, .ld, .lbu, .lhu, .lwu, .sb, .sh, .sw, .sd: return true
        case .lrW, .scW, .amoswapW, .amoaddW, .amoxorW, .amoandW, .amoorW, .amominW, .amomaxW, .amominuW, .amomaxuW,
             .lrD, .scD, .amoswapD, .amoaddD, .amoxorD, .amoandD, .amoorD, .amominD, .amomaxD, .amominuD, .amomaxuD:
            return true
        default: return false
        }
    }
}
