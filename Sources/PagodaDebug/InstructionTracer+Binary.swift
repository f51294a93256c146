import PagodaISA
import PagodaMachine

/// `--trace-format binary`: the events of `--trace-format jsonl` as little-endian
/// records, for long runs (no disassembly, no number formatting). tools/trace-read.py
/// turns a binary trace into the JSON lines `--trace-format jsonl` writes, without
/// "text". Layout (version 1; u8/u16/u32/u64 little-endian, str = u8 length + UTF-8):
///
///     header:      "PGTR" u16 version=1 u16 0
///     instruction: u8 1, u8 hart, u8 mode, u8 flags, u64 n, u64 pc, u32 raw,
///                  u8 R, R x (u8 register, u64 value),
///                  [mem:   u8 kind (0 load, 1 store, 2 amo), u8 size, u8 walk_depth,
///                          u16 asid, u64 va, [u64 pa], [u64 value]]
///                  [csr:   u16 number, str name, u64 value]
///                  [mode_after: u8 mode]
///                  [cycles: u64]
///     trap:        u8 2, u8 hart, u8 mode, u8 to_mode, u8 interrupt (0/1), u64 code,
///                  u64 n, u64 epc, u64 tval, u64 handler, str name
///
/// Modes are the privilege encodings (0 U, 1 S, 3 M). Instruction flags: bit 0 mem
/// present, 1 mem.pa present, 2 the access was translated through the modelled TLBs,
/// 3 it missed the DTLB, 4 csr present, 5 mode_after present, 6 cycles present,
/// 7 mem.value present.
extension InstructionTracer {
    static let binaryMagic: [UInt8] = Array("PGTR".utf8)
    static let binaryVersion: UInt64 = 1

    func writeBinaryHeader() {
        for b in Self.binaryMagic { out.append(byte: b) }
        out.append(littleEndian: Self.binaryVersion, bytes: 2)
        out.append(littleEndian: 0, bytes: 2)
        out.endRecord()
    }

    func writeBinaryRecord(_ step: Step, on hart: Hart) {
        let e = effects(of: step, on: hart)
        var flags: UInt8 = 0
        if step.access != nil { flags |= 1 }
        if step.physical != nil { flags |= 2 }
        if step.translated { flags |= 4 }
        if step.translated && e.dtlbMissed { flags |= 8 }
        if e.csr != nil { flags |= 16 }
        if e.newMode != nil { flags |= 32 }
        if e.cycles != nil { flags |= 64 }
        if e.stored != nil { flags |= 128 }
        out.append(byte: 1)
        out.append(byte: UInt8(truncatingIfNeeded: hart.id))
        out.append(byte: step.mode.rawValue)
        out.append(byte: flags)
        out.append(littleEndian: step.count, bytes: 8)
        out.append(littleEndian: step.pc, bytes: 8)
        out.append(littleEndian: UInt64(step.raw & 3 == 3 ? step.raw : step.raw & 0xFFFF), bytes: 4)
        out.append(byte: UInt8(e.registers.count))
        for (i, value) in e.registers {
            out.append(byte: UInt8(i))
            out.append(littleEndian: value, bytes: 8)
        }
        if let access = step.access {
            out.append(byte: access.reads && access.writes ? 2 : access.writes ? 1 : 0)
            out.append(byte: UInt8(access.size))
            out.append(byte: UInt8(truncatingIfNeeded: min(e.dataWalkDepth, 255)))
            out.append(littleEndian: step.asid, bytes: 2)
            out.append(littleEndian: access.address, bytes: 8)
            if let pa = step.physical { out.append(littleEndian: pa, bytes: 8) }
            if let v = e.stored { out.append(littleEndian: v, bytes: 8) }
        }
        if let (csr, value) = e.csr {
            out.append(littleEndian: UInt64(csr), bytes: 2)
            binaryString(Self.csrName(csr))
            out.append(littleEndian: value, bytes: 8)
        }
        if let mode = e.newMode { out.append(byte: mode.rawValue) }
        if let cycles = e.cycles { out.append(littleEndian: cycles, bytes: 8) }
        out.endRecord()
    }

    func writeBinaryTrap(_ hart: Hart, from: PrivilegeMode, cause: UInt64, value: UInt64, epc: UInt64, count: UInt64) {
        let interrupt = cause >> 63 == 1
        let code = cause & ~(1 << 63)
        out.append(byte: 2)
        out.append(byte: UInt8(truncatingIfNeeded: hart.id))
        out.append(byte: from.rawValue)
        out.append(byte: hart.privilege.rawValue)
        out.append(byte: interrupt ? 1 : 0)
        out.append(littleEndian: code, bytes: 8)
        out.append(littleEndian: count, bytes: 8)
        out.append(littleEndian: epc, bytes: 8)
        out.append(littleEndian: value, bytes: 8)
        out.append(littleEndian: hart.pc, bytes: 8)
        binaryString(interrupt ? TrapNames.interrupt(code) : TrapNames.exception(code))
        out.endRecord()
    }

    private func binaryString(_ text: String) {
        let bytes = Array(text.utf8.prefix(255))
        out.append(byte: UInt8(bytes.count))
        for b in bytes { out.append(byte: b) }
    }
}
