/// Turns instruction bits into assembly text, spelled as LLVM's disassembler
/// (`llvm-objdump -d`) spells it for an RV64IMAC + Zicsr + Zifencei target.
///
/// The conventions it follows:
/// - registers by ABI name (`zero`, `ra`, `sp`, ..., `s0` for x8);
/// - immediates in hex, negative ones with a minus sign (`-0x8(sp)`); `lui`/`auipc` show
///   the 20-bit field unsigned;
/// - branch and jump targets as the absolute address `pc + offset` (64-bit wrap-around);
/// - the standard aliases (`nop`, `li`, `mv`, `not`, `neg`, `sext.w`, `seqz`, `beqz`, `j`,
///   `ret`, `csrr`, `csrw`, `rdcycle`, `unimp`, ...);
/// - compressed instructions as the base instructions they expand to, except the HINT
///   encodings, which keep their `c.` names (`c.nop 0x1`, `c.li zero, 0x5`, `c.slli64 a0`);
/// - CSRs by their standard RV64 name, or the number in hex;
/// - encodings the disassembler does not accept print as `<unknown>`.
///
/// llvm-objdump separates the mnemonic from the operands with a tab; the text here has a
/// single space in its place, so that it lines up in traces. Nothing else differs: the
/// test suite compares it with llvm-objdump instruction by instruction.
public enum Disassembler {
    /// The text of an encoding that is not a valid instruction.
    public static let unknown = "<unknown>"

    /// The assembly text of the instruction `raw` located at `pc`. A compressed
    /// instruction sits in the low 16 bits of `raw` (the upper 16 are ignored); a 32-bit
    /// one has its two low bits set.
    public static func text(raw: UInt32, pc: UInt64) -> String {
        if raw & 3 != 3 { return compressedText(UInt16(truncatingIfNeeded: raw), pc: pc) }
        return text32(raw, pc: pc)
    }

    // MARK: Operands

    /// ABI register names, x0...x31.
    static let registerNames: [String] = [
        "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
        "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
        "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
        "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
    ]

    /// The ABI name of register x`number` as the disassembly spells it (`s0` for x8);
    /// only the low five bits of `number` count.
    public static func registerName(_ number: Int) -> String { registerNames[number & 31] }

    /// The name of register `number` (only its low five bits count).
    @inline(__always) static func reg<T: BinaryInteger>(_ number: T) -> String {
        registerNames[Int(truncatingIfNeeded: number) & 31]
    }

    /// `value` as `0x...`, or `-0x...` when negative.
    static func imm(_ value: Int64) -> String {
        value < 0 ? "-0x" + String(value.magnitude, radix: 16) : "0x" + String(value, radix: 16)
    }

    static func imm(_ value: Int32) -> String { imm(Int64(value)) }

    /// An unsigned value as `0x...`.
    static func uimm<T: BinaryInteger>(_ value: T) -> String { "0x" + String(value, radix: 16) }

    /// The target of a pc-relative branch or jump.
    static func target(_ pc: UInt64, _ offset: Int32) -> String {
        uimm(pc &+ UInt64(bitPattern: Int64(offset)))
    }

    /// A memory operand: `offset(base)`.
    static func memory(_ offset: Int32, _ base: UInt8) -> String { imm(offset) + "(" + reg(base) + ")" }

    /// A CSR operand: its name, or its number in hex.
    static func csr(_ number: UInt32) -> String {
        let csr = UInt16(number & 0xFFF)
        return CSRAddress.standardName(csr) ?? uimm(csr)
    }

    /// `mnemonic` followed by its operands.
    static func form(_ mnemonic: String, _ operands: String...) -> String {
        operands.isEmpty ? mnemonic : mnemonic + " " + operands.joined(separator: ", ")
    }

    // MARK: 32-bit instructions

    static func text32(_ r: UInt32, pc: UInt64) -> String {
        let d = Decoder.decode32(r)
        let rd = d.rd, rs1 = d.rs1, rs2 = d.rs2, imm = d.imm
        switch d.op {
        case .illegal:
            return unknown
        case .lui, .auipc:
            return form(d.op == .lui ? "lui" : "auipc", reg(rd), uimm(r >> 12))
        case .jal:
            switch rd {
            case 0: return form("j", target(pc, imm))
            case 1: return form("jal", target(pc, imm))
            default: return form("jal", reg(rd), target(pc, imm))
            }
        case .jalr:
            switch (rd, imm) {
            case (0, 0): return rs1 == 1 ? "ret" : form("jr", reg(rs1))
            case (1, 0): return form("jalr", reg(rs1))
            case (_, 0): return form("jalr", reg(rd), reg(rs1))
            case (0, _): return form("jr", memory(imm, rs1))
            case (1, _): return form("jalr", memory(imm, rs1))
            default: return form("jalr", reg(rd), memory(imm, rs1))
            }
        case .beq, .bne, .blt, .bge, .bltu, .bgeu:
            return branch(d, pc: pc)
        case .lb, .lh, .lw, .ld, .lbu, .lhu, .lwu:
            return form(baseName(d.op), reg(rd), memory(imm, rs1))
        case .sb, .sh, .sw, .sd:
            return form(baseName(d.op), reg(rs2), memory(imm, rs1))
        case .addi:
            if rs1 == 0 { return rd == 0 && imm == 0 ? "nop" : form("li", reg(rd), self.imm(imm)) }
            if imm == 0 { return form("mv", reg(rd), reg(rs1)) }
        case .sltiu where imm == 1: return form("seqz", reg(rd), reg(rs1))
        case .xori where imm == -1: return form("not", reg(rd), reg(rs1))
        case .andi where imm == 0xFF: return form("zext.b", reg(rd), reg(rs1))
        case .addiw where imm == 0: return form("sext.w", reg(rd), reg(rs1))
        case .sub where rs1 == 0: return form("neg", reg(rd), reg(rs2))
        case .subw where rs1 == 0: return form("negw", reg(rd), reg(rs2))
        case .sltu where rs1 == 0: return form("snez", reg(rd), reg(rs2))
        case .slt where rs2 == 0: return form("sltz", reg(rd), reg(rs1))
        case .slt where rs1 == 0: return form("sgtz", reg(rd), reg(rs2))
        case .slli, .srli, .srai, .slliw, .srliw, .sraiw:
            return form(baseName(d.op), reg(rd), reg(rs1), uimm(UInt32(bitPattern: imm)))
        case .fence:
            return fenceText(r)
        case .fenceI:
            return r == 0x0000_100F ? "fence.i" : unknown
        case .ecall: return "ecall"
        case .ebreak: return "ebreak"
        case .mret: return "mret"
        case .sret: return "sret"
        case .wfi: return "wfi"
        case .sfenceVMA:
            if rs2 != 0 { return form("sfence.vma", reg(rs1), reg(rs2)) }
            return rs1 == 0 ? "sfence.vma" : form("sfence.vma", reg(rs1))
        case .csrrw, .csrrs, .csrrc, .csrrwi, .csrrsi, .csrrci:
            return csrText(d)
        case .lrW, .lrD:
            return form(baseName(d.op) + orderingSuffix(r), reg(rd), "(" + reg(rs1) + ")")
        case .scW, .scD, .amoswapW, .amoaddW, .amoxorW, .amoandW, .amoorW, .amominW, .amomaxW, .amominuW, .amomaxuW,
             .amoswapD, .amoaddD, .amoxorD, .amoandD, .amoorD, .amominD, .amomaxD, .amominuD, .amomaxuD:
            return form(baseName(d.op) + orderingSuffix(r), reg(rd), reg(rs2), "(" + reg(rs1) + ")")
        default:
            break
        }
        // Register-immediate and register-register forms without an alias.
        if r & 0x7F == 0x13 || r & 0x7F == 0x1B {
            return form(baseName(d.op), reg(rd), reg(rs1), self.imm(imm))
        }
        return form(baseName(d.op), reg(rd), reg(rs1), reg(rs2))
    }

    static func branch(_ d: DecodedInstruction, pc: UInt64) -> String {
        let rs1 = d.rs1, rs2 = d.rs2, to = target(pc, d.imm)
        switch d.op {
        case .beq where rs2 == 0: return form("beqz", reg(rs1), to)
        case .bne where rs2 == 0: return form("bnez", reg(rs1), to)
        case .bge where rs1 == 0: return form("blez", reg(rs2), to)
        case .bge where rs2 == 0: return form("bgez", reg(rs1), to)
        case .blt where rs2 == 0: return form("bltz", reg(rs1), to)
        case .blt where rs1 == 0: return form("bgtz", reg(rs2), to)
        default: return form(baseName(d.op), reg(rs1), reg(rs2), to)
        }
    }

    /// `fence pred, succ` (just `fence` for the full `iorw, iorw`), `fence.tso`, or
    /// `<unknown>` when a field that must be zero is not.
    static func fenceText(_ r: UInt32) -> String {
        let fm = r >> 28, pred = (r >> 24) & 0xF, succ = (r >> 20) & 0xF
        guard (r >> 7) & 0x1F == 0, (r >> 15) & 0x1F == 0 else { return unknown }
        if fm == 0b1000 && pred == 0b0011 && succ == 0b0011 { return "fence.tso" }
        guard fm == 0 else { return unknown }
        if pred == 0xF && succ == 0xF { return "fence" }
        return form("fence", fenceSet(pred), fenceSet(succ))
    }

    /// A fence's predecessor or successor set as letters (`iorw`), `0` when empty.
    static func fenceSet(_ set: UInt32) -> String {
        var text = ""
        for (bit, letter) in [(UInt32(8), "i"), (4, "o"), (2, "r"), (1, "w")] where set & bit != 0 { text += letter }
        return text.isEmpty ? "0" : text
    }

    /// `.aq`, `.rl`, `.aqrl` or nothing, from an AMO's aq and rl bits.
    static func orderingSuffix(_ r: UInt32) -> String {
        switch (r >> 25) & 3 {
        case 0b10: return ".aq"
        case 0b01: return ".rl"
        case 0b11: return ".aqrl"
        default: return ""
        }
    }

    static func csrText(_ d: DecodedInstruction) -> String {
        let number = UInt32(bitPattern: d.imm) & 0xFFF
        let name = csr(number)
        let rd = d.rd, source = d.rs1  // rs1, or the 5-bit immediate of the -i forms
        switch d.op {
        case .csrrs where source == 0:
            switch number {
            case 0xC00: return form("rdcycle", reg(rd))
            case 0xC01: return form("rdtime", reg(rd))
            case 0xC02: return form("rdinstret", reg(rd))
            default: return form("csrr", reg(rd), name)
            }
        case .csrrw where rd == 0:
            return number == 0xC00 && source == 0 ? "unimp" : form("csrw", name, reg(source))
        case .csrrs where rd == 0: return form("csrs", name, reg(source))
        case .csrrc where rd == 0: return form("csrc", name, reg(source))
        case .csrrwi where rd == 0: return form("csrwi", name, uimm(source))
        case .csrrsi where rd == 0: return form("csrsi", name, uimm(source))
        case .csrrci where rd == 0: return form("csrci", name, uimm(source))
        case .csrrwi, .csrrsi, .csrrci: return form(baseName(d.op), reg(rd), name, uimm(source))
        default: return form(baseName(d.op), reg(rd), name, reg(source))
        }
    }

    /// The assembler mnemonic of an operation, without ordering suffixes.
    static func baseName(_ op: Opcode) -> String {
        switch op {
        case .fenceI: return "fence.i"
        case .sfenceVMA: return "sfence.vma"
        case .lrW: return "lr.w"
        case .scW: return "sc.w"
        case .amoswapW: return "amoswap.w"
        case .amoaddW: return "amoadd.w"
        case .amoxorW: return "amoxor.w"
        case .amoandW: return "amoand.w"
        case .amoorW: return "amoor.w"
        case .amominW: return "amomin.w"
        case .amomaxW: return "amomax.w"
        case .amominuW: return "amominu.w"
        case .amomaxuW: return "amomaxu.w"
        case .lrD: return "lr.d"
        case .scD: return "sc.d"
        case .amoswapD: return "amoswap.d"
        case .amoaddD: return "amoadd.d"
        case .amoxorD: return "amoxor.d"
        case .amoandD: return "amoand.d"
        case .amoorD: return "amoor.d"
        case .amominD: return "amomin.d"
        case .amomaxD: return "amomax.d"
        case .amominuD: return "amominu.d"
        case .amomaxuD: return "amomaxu.d"
        default: return operationNames[Int(op.rawValue)]
        }
    }

    /// Each operation's Swift name, by raw value; for the base instructions it is the mnemonic.
    static let operationNames: [String] = {
        var names = [String](repeating: "", count: 256)
        for op in Opcode.allCases { names[Int(op.rawValue)] = "\(op)" }
        return names
    }()
}
