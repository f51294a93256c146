/// Expands RV64C instructions into the base operations they stand for
/// (unprivileged spec, "C" Standard Extension, RVC Instruction Set Listings).
///
/// Reserved encodings and the encodings of extensions Pagoda lacks (the floating-point
/// loads and stores) decode to `.illegal`; HINTs decode to their base form, which has
/// no architectural effect.
public enum CompressedDecoder {
    @inline(__always) static func bit(_ r: UInt32, _ n: UInt32) -> UInt32 { (r >> n) & 1 }
    @inline(__always) static func bits(_ r: UInt32, _ hi: UInt32, _ lo: UInt32) -> UInt32 {
        (r >> lo) & ((1 << (hi - lo + 1)) - 1)
    }
    /// Sign-extends the low `width` bits of `v`.
    @inline(__always) static func signExtend(_ v: UInt32, _ width: UInt32) -> Int32 {
        let shift = 32 - width
        return Int32(bitPattern: v << shift) >> shift
    }

    public static func decode(_ half: UInt16) -> DecodedInstruction {
        let r = UInt32(half)
        let illegal = DecodedInstruction(raw: r, op: .illegal, length: 2)
        func make(_ op: Opcode, rd: UInt32 = 0, rs1: UInt32 = 0, rs2: UInt32 = 0, imm: Int32 = 0) -> DecodedInstruction {
            DecodedInstruction(raw: r, op: op, rd: UInt8(rd), rs1: UInt8(rs1), rs2: UInt8(rs2), imm: imm, length: 2)
        }
        let funct3 = bits(r, 15, 13)
        let rdFull = bits(r, 11, 7)
        let rs2Full = bits(r, 6, 2)
        let rdPrime = bits(r, 4, 2) + 8     // rd' / rs2' in CIW, CL, CS, CA
        let rs1Prime = bits(r, 9, 7) + 8    // rs1' / rd' in CL, CS, CA, CB
        // CI-format 6-bit immediate: imm[5] = bit 12, imm[4:0] = bits 6:2.
        let ci6 = (bit(r, 12) << 5) | bits(r, 6, 2)

        switch r & 3 {
        case 0:
            switch funct3 {
            case 0:
                // c.addi4spn: nzuimm[5:4|9:6|2|3] = bits 12:11 | 10:7 | 6 | 5.
                let imm = (bits(r, 12, 11) << 4) | (bits(r, 10, 7) << 6) | (bit(r, 6) << 2) | (bit(r, 5) << 3)
                if imm == 0 { return illegal }
                return make(.addi, rd: rdPrime, rs1: 2, imm: Int32(imm))
            case 2:
                // c.lw: uimm[5:3] = 12:10, uimm[2] = 6, uimm[6] = 5.
                let imm = (bits(r, 12, 10) << 3) | (bit(r, 6) << 2) | (bit(r, 5) << 6)
                return make(.lw, rd: rdPrime, rs1: rs1Prime, imm: Int32(imm))
            case 3:
                // c.ld: uimm[5:3] = 12:10, uimm[7:6] = 6:5.
                let imm = (bits(r, 12, 10) << 3) | (bits(r, 6, 5) << 6)
                return make(.ld, rd: rdPrime, rs1: rs1Prime, imm: Int32(imm))
            case 6:
                let imm = (bits(r, 12, 10) << 3) | (bit(r, 6) << 2) | (bit(r, 5) << 6)
                return make(.sw, rs1: rs1Prime, rs2: rdPrime, imm: Int32(imm))
            case 7:
                let imm = (bits(r, 12, 10) << 3) | (bits(r, 6, 5) << 6)
                return make(.sd, rs1: rs1Prime, rs2: rdPrime, imm: Int32(imm))
            default:
                return illegal  // c.fld, c.fsd, reserved
            }
        case 1:
            switch funct3 {
            case 0:  // c.addi (c.nop when rd = 0)
                return make(.addi, rd: rdFull, rs1: rdFull, imm: signExtend(ci6, 6))
            case 1:  // c.addiw; rd = 0 is reserved
                if rdFull == 0 { return illegal }
                return make(.addiw, rd: rdFull, rs1: rdFull, imm: signExtend(ci6, 6))
            case 2:  // c.li
                return make(.addi, rd: rdFull, rs1: 0, imm: signExtend(ci6, 6))
            case 3:
                if rdFull == 2 {
                    // c.addi16sp: nzimm[9] = 12, nzimm[4|6|8:7|5] = 6 | 5 | 4:3 | 2.
                    let imm = (bit(r, 12) << 9) | (bit(r, 6) << 4) | (bit(r, 5) << 6) | (bits(r, 4, 3) << 7) | (bit(r, 2) << 5)
                    if imm == 0 { return illegal }
                    return make(.addi, rd: 2, rs1: 2, imm: signExtend(imm, 10))
                }
                // c.lui: nzimm[17] = 12, nzimm[16:12] = 6:2.
                if ci6 == 0 { return illegal }
                return make(.lui, rd: rdFull, imm: signExtend(ci6, 6) << 12)
            case 4:
                switch bits(r, 11, 10) {
                case 0: return make(.srli, rd: rs1Prime, rs1: rs1Prime, imm: Int32(ci6))
                case 1: return make(.srai, rd: rs1Prime, rs1: rs1Prime, imm: Int32(ci6))
                case 2: return make(.andi, rd: rs1Prime, rs1: rs1Prime, imm: signExtend(ci6, 6))
                default:
                    let ops: [Opcode?] = bit(r, 12) == 0
                        ? [.sub, .xor, .or, .and]
                        : [.subw, .addw, nil, nil]
                    guard let op = ops[Int(bits(r, 6, 5))] else { return illegal }
                    return make(op, rd: rs1Prime, rs1: rs1Prime, rs2: rdPrime)
                }
            case 5:
                // c.j: offset[11|4|9:8|10|6|7|3:1|5] = bits 12 | 11 | 10:9 | 8 | 7 | 6 | 5:3 | 2.
                let imm = (bit(r, 12) << 11) | (bit(r, 11) << 4) | (bits(r, 10, 9) << 8) | (bit(r, 8) << 10)
                    | (bit(r, 7) << 6) | (bit(r, 6) << 7) | (bits(r, 5, 3) << 1) | (bit(r, 2) << 5)
                return make(.jal, rd: 0, imm: signExtend(imm, 12))
            default:
                // c.beqz / c.bnez: offset[8|4:3] = 12 | 11:10, offset[7:6|2:1|5] = 6:5 | 4:3 | 2.
                let imm = (bit(r, 12) << 8) | (bits(r, 11, 10) << 3) | (bits(r, 6, 5) << 6) | (bits(r, 4, 3) << 1) | (bit(r, 2) << 5)
                return make(funct3 == 6 ? .beq : .bne, rs1: rs1Prime, rs2: 0, imm: signExtend(imm, 9))
            }
        case 2:
            switch funct3 {
            case 0:  // c.slli
                return make(.slli, rd: rdFull, rs1: rdFull, imm: Int32(ci6))
            case 2:  // c.lwsp: uimm[5] = 12, uimm[4:2] = 6:4, uimm[7:6] = 3:2; rd = 0 reserved
                if rdFull == 0 { return illegal }
                let imm = (bit(r, 12) << 5) | (bits(r, 6, 4) << 2) | (bits(r, 3, 2) << 6)
                return make(.lw, rd: rdFull, rs1: 2, imm: Int32(imm))
            case 3:  // c.ldsp: uimm[5] = 12, uimm[4:3] = 6:5, uimm[8:6] = 4:2; rd = 0 reserved
                if rdFull == 0 { return illegal }
                let imm = (bit(r, 12) << 5) | (bits(r, 6, 5) << 3) | (bits(r, 4, 2) << 6)
                return make(.ld, rd: rdFull, rs1: 2, imm: Int32(imm))
            case 4:
                if bit(r, 12) == 0 {
                    if rs2Full == 0 {  // c.jr; rs1 = 0 reserved
                        if rdFull == 0 { return illegal }
                        return make(.jalr, rd: 0, rs1: rdFull, imm: 0)
                    }
                    return make(.add, rd: rdFull, rs1: 0, rs2: rs2Full)  // c.mv
                }
                if rs2Full == 0 {
                    if rdFull == 0 { return make(.ebreak) }  // c.ebreak
                    return make(.jalr, rd: 1, rs1: rdFull, imm: 0)  // c.jalr
                }
                return make(.add, rd: rdFull, rs1: rdFull, rs2: rs2Full)  // c.add
            case 6:  // c.swsp: uimm[5:2] = 12:9, uimm[7:6] = 8:7
                let imm = (bits(r, 12, 9) << 2) | (bits(r, 8, 7) << 6)
                return make(.sw, rs1: 2, rs2: rs2Full, imm: Int32(imm))
            case 7:  // c.sdsp: uimm[5:3] = 12:10, uimm[8:6] = 9:7
                let imm = (bits(r, 12, 10) << 3) | (bits(r, 9, 7) << 6)
                return make(.sd, rs1: 2, rs2: rs2Full, imm: Int32(imm))
            default:
                return illegal  // c.fldsp, c.fsdsp
            }
        default:
            return illegal
        }
    }
}
