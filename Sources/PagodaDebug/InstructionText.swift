import PagodaISA

/// The text of an instruction for traces.
enum InstructionText {
    /// The disassembly of `raw` at `pc`, as llvm-objdump prints it (one space after the mnemonic).
    static func disassemble(raw: UInt32, pc: UInt64) -> String {
        Disassembler.text(raw: raw, pc: pc)
    }

    /// The raw bits: eight hex digits, or four (and four spaces) for a 16-bit instruction.
    static func raw(_ raw: UInt32) -> String {
        raw & 3 == 3 ? hex(UInt64(raw), digits: 8) : hex(UInt64(raw & 0xFFFF), digits: 4) + "    "
    }
}

/// `value` in lowercase hex, zero-padded to `digits`.
func hex(_ value: UInt64, digits: Int) -> String {
    let text = String(value, radix: 16)
    return text.count >= digits ? text : String(repeating: "0", count: digits - text.count) + text
}
