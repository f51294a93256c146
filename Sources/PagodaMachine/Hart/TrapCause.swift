/// Exception and interrupt codes written to `mcause`/`scause`
/// (privileged spec, "Machine Cause Register", table of exception codes).
public enum Exception: UInt64, Sendable, Error {
    case instructionAddressMisaligned = 0
    case instructionAccessFault = 1
    case illegalInstruction = 2
    case breakpoint = 3
    case loadAddressMisaligned = 4
    case loadAccessFault = 5
    case storeAddressMisaligned = 6
    case storeAccessFault = 7
    case environmentCallFromU = 8
    case environmentCallFromS = 9
    case environmentCallFromM = 11
    case instructionPageFault = 12
    case loadPageFault = 13
    case storePageFault = 15
}

/// Interrupt numbers: bit positions in `mip`/`mie` and the cause code with the top bit set.
public enum Interrupt: UInt64, Sendable, CaseIterable {
    case supervisorSoftware = 1
    case machineSoftware = 3
    case supervisorTimer = 5
    case machineTimer = 7
    case supervisorExternal = 9
    case machineExternal = 11

    /// The order in which simultaneously pending interrupts are taken:
    /// MEI, MSI, MTI, SEI, SSI, STI ("Machine Interrupt Registers").
    static let priorityOrder: [Interrupt] = [
        .machineExternal, .machineSoftware, .machineTimer,
        .supervisorExternal, .supervisorSoftware, .supervisorTimer,
    ]

    var mask: UInt64 { 1 << rawValue }
}

/// The kind of memory access being translated or checked.
public enum AccessType: UInt8, Sendable {
    case fetch, load, store

    var accessFault: Exception {
        switch self {
        case .fetch: return .instructionAccessFault
        case .load: return .loadAccessFault
        case .store: return .storeAccessFault
        }
    }

    var pageFault: Exception {
        switch self {
        case .fetch: return .instructionPageFault
        case .load: return .loadPageFault
        case .store: return .storePageFault
        }
    }

    var misaligned: Exception {
        switch self {
        case .fetch: return .instructionAddressMisaligned
        case .load: return .loadAddressMisaligned
        case .store: return .storeAddressMisaligned
        }
    }
}
