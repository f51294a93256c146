/// Fields of `mstatus` (privileged spec, "Machine Status Register (mstatus)").
enum MStatus {
    static let sie: UInt64 = 1 << 1
    static let mie: UInt64 = 1 << 3
    static let spie: UInt64 = 1 << 5
    static let mpie: UInt64 = 1 << 7
    static let spp: UInt64 = 1 << 8
    static let mppShift: UInt64 = 11
    static let mpp: UInt64 = 3 << 11
    static let mprv: UInt64 = 1 << 17
    static let sum: UInt64 = 1 << 18
    static let mxr: UInt64 = 1 << 19
    static let tvm: UInt64 = 1 << 20
    static let tw: UInt64 = 1 << 21
    static let tsr: UInt64 = 1 << 22
    /// UXL and SXL are fixed at 2 (64-bit).
    static let xlenFields: UInt64 = (2 << 32) | (2 << 34)

    /// Bits software may change through mstatus.
    static let writable: UInt64 = sie | mie | spie | mpie | spp | mpp | mprv | sum | mxr | tvm | tw | tsr
    /// Bits visible through sstatus.
    static let supervisorView: UInt64 = sie | spie | spp | sum | mxr | (3 << 32)
    /// Bits whose change alters how data accesses are translated.
    static let translationBits: UInt64 = mpp | mprv | sum | mxr
}

/// `menvcfg` fields Pagoda implements.
enum EnvConfig {
    static let fiom: UInt64 = 1
    /// Sstc: enables `stimecmp`.
    static let stce: UInt64 = 1 << 63
    /// Svpbmt: enables the PBMT field of leaf PTEs (Svpbmt, "Page-Based Memory Types").
    static let pbmte: UInt64 = 1 << 62
}
