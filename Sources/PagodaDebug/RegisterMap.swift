import PagodaISA
import PagodaMachine

/// The registers the stub shows GDB, their numbers in `p`/`P` packets and the target
/// description that names them (GDB manual, "Target Descriptions", "RISC-V Features").
///
/// Numbers: x0...x31 are 0...31 and pc is 32 (the `g` packet carries these 33, in this
/// order); a CSR is 65 + its address and `priv` is 65 + 4096, the numbering GDB itself
/// uses for RISC-V, so `info registers mstatus` and `p $priv` work as with other stubs.
struct RegisterMap {
    /// The ABI names of x0...x31, as the org.gnu.gdb.riscv.cpu feature spells them.
    static let integerNames = [
        "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
        "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
    ]
    static let pc = 32
    static let firstCSR = 65
    static let privilege = 65 + 4096
    /// Registers in the `g` packet: x0...x31 and pc.
    static let generalCount = 33

    /// The CSRs the harts implement (those a debugger read succeeds on), with their names.
    let csrs: [(address: UInt16, name: String)]

    init(hart: Hart) {
        var csrs: [(UInt16, String)] = []
        for address in UInt16(0)...0xFFF where hart.debugReadCSR(address) != nil {
            guard let name = RegisterMap.csrName(address) else { continue }
            csrs.append((address, name))
        }
        self.csrs = csrs
    }

    private static func csrName(_ address: UInt16) -> String? {
        switch address {
        case CSRAddress.sbase: return "sbase"
        case CSRAddress.sbound: return "sbound"
        default: return CSRAddress.name(address)
        }
    }

    enum Register: Equatable {
        case integer(Int)
        case pc
        case csr(UInt16)
        case privilege
    }

    /// The register a `p`/`P` number names, if the description has it.
    func register(number: Int) -> Register? {
        switch number {
        case 0..<32: return .integer(number)
        case Self.pc: return .pc
        case Self.privilege: return .privilege
        case Self.firstCSR..<(Self.firstCSR + 4096):
            let address = UInt16(number - Self.firstCSR)
            return csrs.contains { $0.address == address } ? .csr(address) : nil
        default: return nil
        }
    }

    /// The target description document (`target.xml`), one file with three features.
    var targetXML: String {
        var xml = """
            <?xml version="1.0"?>
            <!DOCTYPE target SYSTEM "gdb-target.dtd">
            <target version="1.0">
              <architecture>riscv:rv64</architecture>
              <feature name="org.gnu.gdb.riscv.cpu">

            """
        for (i, name) in Self.integerNames.enumerated() {
            let type = i == 1 ? "code_ptr" : (i == 2 || i == 3 || i == 4 || i == 8) ? "data_ptr" : "int"
            xml += "    <reg name=\"\(name)\" bitsize=\"64\" regnum=\"\(i)\" type=\"\(type)\"/>\n"
        }
        xml += "    <reg name=\"pc\" bitsize=\"64\" regnum=\"\(Self.pc)\" type=\"code_ptr\"/>\n"
        xml += "  </feature>\n  <feature name=\"org.gnu.gdb.riscv.csr\">\n"
        for csr in csrs {
            xml += "    <reg name=\"\(csr.name)\" bitsize=\"64\" regnum=\"\(Self.firstCSR + Int(csr.address))\" type=\"int\" group=\"system\"/>\n"
        }
        xml += "  </feature>\n  <feature name=\"org.gnu.gdb.riscv.virtual\">\n"
        xml += "    <reg name=\"priv\" bitsize=\"64\" regnum=\"\(Self.privilege)\" type=\"int\" group=\"system\"/>\n"
        xml += "  </feature>\n</target>\n"
        return xml
    }

    // MARK: Access

    func read(_ register: Register, of hart: Hart) -> UInt64? {
        switch register {
        case .integer(let i): return hart.register(i)
        case .pc: return hart.pc
        case .csr(let address): return hart.debugReadCSR(address)
        case .privilege: return UInt64(hart.privilege.rawValue)
        }
    }

    /// Writes a register; false when the value is not accepted (a read-only CSR, a
    /// privilege other than 0, 1 or 3).
    func write(_ register: Register, of hart: Hart, _ value: UInt64) -> Bool {
        switch register {
        case .integer(let i):
            hart.setRegister(i, value)
        case .pc:
            hart.setPC(value)
        case .csr(let address):
            return hart.debugWriteCSR(address, value)
        case .privilege:
            guard value <= 3, let mode = PrivilegeMode(rawValue: UInt8(value)) else { return false }
            hart.debugSetPrivilege(mode)
        }
        return true
    }
}
