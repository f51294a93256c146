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
public final class InstructionTracer: StepObserver {
    public let filter: TraceFilter
    private let output: UnsafeMutablePointer<FILE>
    private let ownsOutput: Bool

    /// Each hart's mode after its last step or trap (what a trap comes from).
    private var modes: [Int: PrivilegeMode] = [:]
    // The step in progress.
    private var before = [UInt64](repeating: 0, count: 32)
    private var stepPC: UInt64 = 0
    private var stepMode = PrivilegeMode.machine
    private var stepRaw: UInt32?
    private var stepCount: UInt64 = 0
    private var stepRetired: UInt64 = 0
    private var stepTraced = false
    private var stepAccess: DataAccess?

    /// Traces to a file (created or truncated), or to standard error for "-".
    public init(path: String, filter: TraceFilter) throws {
        self.filter = filter
        if path == "-" {
            guard let file = fdopen(STDERR_FILENO, "w") else { throw DebugSetupError("cannot write the trace to standard error") }
            output = file
            ownsOutput = false
        } else {
            guard let file = fopen(path, "w") else { throw DebugSetupError("cannot write the trace to \(path)") }
            output = file
            ownsOutput = true
        }
    }

    deinit { finish() }

    private var finished = false

    /// Flushes the trace and closes its file.
    public func finish() {
        guard !finished else { return }
        finished = true
        if ownsOutput { fclose(output) } else { fflush(output) }
    }

    // MARK: StepObserver

    func willStep(_ hart: Hart, count: UInt64) {
        stepCount = count
        stepPC = hart.pc
        stepMode = hart.privilege
        modes[hart.id] = stepMode
        stepTraced = filter.admits(hart: hart.id, mode: stepMode, pc: stepPC, count: stepCount)
        guard stepTraced else { return }
        stepRaw = hart.debugFetch(stepPC)
        stepAccess = stepRaw.flatMap { DataAccess(Decoder.decode($0), on: hart) }
        stepRetired = hart.instructionsRetired
        for i in 0..<32 { before[i] = hart.register(i) }
    }

    func didStep(_ hart: Hart, executed: Bool) {
        defer { modes[hart.id] = hart.privilege }
        guard stepTraced, executed, hart.instructionsRetired != stepRetired, let raw = stepRaw else { return }
        var line = "\(stepCount) h\(hart.id) \(stepMode) \(hex(stepPC, digits: 16)) \(InstructionText.raw(raw))  "
        let text = InstructionText.disassemble(raw: raw, pc: stepPC)
        line += text
        let effects = self.effects(of: Decoder.decode(raw), on: hart)
        if !effects.isEmpty {
            if text.count < 28 { line += String(repeating: " ", count: 28 - text.count) }
            line += "  " + effects.joined(separator: " ")
        }
        write(line)
    }

    func trapTaken(_ hart: Hart, cause: UInt64, value: UInt64, epc: UInt64, count: UInt64) {
        let from = modes[hart.id] ?? .machine
        modes[hart.id] = hart.privilege
        guard filter.admits(hart: hart.id, mode: from, pc: epc, count: count) else { return }
        let interrupt = cause >> 63 == 1
        let code = cause & ~(1 << 63)
        let name = interrupt ? TrapNames.interrupt(code) : TrapNames.exception(code)
        write("\(count) h\(hart.id) \(from) trap \(interrupt ? "interrupt" : "exception") \(code) (\(name)) "
              + "epc=0x\(hex(epc, digits: 16)) tval=0x\(hex(value, digits: 16)) -> \(hart.privilege) 0x\(hex(hart.pc, digits: 16))")
    }

    // MARK: Effects

    private func effects(of d: DecodedInstruction, on hart: Hart) -> [String] {
        var out: [String] = []
        for i in 1..<32 {
            let value = hart.register(i)
            if value != before[i] || (Int(d.rd) == i && Self.writesRd(d.op)) {
                out.append("\(RegisterMap.integerNames[i])=0x\(hex(value, digits: 16))")
            }
        }
        if let csr = Self.writtenCSR(d), let value = hart.debugReadCSR(csr) {
            let name = CSRAddress.name(csr) ?? "csr\(hex(UInt64(csr), digits: 3))"
            out.append("\(name)=0x\(hex(value, digits: 16))")
        }
        if let store = storeEffect(d, on: hart) { out.append(store) }
        if hart.privilege != stepMode { out.append("mode=\(hart.privilege)") }
        return out
    }

    /// The memory an instruction that retired wrote: stores and SC (rs2, if the SC
    /// succeeded), AMOs (the value in memory afterwards).
    private func storeEffect(_ d: DecodedInstruction, on hart: Hart) -> String? {
        guard let access = stepAccess, access.writes else { return nil }
        let bits = access.size * 8
        let mask: UInt64 = access.size == 8 ? .max : (1 << UInt64(bits)) - 1
        var value = before[Int(d.rs2)] & mask
        switch d.op {
        case .scW, .scD:
            guard d.rd != 0, hart.register(Int(d.rd)) == 0 else { return nil }
        case .sb, .sh, .sw, .sd:
            break
        default:  // AMOs
            guard let bytes = hart.debugRead(access.address, length: access.size) else { return nil }
            value = bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        }
        return "mem\(bits)[0x\(hex(access.address, digits: 16))]=0x\(hex(value, digits: access.size * 2))"
    }

    /// Whether the operation writes rd.
    private static func writesRd(_ op: Opcode) -> Bool {
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
    private static func writtenCSR(_ d: DecodedInstruction) -> UInt16? {
        let csr = UInt16(truncatingIfNeeded: d.imm) & 0xFFF
        switch d.op {
        case .csrrw, .csrrwi: return csr
        case .csrrs, .csrrc, .csrrsi, .csrrci: return d.rs1 == 0 ? nil : csr
        default: return nil
        }
    }

    private func write(_ line: String) {
        fputs(line, output)
        fputc(0x0A, output)
    }
}
