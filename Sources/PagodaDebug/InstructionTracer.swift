import Glibc
import PagodaISA
import PagodaMachine

/// Writes one line per retired instruction and one per trap (`pagoda run --trace FILE`).
///
/// Instruction lines:
///
///     N hH P PC RAW  TEXT  EFFECTS
///
/// N is the instruction's number (the machine's count of instructions executed before
/// it, over all harts, from 0; what `--trace-start`/`--trace-stop` count), H the hart id,
/// P the privilege mode (M, S or U), PC sixteen hex digits, RAW the instruction bits
/// (eight hex digits, or four for a compressed instruction), TEXT its disassembly, and
/// EFFECTS what it wrote, space-separated: `REG=0x...` for each integer register written
/// (ABI names), `CSR=0x...` for a CSR it wrote (the value after), `memBITS[0xADDR]=0x...`
/// for a store, SC or AMO (the value written, BITS = 8, 16, 32 or 64), and `mode=P` when
/// it changed the privilege mode (mret, sret).
///
/// Trap lines:
///
///     N hH P trap exception|interrupt CODE (NAME) epc=0x... tval=0x... -> P' 0xHANDLER
///
/// P is the mode the trap came from, P' the mode that takes it and HANDLER where it goes.
/// An instruction that raises an exception does not retire: it has a trap line only.
///
/// `--trace-format jsonl` and `binary` write the same events as JSON objects
/// (`InstructionTracer+JSONLines.swift`) or fixed binary records (`InstructionTracer+Binary.swift`).
public final class InstructionTracer: StepObserver {
    /// The trace's encoding (`--trace-format`).
    public enum Format: String, CaseIterable, Sendable {
        case text, jsonl, binary
    }

    public let filter: TraceFilter
    public let format: Format
    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    let out: TraceBuffer
    private var finished = false

    /// Each hart's mode after its last step or trap (what a trap comes from).
    private var modes: [PrivilegeMode] = []
    /// The step in progress, when it is traced.
    struct Step {
        var count: UInt64
        var pc: UInt64
        var mode: PrivilegeMode
        var raw: UInt32
        var decoded: DecodedInstruction
        var access: DataAccess?
        var retired: UInt64
        /// For the structured formats: the access's physical address (nil: it does not
        /// translate now), the ASID, and counters to take differences of after the step.
        var physical: UInt64? = nil
        var asid: UInt64 = 0
        var translated = false
        var dtlbMisses: UInt64 = 0
        var dataPTEReads: UInt64 = 0
        var cycles: UInt64 = 0
    }
    private var step: Step?
    /// x0...x31 before the step (behind a pointer: no exclusivity check per register).
    let before = UnsafeMutablePointer<UInt64>.allocate(capacity: 32)

    /// The column the effects start at (after the disassembly).
    private static let effectsColumn = 28

    /// Traces to a file (created or truncated), or to standard error for "-".
    public init(path: String, filter: TraceFilter, format: Format = .text) throws {
        self.filter = filter
        self.format = format
        if path == "-" {
            guard let stream = fdopen(STDERR_FILENO, "w") else { throw DebugSetupError("cannot write the trace to standard error") }
            file = stream
            ownsFile = false
        } else {
            guard let stream = fopen(path, "w") else { throw DebugSetupError("cannot write the trace to \(path)") }
            file = stream
            ownsFile = true
        }
        out = TraceBuffer(file: file)
        if format == .binary { writeBinaryHeader() }
    }

    deinit {
        finish()
        before.deallocate()
    }

    /// Writes out what is buffered and closes the trace file.
    public func finish() {
        guard !finished else { return }
        finished = true
        out.flush()
        if ownsFile { fclose(file) }
    }

    // MARK: StepObserver

    func willStep(_ hart: Hart, count: UInt64) {
        let mode = hart.privilege
        noteMode(of: hart)
        guard filter.admits(hart: hart.id, mode: mode, pc: hart.pc, count: count), let raw = hart.debugFetch(hart.pc) else {
            step = nil
            return
        }
        let decoded = Decoder.decode(raw)
        step = Step(count: count, pc: hart.pc, mode: mode, raw: raw, decoded: decoded,
                    access: DataAccess(decoded, on: hart), retired: hart.instructionsRetired)
        if format != .text { noteTranslationState(of: hart) }
        for i in 0..<32 { before[i] = hart.register(i) }
    }

    /// Before a step, for the structured formats: where its data access goes and the
    /// translation counters, so that the step's TLB miss and walk show as differences.
    private func noteTranslationState(of hart: Hart) {
        guard var s = step else { return }
        let mmu = hart.mmu
        s.asid = mmu.asid
        s.dtlbMisses = mmu.dtlb.misses
        s.dataPTEReads = mmu.statistics.dataPTEReads
        s.cycles = hart.cycles
        if let access = s.access {
            let kind: AccessType = access.writes ? .store : .load
            let mode = hart.debugDataAccessMode
            s.translated = mode != .machine && mmu.mode == .sv39
            s.physical = hart.inspect(access.address, access: kind).physical
        }
        step = s
    }

    func didStep(_ hart: Hart, executed: Bool) {
        defer { noteMode(of: hart) }
        guard let step, executed, hart.instructionsRetired != step.retired else { return }
        switch format {
        case .text: break
        case .jsonl: writeJSONLine(step, on: hart); return
        case .binary: writeBinaryRecord(step, on: hart); return
        }
        startLine(count: step.count, hart: hart.id, mode: step.mode)
        out.append(hex: step.pc, digits: 16)
        out.append(byte: 0x20)
        out.append(InstructionText.raw(step.raw))
        out.append("  ")
        let textStart = out.lineLength
        out.append(InstructionText.disassemble(raw: step.raw, pc: step.pc))
        let textEnd = out.lineLength
        writeEffects(of: step, on: hart, padding: textStart + Self.effectsColumn - textEnd)
        out.endLine()
    }

    func trapTaken(_ hart: Hart, cause: UInt64, value: UInt64, epc: UInt64, count: UInt64) {
        let from = hart.id < modes.count ? modes[hart.id] : .machine
        noteMode(of: hart)
        guard filter.admits(hart: hart.id, mode: from, pc: epc, count: count) else { return }
        switch format {
        case .text: break
        case .jsonl: writeJSONTrap(hart, from: from, cause: cause, value: value, epc: epc, count: count); return
        case .binary: writeBinaryTrap(hart, from: from, cause: cause, value: value, epc: epc, count: count); return
        }
        let interrupt = cause >> 63 == 1
        let code = cause & ~(1 << 63)
        startLine(count: count, hart: hart.id, mode: from)
        out.append(interrupt ? "trap interrupt " : "trap exception ")
        out.append(decimal: code)
        out.append(" (" + (interrupt ? TrapNames.interrupt(code) : TrapNames.exception(code)) + ") epc=0x")
        out.append(hex: epc, digits: 16)
        out.append(" tval=0x")
        out.append(hex: value, digits: 16)
        out.append(" -> ")
        out.append(byte: Self.letter(hart.privilege))
        out.append(" 0x")
        out.append(hex: hart.pc, digits: 16)
        out.endLine()
    }

    private func noteMode(of hart: Hart) {
        while modes.count <= hart.id { modes.append(.machine) }
        modes[hart.id] = hart.privilege
    }

    /// `N hH P `
    private func startLine(count: UInt64, hart: Int, mode: PrivilegeMode) {
        out.append(decimal: count)
        out.append(byte: UInt8(ascii: " "))
        out.append(byte: UInt8(ascii: "h"))
        out.append(decimal: UInt64(hart))
        out.append(byte: UInt8(ascii: " "))
        out.append(byte: Self.letter(mode))
        out.append(byte: UInt8(ascii: " "))
    }

    static func letter(_ mode: PrivilegeMode) -> UInt8 {
        switch mode {
        case .machine: return UInt8(ascii: "M")
        case .supervisor: return UInt8(ascii: "S")
        case .user: return UInt8(ascii: "U")
        }
    }

    // MARK: Effects

    /// What the instruction wrote, after `padding` spaces (at least two).
    private func writeEffects(of step: Step, on hart: Hart, padding: Int) {
        let d = step.decoded
        var first = true
        func separate() {
            out.append(spaces: first ? max(padding, 0) + 2 : 1)
            first = false
        }
        let rd = Self.writesRd(d.op) ? Int(d.rd) : 0
        for i in 1..<32 {
            let value = hart.register(i)
            guard value != before[i] || i == rd else { continue }
            separate()
            out.append(Disassembler.registerName(i))  // named as in the disassembly text
            out.append("=0x")
            out.append(hex: value, digits: 16)
        }
        if let csr = Self.writtenCSR(d), let value = hart.debugReadCSR(csr) {
            separate()
            out.append(CSRAddress.name(csr) ?? "csr\(hex(UInt64(csr), digits: 3))")
            out.append("=0x")
            out.append(hex: value, digits: 16)
        }
        if let (access, value) = storeEffect(of: step, on: hart) {
            separate()
            out.append("mem\(access.size * 8)[0x")
            out.append(hex: access.address, digits: 16)
            out.append("]=0x")
            out.append(hex: value, digits: access.size * 2)
        }
        if hart.privilege != step.mode {
            separate()
            out.append("mode=")
            out.append(byte: Self.letter(hart.privilege))
        }
    }

    /// The memory a retired instruction wrote: stores, and SC when it succeeded, write
    /// rs2; AMOs write what memory holds afterwards.
    func storeEffect(of step: Step, on hart: Hart) -> (DataAccess, UInt64)? {
        let d = step.decoded
        guard let access = step.access, access.writes else { return nil }
        let mask: UInt64 = access.size == 8 ? .max : (1 << UInt64(access.size * 8)) - 1
        switch d.op {
        case .sb, .sh, .sw, .sd:
            return (access, before[Int(d.rs2)] & mask)
        case .scW, .scD:
            // Success writes 0 to rd; with rd = x0 the outcome cannot be seen.
            guard d.rd != 0, hart.register(Int(d.rd)) == 0 else { return nil }
            return (access, before[Int(d.rs2)] & mask)
        default:  // AMOs
            guard let bytes = hart.debugRead(access.address, length: access.size) else { return nil }
            return (access, bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        }
    }

    /// Whether the operation writes rd.
    static func writesRd(_ op: Opcode) -> Bool {
        switch op {
        case .beq, .bne, .blt, .bge, .bltu, .bgeu, .sb, .sh, .sw, .sd, .fence, .fenceI, .ecall, .ebreak,
             .mret, .sret, .wfi, .sfenceVMA, .illegal:
            return false
        default:
            return true
        }
    }

    /// The CSR a CSR instruction writes: csrrw always, the set/clear forms unless rs1
    /// (or the immediate) is 0 ("Zicsr", CSR instructions).
    static func writtenCSR(_ d: DecodedInstruction) -> UInt16? {
        let csr = UInt16(truncatingIfNeeded: d.imm) & 0xFFF
        switch d.op {
        case .csrrw, .csrrwi: return csr
        case .csrrs, .csrrc, .csrrsi, .csrrci: return d.rs1 == 0 ? nil : csr
        default: return nil
        }
    }
}
