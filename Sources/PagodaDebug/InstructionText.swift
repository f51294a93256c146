import PagodaISA

/// The text of an instruction for traces.
enum InstructionText {
    /// The disassembly of `raw` at `pc`; until PagodaISA's disassembler is available,
    /// the decoded operation's name.
    static func disassemble(raw: UInt32, pc: UInt64) -> String {
        let decoded = Decoder.decode(raw)
        return decoded.op == .illegal ? "(illegal)" : operationNames[Int(decoded.op.rawValue)]
    }

    /// Each operation's name, by raw value.
    private static let operationNames: [String] = {
        var names = [String](repeating: "", count: Int(Opcode.allCases.map(\.rawValue).max()!) + 1)
        for op in Opcode.allCases { names[Int(op.rawValue)] = "\(op)" }
        return names
    }()

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
