/// Names for every standard RV64 CSR, including the many Pagoda does not implement, for
/// the disassembler (privileged spec, "CSR Listing", and the extensions that add CSRs:
/// F, V, Zicfiss, Zkr, Zcmt, Smstateen, Smcntrpmf, Smctr, Smaia/Ssaia, Ssqosid, H,
/// Smrnmi, Smepmp, Sdtrig, Sdext, Sscofpmf).
///
/// The names agree with LLVM's: an RV32-only CSR (`cycleh`, `mstatush`, the odd
/// `pmpcfg` registers, ...) has no name on RV64 and prints as its number.
extension CSRAddress {
    /// The standard name of `csr` on RV64, or nil if it has none.
    public static func standardName(_ csr: UInt16) -> String? {
        if (0x3A1...0x3AF).contains(csr) && csr & 1 == 1 { return nil }  // pmpcfg1, 3, ...: RV32 only
        return name(csr) ?? otherStandardNames[csr]
    }

    /// The standard CSRs `name(_:)` does not know.
    static let otherStandardNames: [UInt16: String] = [
        // Floating point, vector, shadow stack, entropy source, table jump
        0x001: "fflags", 0x002: "frm", 0x003: "fcsr",
        0x008: "vstart", 0x009: "vxsat", 0x00A: "vxrm", 0x00F: "vcsr",
        0xC20: "vl", 0xC21: "vtype", 0xC22: "vlenb",
        0x011: "ssp", 0x015: "seed", 0x017: "jvt",

        // Supervisor
        0x10C: "sstateen0", 0x10D: "sstateen1", 0x10E: "sstateen2", 0x10F: "sstateen3",
        0x120: "scountinhibit",
        0x14E: "sctrctl", 0x14F: "sctrstatus", 0x15F: "sctrdepth",
        0x150: "siselect", 0x151: "sireg", 0x152: "sireg2", 0x153: "sireg3",
        0x155: "sireg4", 0x156: "sireg5", 0x157: "sireg6", 0x15C: "stopei",
        0x181: "srmcfg", 0x5A8: "scontext",
        0xDA0: "scountovf", 0xDB0: "stopi",

        // Virtual supervisor
        0x200: "vsstatus", 0x204: "vsie", 0x205: "vstvec",
        0x240: "vsscratch", 0x241: "vsepc", 0x242: "vscause", 0x243: "vstval", 0x244: "vsip",
        0x24D: "vstimecmp", 0x24E: "vsctrctl",
        0x250: "vsiselect", 0x251: "vsireg", 0x252: "vsireg2", 0x253: "vsireg3",
        0x255: "vsireg4", 0x256: "vsireg5", 0x257: "vsireg6", 0x25C: "vstopei",
        0x280: "vsatp", 0xEB0: "vstopi",

        // Hypervisor
        0x600: "hstatus", 0x602: "hedeleg", 0x603: "hideleg", 0x604: "hie", 0x605: "htimedelta",
        0x606: "hcounteren", 0x607: "hgeie", 0x608: "hvien", 0x609: "hvictl", 0x60A: "henvcfg",
        0x60C: "hstateen0", 0x60D: "hstateen1", 0x60E: "hstateen2", 0x60F: "hstateen3",
        0x643: "htval", 0x644: "hip", 0x645: "hvip", 0x646: "hviprio1", 0x647: "hviprio2",
        0x64A: "htinst", 0x680: "hgatp", 0x6A8: "hcontext", 0xE12: "hgeip",

        // Machine
        0x308: "mvien", 0x309: "mvip",
        0x30C: "mstateen0", 0x30D: "mstateen1", 0x30E: "mstateen2", 0x30F: "mstateen3",
        0x321: "mcyclecfg", 0x322: "minstretcfg",
        0x34A: "mtinst", 0x34B: "mtval2", 0x34E: "mctrctl",
        0x350: "miselect", 0x351: "mireg", 0x352: "mireg2", 0x353: "mireg3",
        0x355: "mireg4", 0x356: "mireg5", 0x357: "mireg6", 0x35C: "mtopei", 0xFB0: "mtopi",
        0x740: "mnscratch", 0x741: "mnepc", 0x742: "mncause", 0x744: "mnstatus",
        0x747: "mseccfg",

        // Debug and trigger
        0x7A4: "tinfo", 0x7A5: "tcontrol", 0x7A8: "mcontext", 0x7AA: "mscontext",
        0x7B0: "dcsr", 0x7B1: "dpc", 0x7B2: "dscratch0", 0x7B3: "dscratch1",
    ]
}
