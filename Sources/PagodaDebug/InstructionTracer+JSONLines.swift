import PagodaISA
import PagodaMachine

/// `--trace-format jsonl`: one JSON object per line, per retired instruction and per
/// trap, described by tools/trace.schema.json. Addresses, instruction bits and values are
/// strings of lowercase hex ("0x..."), so 64-bit values survive any JSON reader; counts
/// are numbers.
///
///     {"type":"insn","n":N,"hart":H,"mode":"S","pc":"0x...","raw":"0x...","text":"...",
///      "regs":{"a0":"0x..."},"csr":{"number":384,"name":"satp","value":"0x..."},
///      "mem":{"kind":"load","va":"0x...","pa":"0x...","size":8,"asid":1,"tlb":"miss","walk_depth":3},
///      "mode_after":"U","cycles":C}
///     {"type":"trap","n":N,"hart":H,"mode":"U","interrupt":false,"code":8,"name":"...",
///      "epc":"0x...","tval":"0x...","to_mode":"S","handler":"0x..."}
///
/// "csr", "mem", "mode_after" and "cycles" appear only when they apply; "mem.pa" is null
/// when the access did not translate, "mem.tlb" is "hit" or "miss" for an access
/// translated through the modelled TLBs and "none" otherwise (M-mode, Bare, base/limit).
extension InstructionTracer {
    func writeJSONLine(_ step: Step, on hart: Hart) {
        let e = effects(of: step, on: hart)
        out.append("{\"type\":\"insn\",\"n\":")
        out.append(decimal: step.count)
        out.append(",\"hart\":")
        out.append(decimal: UInt64(hart.id))
        out.append(",\"mode\":\"")
        out.append(byte: Self.letter(step.mode))
        out.append("\",\"pc\":")
        jsonHex(step.pc)
        out.append(",\"raw\":")
        jsonHex(UInt64(step.raw & 3 == 3 ? step.raw : step.raw & 0xFFFF))
        out.append(",\"text\":")
        jsonString(InstructionText.disassemble(raw: step.raw, pc: step.pc))
        out.append(",\"regs\":{")
        for (k, (i, value)) in e.registers.enumerated() {
            if k > 0 { out.append(byte: UInt8(ascii: ",")) }
            jsonString(Disassembler.registerName(i))
            out.append(byte: UInt8(ascii: ":"))
            jsonHex(value)
        }
        out.append(byte: UInt8(ascii: "}"))
        if let (csr, value) = e.csr {
            out.append(",\"csr\":{\"number\":")
            out.append(decimal: UInt64(csr))
            out.append(",\"name\":")
            jsonString(Self.csrName(csr))
            out.append(",\"value\":")
            jsonHex(value)
            out.append(byte: UInt8(ascii: "}"))
        }
        if let access = step.access {
            out.append(",\"mem\":{\"kind\":\"")
            out.append(Self.accessKind(access))
            out.append("\",\"va\":")
            jsonHex(access.address)
            out.append(",\"pa\":")
            if let pa = step.physical { jsonHex(pa) } else { out.append("null") }
            out.append(",\"size\":")
            out.append(decimal: UInt64(access.size))
            out.append(",\"asid\":")
            out.append(decimal: step.asid)
            out.append(",\"tlb\":\"")
            out.append(step.translated ? (e.dtlbMissed ? "miss" : "hit") : "none")
            out.append("\",\"walk_depth\":")
            out.append(decimal: e.dataWalkDepth)
            if let v = e.stored {
                out.append(",\"value\":")
                jsonHex(v)
            }
            out.append(byte: UInt8(ascii: "}"))
        }
        if let mode = e.newMode {
            out.append(",\"mode_after\":\"")
            out.append(byte: Self.letter(mode))
            out.append(byte: UInt8(ascii: "\""))
        }
        if let cycles = e.cycles {
            out.append(",\"cycles\":")
            out.append(decimal: cycles)
        }
        out.append(byte: UInt8(ascii: "}"))
        out.endLine()
    }

    func writeJSONTrap(_ hart: Hart, from: PrivilegeMode, cause: UInt64, value: UInt64, epc: UInt64, count: UInt64) {
        let interrupt = cause >> 63 == 1
        let code = cause & ~(1 << 63)
        out.append("{\"type\":\"trap\",\"n\":")
        out.append(decimal: count)
        out.append(",\"hart\":")
        out.append(decimal: UInt64(hart.id))
        out.append(",\"mode\":\"")
        out.append(byte: Self.letter(from))
        out.append(interrupt ? "\",\"interrupt\":true,\"code\":" : "\",\"interrupt\":false,\"code\":")
        out.append(decimal: code)
        out.append(",\"name\":")
        jsonString(interrupt ? TrapNames.interrupt(code) : TrapNames.exception(code))
        out.append(",\"epc\":")
        jsonHex(epc)
        out.append(",\"tval\":")
        jsonHex(value)
        out.append(",\"to_mode\":\"")
        out.append(byte: Self.letter(hart.privilege))
        out.append("\",\"handler\":")
        jsonHex(hart.pc)
        out.append(byte: UInt8(ascii: "}"))
        out.endLine()
    }

    static func csrName(_ csr: UInt16) -> String { CSRAddress.name(csr) ?? "csr\(hex(UInt64(csr), digits: 3))" }

    private func jsonHex(_ value: UInt64) {
        out.append("\"0x")
        out.append(hex: value, digits: 1)
        out.append(byte: UInt8(ascii: "\""))
    }

    /// A JSON string (RFC 8259 section 7): quotes, backslashes and control characters escaped.
    private func jsonString(_ text: String) {
        out.append(byte: UInt8(ascii: "\""))
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(byte: UInt8(ascii: "\\"))
                out.append(byte: b)
            case 0..<0x20:
                out.append("\\u00")
                out.append(hex: UInt64(b), digits: 2)
            default:
                out.append(byte: b)
            }
        }
        out.append(byte: UInt8(ascii: "\""))
    }
}
