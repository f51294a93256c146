/// CSR numbers Pagoda implements (privileged spec, "CSR Listing"), with their names.
public enum CSRAddress {
    // Unprivileged counters
    public static let cycle: UInt16 = 0xC00
    public static let time: UInt16 = 0xC01
    public static let instret: UInt16 = 0xC02
    public static let hpmcounter3: UInt16 = 0xC03
    public static let hpmcounter31: UInt16 = 0xC1F

    // Supervisor
    public static let sstatus: UInt16 = 0x100
    public static let sie: UInt16 = 0x104
    public static let stvec: UInt16 = 0x105
    public static let scounteren: UInt16 = 0x106
    public static let senvcfg: UInt16 = 0x10A
    public static let sscratch: UInt16 = 0x140
    public static let sepc: UInt16 = 0x141
    public static let scause: UInt16 = 0x142
    public static let stval: UInt16 = 0x143
    public static let sip: UInt16 = 0x144
    public static let stimecmp: UInt16 = 0x14D
    public static let satp: UInt16 = 0x180
    /// Pagoda's base/limit relocation registers (custom S-mode read/write space).
    public static let sbase: UInt16 = 0x5C0
    public static let sbound: UInt16 = 0x5C1

    // Machine
    public static let mvendorid: UInt16 = 0xF11
    public static let marchid: UInt16 = 0xF12
    public static let mimpid: UInt16 = 0xF13
    public static let mhartid: UInt16 = 0xF14
    public static let mconfigptr: UInt16 = 0xF15
    public static let mstatus: UInt16 = 0x300
    public static let misa: UInt16 = 0x301
    public static let medeleg: UInt16 = 0x302
    public static let mideleg: UInt16 = 0x303
    public static let mie: UInt16 = 0x304
    public static let mtvec: UInt16 = 0x305
    public static let mcounteren: UInt16 = 0x306
    public static let menvcfg: UInt16 = 0x30A
    public static let mcountinhibit: UInt16 = 0x320
    public static let mhpmevent3: UInt16 = 0x323
    public static let mhpmevent31: UInt16 = 0x33F
    public static let mscratch: UInt16 = 0x340
    public static let mepc: UInt16 = 0x341
    public static let mcause: UInt16 = 0x342
    public static let mtval: UInt16 = 0x343
    public static let mip: UInt16 = 0x344
    public static let pmpcfg0: UInt16 = 0x3A0
    public static let pmpcfg15: UInt16 = 0x3AF
    public static let pmpaddr0: UInt16 = 0x3B0
    public static let pmpaddr63: UInt16 = 0x3EF
    public static let mcycle: UInt16 = 0xB00
    public static let minstret: UInt16 = 0xB02
    public static let mhpmcounter3: UInt16 = 0xB03
    public static let mhpmcounter31: UInt16 = 0xB1F
    public static let tselect: UInt16 = 0x7A0
    public static let tdata1: UInt16 = 0x7A1
    public static let tdata2: UInt16 = 0x7A2
    public static let tdata3: UInt16 = 0x7A3

    /// The standard name of a CSR, as assemblers and disassemblers spell it.
    public static func name(_ csr: UInt16) -> String? {
        if let n = fixedNames[csr] { return n }
        switch csr {
        case 0xC03...0xC1F: return "hpmcounter\(csr - 0xC00)"
        case 0xB03...0xB1F: return "mhpmcounter\(csr - 0xB00)"
        case 0x323...0x33F: return "mhpmevent\(csr - 0x320)"
        case 0x3A0...0x3AF: return "pmpcfg\(csr - 0x3A0)"
        case 0x3B0...0x3EF: return "pmpaddr\(csr - 0x3B0)"
        default: return nil
        }
    }

    static let fixedNames: [UInt16: String] = [
        0xC00: "cycle", 0xC01: "time", 0xC02: "instret",
        0x100: "sstatus", 0x104: "sie", 0x105: "stvec", 0x106: "scounteren", 0x10A: "senvcfg",
        0x140: "sscratch", 0x141: "sepc", 0x142: "scause", 0x143: "stval", 0x144: "sip",
        0x14D: "stimecmp", 0x180: "satp",
        0xF11: "mvendorid", 0xF12: "marchid", 0xF13: "mimpid", 0xF14: "mhartid", 0xF15: "mconfigptr",
        0x300: "mstatus", 0x301: "misa", 0x302: "medeleg", 0x303: "mideleg", 0x304: "mie", 0x305: "mtvec",
        0x306: "mcounteren", 0x30A: "menvcfg", 0x320: "mcountinhibit",
        0x340: "mscratch", 0x341: "mepc", 0x342: "mcause", 0x343: "mtval", 0x344: "mip",
        0xB00: "mcycle", 0xB02: "minstret", 0x7A0: "tselect", 0x7A1: "tdata1", 0x7A2: "tdata2", 0x7A3: "tdata3",
    ]
}
