/// Compressed (RVC) instructions.
///
/// A compressed instruction prints as the base instruction it expands to, with the same
/// aliases a 32-bit instruction gets (`c.li a0, 5` shows as `li a0, 0x5`, `c.jr ra` as
/// `ret`). The HINT encodings, whose expansion would be a different instruction or none,
/// keep their own `c.` names: `c.nop imm`, `c.addi rd, 0x0`, `c.li zero, imm`,
/// `c.lui zero, imm`, `c.mv zero, rs2`, `c.add zero, rs2`, `c.slli zero, shamt` and the
/// zero-shift forms `c.slli64`, `c.srli64`, `c.srai64`. The all-zero halfword is `unimp`.
extension Disassembler {
    static func compressedText(_ half: UInt16, pc: UInt64) -> String {
        let d = CompressedDecoder.decode(half)
        if half == 0 { return "unimp" }
        if d.op == .illegal { return unknown }
        let r = UInt32(half)
        let quadrant = r & 3, funct3 = (r >> 13) & 7
        let rd = d.rd, rs1 = d.rs1, rs2 = d.rs2, imm = d.imm
        // The CI-format register field and 6-bit immediate, as encoded.
        let rdField = UInt8((r >> 7) & 31)
        let ci6 = ((r >> 7) & 0x20) | ((r >> 2) & 0x1F)

        switch (quadrant, funct3) {
        case (0, 0):  // c.addi4spn
            return form("addi", reg(rd), "sp", self.imm(imm))
        case (1, 0):  // c.addi, c.nop
            if rdField == 0 { return imm == 0 ? "nop" : form("c.nop", self.imm(imm)) }
            if imm == 0 { return form("c.addi", reg(rd), "0x0") }
            return form("addi", reg(rd), reg(rd), self.imm(imm))
        case (1, 1):  // c.addiw
            return imm == 0 ? form("sext.w", reg(rd), reg(rd)) : form("addiw", reg(rd), reg(rd), self.imm(imm))
        case (1, 2):  // c.li
            return rd == 0 ? form("c.li", "zero", self.imm(imm)) : form("li", reg(rd), self.imm(imm))
        case (1, 3) where rdField != 2:  // c.lui (c.addi16sp falls to the base form)
            let field = uimm(UInt32(bitPattern: imm >> 12) & 0xF_FFFF)
            return rd == 0 ? form("c.lui", "zero", field) : form("lui", reg(rd), field)
        case (1, 4) where (r >> 10) & 3 < 2 && ci6 == 0:  // c.srli64, c.srai64
            return form((r >> 10) & 3 == 0 ? "c.srli64" : "c.srai64", reg(rd))
        case (2, 0):  // c.slli
            if ci6 == 0 { return form("c.slli64", reg(rd)) }
            if rd == 0 { return form("c.slli", "zero", uimm(ci6)) }
        case (2, 4) where rd == 0 && rs2 != 0:  // c.mv, c.add with rd = x0
            return form((r >> 12) & 1 == 0 ? "c.mv" : "c.add", "zero", reg(rs2))
        case (2, 4) where d.op == .add && rs1 == 0:  // c.mv: add rd, x0, rs2
            return form("mv", reg(rd), reg(rs2))
        default:
            break
        }
        // Everything else is its expansion, printed like the 32-bit instruction.
        return expandedText(d, pc: pc)
    }

    /// The text of a compressed instruction's expansion.
    static func expandedText(_ d: DecodedInstruction, pc: UInt64) -> String {
        let rd = d.rd, rs1 = d.rs1, rs2 = d.rs2, imm = d.imm
        switch d.op {
        case .lw, .ld: return form(baseName(d.op), reg(rd), memory(imm, rs1))
        case .sw, .sd: return form(baseName(d.op), reg(rs2), memory(imm, rs1))
        case .jal: return form("j", target(pc, imm))
        case .beq, .bne: return branch(d, pc: pc)
        case .jalr:
            if rd == 0 { return rs1 == 1 ? "ret" : form("jr", reg(rs1)) }
            return form("jalr", reg(rs1))
        case .ebreak: return "ebreak"
        case .lui: return form("lui", reg(rd), uimm(UInt32(bitPattern: imm >> 12) & 0xF_FFFF))
        case .slli, .srli, .srai: return form(baseName(d.op), reg(rd), reg(rs1), uimm(UInt32(bitPattern: imm)))
        case .addi, .addiw, .andi: return form(baseName(d.op), reg(rd), reg(rs1), self.imm(imm))
        default: return form(baseName(d.op), reg(rd), reg(rs1), reg(rs2))
        }
    }
}
