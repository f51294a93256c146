/// The names of exception and interrupt codes (privileged spec, "Machine Cause Register
/// (mcause)", table of exception codes after a trap).
enum TrapNames {
    static func exception(_ code: UInt64) -> String {
        switch code {
        case 0: return "instruction address misaligned"
        case 1: return "instruction access fault"
        case 2: return "illegal instruction"
        case 3: return "breakpoint"
        case 4: return "load address misaligned"
        case 5: return "load access fault"
        case 6: return "store/AMO address misaligned"
        case 7: return "store/AMO access fault"
        case 8: return "environment call from U-mode"
        case 9: return "environment call from S-mode"
        case 11: return "environment call from M-mode"
        case 12: return "instruction page fault"
        case 13: return "load page fault"
        case 15: return "store/AMO page fault"
        default: return "reserved"
        }
    }

    static func interrupt(_ code: UInt64) -> String {
        switch code {
        case 1: return "supervisor software interrupt"
        case 3: return "machine software interrupt"
        case 5: return "supervisor timer interrupt"
        case 7: return "machine timer interrupt"
        case 9: return "supervisor external interrupt"
        case 11: return "machine external interrupt"
        default: return "reserved"
        }
    }
}
