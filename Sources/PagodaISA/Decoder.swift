/// Decodes 32-bit RV64IMA + Zicsr + Zifencei + privileged instructions.
///
/// Field extraction follows "RV32/64G Instruction Set Listings" of the unprivileged
/// spec; anything not listed there decodes to `.illegal` (the hart raises an
/// illegal-instruction exception with the bits in `mtval`).
public enum Decoder {
    /// Decodes an instruction: a 32-bit one when the low two bits are 11, otherwise
    /// the compressed instruction in the low 16 bits.
    public static func decode(_ raw: UInt32) -> DecodedInstruction {
        if raw & 3 != 3 { return CompressedDecoder.decode(UInt16(truncatingIfNeeded: raw)) }
        return decode32(raw)
    }

    // MARK: Immediates

    @inline(__always) static func immI(_ r: UInt32) -> Int32 { Int32(bitPattern: r) >> 20 }
    @inline(__always) static func immS(_ r: UInt32) -> Int32 {
        (Int32(bitPattern: r & 0xFE00_0000) >> 20) | Int32((r >> 7) & 0x1F)
    }
    @inline(__always) static func immB(_ r: UInt32) -> Int32 {
        (Int32(bitPattern: r & 0x8000_0000) >> 19)
            | Int32((r & 0x80) << 4)
            | Int32((r >> 20) & 0x7E0)
            | Int32((r >> 7) & 0x1E)
    }
    @inline(__always) static func immU(_ r: UInt32) -> Int32 { Int32(bitPattern: r & 0xFFFF_F000) }
    @inline(__always) static func immJ(_ r: UInt32) -> Int32 {
        (Int32(bitPattern: r & 0x8000_0000) >> 11)
            | Int32(r & 0xF_F000)
            | Int32((r >> 9) & 0x800)
            | Int32((r >> 20) & 0x7FE)
    }

    static func decode32(_ r: UInt32) -> DecodedInstruction {
        let rd = UInt8((r >> 7) & 31)
        let rs1 = UInt8((r >> 15) & 31)
        let rs2 = UInt8((r >> 20) & 31)
        let funct3 = (r >> 12) & 7
        let funct7 = r >> 25
        let illegal = DecodedInstruction(raw: r, op: .illegal, length: 4)

        func make(_ op: Opcode, imm: Int32 = 0) -> DecodedInstruction {
            DecodedInstruction(raw: r, op: op, rd: rd, rs1: rs1, rs2: rs2, imm: imm, length: 4)
        }

        switch r & 0x7F {
        case 0x37: return make(.lui, imm: immU(r))
        case 0x17: return make(.auipc, imm: immU(r))
        case 0x6F: return make(.jal, imm: immJ(r))
        case 0x67: return funct3 == 0 ? make(.jalr, imm: immI(r)) : illegal
        case 0x63:
            let ops: [Opcode?] = [.beq, .bne, nil, nil, .blt, .bge, .bltu, .bgeu]
            guard let op = ops[Int(funct3)] else { return illegal }
            return make(op, imm: immB(r))
        case 0x03:
            let ops: [Opcode?] = [.lb, .lh, .lw, .ld, .lbu, .lhu, .lwu, nil]
            guard let op = ops[Int(funct3)] else { return illegal }
            return make(op, imm: immI(r))
        case 0x23:
            let ops: [Opcode?] = [.sb, .sh, .sw, .sd, nil, nil, nil, nil]
            guard let op = ops[Int(funct3)] else { return illegal }
            return make(op, imm: immS(r))
        case 0x13:
            let shamt = Int32((r >> 20) & 0x3F)
            let funct6 = r >> 26
            switch funct3 {
            case 0: return make(.addi, imm: immI(r))
            case 2: return make(.slti, imm: immI(r))
            case 3: return make(.sltiu, imm: immI(r))
            case 4: return make(.xori, imm: immI(r))
            case 6: return make(.ori, imm: immI(r))
            case 7: return make(.andi, imm: immI(r))
            case 1: return funct6 == 0 ? make(.slli, imm: shamt) : illegal
            default:
                if funct6 == 0 { return make(.srli, imm: shamt) }
                if funct6 == 0x10 { return make(.srai, imm: shamt) }
                return illegal
            }
        case 0x1B:
            let shamt = Int32((r >> 20) & 0x1F)
            switch (funct3, funct7) {
            case (0, _): return make(.addiw, imm: immI(r))
            case (1, 0): return make(.slliw, imm: shamt)
            case (5, 0): return make(.srliw, imm: shamt)
            case (5, 0x20): return make(.sraiw, imm: shamt)
            default: return illegal
            }
        case 0x33:
            switch (funct7, funct3) {
            case (0, 0): return make(.add)
            case (0x20, 0): return make(.sub)
            case (0, 1): return make(.sll)
            case (0, 2): return make(.slt)
            case (0, 3): return make(.sltu)
            case (0, 4): return make(.xor)
            case (0, 5): return make(.srl)
            case (0x20, 5): return make(.sra)
            case (0, 6): return make(.or)
            case (0, 7): return make(.and)
            case (1, 0): return make(.mul)
            case (1, 1): return make(.mulh)
            case (1, 2): return make(.mulhsu)
            case (1, 3): return make(.mulhu)
            case (1, 4): return make(.div)
            case (1, 5): return make(.divu)
            case (1, 6): return make(.rem)
            case (1, 7): return make(.remu)
            default: return illegal
            }
        case 0x3B:
            switch (funct7, funct3) {
            case (0, 0): return make(.addw)
            case (0x20, 0): return make(.subw)
            case (0, 1): return make(.sllw)
            case (0, 5): return make(.srlw)
            case (0x20, 5): return make(.sraw)
            case (1, 0): return make(.mulw)
            case (1, 4): return make(.divw)
            case (1, 5): return make(.divuw)
            case (1, 6): return make(.remw)
            case (1, 7): return make(.remuw)
            default: return illegal
            }
        case 0x0F:
            switch funct3 {
            case 0: return make(.fence)
            case 1: return make(.fenceI)
            default: return illegal
            }
        case 0x73:
            return decodeSystem(r, rd: rd, rs1: rs1, rs2: rs2, funct3: funct3, funct7: funct7)
        case 0x2F:
            return decodeAtomic(r, rd: rd, rs1: rs1, rs2: rs2, funct3: funct3)
        default:
            return illegal
        }
    }

    static func decodeSystem(_ r: UInt32, rd: UInt8, rs1: UInt8, rs2: UInt8, funct3: UInt32, funct7: UInt32) -> DecodedInstruction {
        let csr = Int32(r >> 20)
        func make(_ op: Opcode, imm: Int32 = 0) -> DecodedInstruction {
            DecodedInstruction(raw: r, op: op, rd: rd, rs1: rs1, rs2: rs2, imm: imm, length: 4)
        }
        switch funct3 {
        case 0:
            switch r {
            case 0x0000_0073: return make(.ecall)
            case 0x0010_0073: return make(.ebreak)
            case 0x3020_0073: return make(.mret)
            case 0x1020_0073: return make(.sret)
            case 0x1050_0073: return make(.wfi)
            default:
                if funct7 == 0x09 && rd == 0 { return make(.sfenceVMA) }
                return DecodedInstruction(raw: r, op: .illegal, length: 4)
            }
        case 1: return make(.csrrw, imm: csr)
        case 2: return make(.csrrs, imm: csr)
        case 3: return make(.csrrc, imm: csr)
        case 5: return make(.csrrwi, imm: csr)
        case 6: return make(.csrrsi, imm: csr)
        case 7: return make(.csrrci, imm: csr)
        default: return DecodedInstruction(raw: r, op: .illegal, length: 4)
        }
    }

    static func decodeAtomic(_ r: UInt32, rd: UInt8, rs1: UInt8, rs2: UInt8, funct3: UInt32) -> DecodedInstruction {
        let illegal = DecodedInstruction(raw: r, op: .illegal, length: 4)
        let funct5 = r >> 27
        let word: [UInt32: Opcode] = [
            0x02: .lrW, 0x03: .scW, 0x01: .amoswapW, 0x00: .amoaddW, 0x04: .amoxorW, 0x0C: .amoandW,
            0x08: .amoorW, 0x10: .amominW, 0x14: .amomaxW, 0x18: .amominuW, 0x1C: .amomaxuW,
        ]
        let double: [UInt32: Opcode] = [
            0x02: .lrD, 0x03: .scD, 0x01: .amoswapD, 0x00: .amoaddD, 0x04: .amoxorD, 0x0C: .amoandD,
            0x08: .amoorD, 0x10: .amominD, 0x14: .amomaxD, 0x18: .amominuD, 0x1C: .amomaxuD,
        ]
        let table: [UInt32: Opcode]
        switch funct3 {
        case 2: table = word
        case 3: table = double
        default: return illegal
        }
        guard let op = table[funct5] else { return illegal }
        if (op == .lrW || op == .lrD) && rs2 != 0 { return illegal }
        return DecodedInstruction(raw: r, op: op, rd: rd, rs1: rs1, rs2: rs2, imm: 0, length: 4)
    }
}
