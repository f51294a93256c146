/// Side-effect-free views of a hart for debuggers and tracers: they never count in the
/// statistics, never set A/D bits and never touch the TLBs.
extension MMU {
    /// What translating an address would do now.
    public struct Inspection: Sendable {
        public let mode: TranslationMode
        public let steps: [WalkStep]
        /// The physical address, or nil when translation would fault.
        public let physical: UInt64?
        /// The exception translation would raise, if any.
        public let fault: Exception?
        /// The leaf's level (0: 4 KiB, 1: 2 MiB, 2: 1 GiB) for Sv39.
        public let level: Int?
    }

    /// Translates `va` for `access` in `mode` as the hardware would, without side effects.
    public func inspect(_ va: UInt64, access: AccessType, mode: PrivilegeMode, sum: Bool, mxr: Bool) -> Inspection {
        let scheme: TranslationMode = mode == .machine ? .bare : self.mode
        switch scheme {
        case .bare:
            let ok = pmp.allows(va, length: 1, access: access, mode: mode)
            return Inspection(mode: .bare, steps: [], physical: ok ? va : nil, fault: ok ? nil : access.accessFault, level: nil)
        case .baseLimit:
            guard va < sbound else { return Inspection(mode: .baseLimit, steps: [], physical: nil, fault: access.pageFault, level: nil) }
            let pa = sbase &+ va
            let ok = pmp.allows(pa, length: 1, access: access, mode: mode)
            return Inspection(mode: .baseLimit, steps: [], physical: ok ? pa : nil, fault: ok ? nil : access.accessFault, level: nil)
        case .sv39:
            var steps: [WalkStep] = []
            let upper = Int64(bitPattern: va) >> 38
            guard upper == 0 || upper == -1 else {
                return Inspection(mode: .sv39, steps: [], physical: nil, fault: access.pageFault, level: nil)
            }
            var table = rootTable
            var level = 2
            while true {
                let pteAddress = table &+ ((va >> (12 + 9 * UInt64(level))) & 0x1FF) &* 8
                guard let memory = bus.memory(containing: pteAddress, length: 8),
                      pmp.allows(pteAddress, length: 8, access: .load, mode: .supervisor)
                else { return Inspection(mode: .sv39, steps: steps, physical: nil, fault: access.accessFault, level: nil) }
                let pte = memory.load(pteAddress, size: 8)
                steps.append(WalkStep(level: level, pteAddress: pteAddress, pte: pte))
                let kind = kind(of: pte)
                if kind == .invalid {
                    return Inspection(mode: .sv39, steps: steps, physical: nil, fault: access.pageFault, level: nil)
                }
                if kind == .leaf {
                    if let fault = checkLeaf(pte, level: level, access: access, mode: mode, sum: sum, mxr: mxr) {
                        return Inspection(mode: .sv39, steps: steps, physical: nil, fault: fault, level: level)
                    }
                    let mask = (UInt64(1) << (12 + 9 * UInt64(level))) - 1
                    let pa = ((PTE.ppn(pte) << 12) & ~mask) | (va & mask)
                    let ok = pmp.allows(pa, length: 1, access: access, mode: mode)
                    return Inspection(mode: .sv39, steps: steps, physical: ok ? pa : nil, fault: ok ? nil : access.accessFault, level: level)
                }
                level -= 1
                guard level >= 0 else { return Inspection(mode: .sv39, steps: steps, physical: nil, fault: access.pageFault, level: nil) }
                table = PTE.ppn(pte) << 12
            }
        }
    }
}

extension MMU.WalkStep {
    /// The PTE's flag letters, e.g. "DAGUXWRV" with '-' for clear bits.
    public var flags: String {
        let names: [(UInt64, Character)] = [(1 << 7, "D"), (1 << 6, "A"), (1 << 5, "G"), (1 << 4, "U"), (1 << 3, "X"), (1 << 2, "W"), (1 << 1, "R"), (1 << 0, "V")]
        return String(names.map { pte & $0.0 != 0 ? $0.1 : "-" })
    }
    /// The physical page number in the PTE.
    public var ppn: UInt64 { (pte >> 10) & ((1 << 44) - 1) }
}

extension Hart {
    /// How a data access (load or store) or fetch at `va` would translate right now.
    public func inspect(_ va: UInt64, access: AccessType) -> MMU.Inspection {
        mmu.inspect(va, access: access, mode: access == .fetch ? privilege : dataAccessMode,
                    sum: mstatus & MStatus.sum != 0, mxr: mstatus & MStatus.mxr != 0)
    }

    /// Reads memory as the hart would see it for loads (a debugger's view): nil for bytes
    /// that do not translate or are not RAM/ROM. Devices are not read (no side effects).
    public func debugRead(_ va: UInt64, length: Int) -> [UInt8]? {
        var bytes = [UInt8]()
        bytes.reserveCapacity(length)
        for i in 0..<UInt64(max(0, length)) {
            guard let pa = inspect(va &+ i, access: .load).physical ?? inspectMachineView(va &+ i),
                  let memory = bus.memory(containing: pa) else { return nil }
            bytes.append(UInt8(truncatingIfNeeded: memory.load(pa, size: 1)))
        }
        return bytes
    }

    /// A debugger may read what PMP would deny to the guest: fall back to translation alone.
    private func inspectMachineView(_ va: UInt64) -> UInt64? {
        let saved = mmu.pmp
        defer { mmu.pmp = saved }
        mmu.pmp = PMP()
        return inspect(va, access: .load).physical
    }

    /// Writes memory through the hart's translation (a debugger planting breakpoints may
    /// write to the ROM and to read-only pages). Returns false if any byte does not translate.
    public func debugWrite(_ va: UInt64, bytes: [UInt8]) -> Bool {
        var targets: [(MemoryRegion, UInt64)] = []
        for i in 0..<bytes.count {
            guard let pa = inspect(va &+ UInt64(i), access: .load).physical ?? inspectMachineView(va &+ UInt64(i)),
                  let memory = bus.memory(containing: pa) else { return false }
            targets.append((memory, pa))
        }
        for (i, (memory, pa)) in targets.enumerated() { memory.store(pa, size: 1, value: UInt64(bytes[i])) }
        if !targets.isEmpty { bus.codePages.dropAll() }  // the pre-decoded code may hold these bytes
        return true
    }

    /// Reads a CSR for a debugger, whatever the current privilege; nil if it does not exist.
    public func debugReadCSR(_ csr: UInt16) -> UInt64? {
        let saved = privilege
        privilege = .machine
        defer { privilege = saved }
        return readCSR(csr)
    }

    /// Writes a CSR for a debugger; false if it does not exist or is read-only.
    public func debugWriteCSR(_ csr: UInt16, _ value: UInt64) -> Bool {
        let saved = privilege
        privilege = .machine
        defer { privilege = saved }
        guard readCSR(csr) != nil else { return false }
        return writeCSR(csr, value)
    }

    /// Sets the privilege mode (a debugger writing the `priv` register).
    public func debugSetPrivilege(_ mode: PrivilegeMode) {
        setPrivilege(mode)
    }
}
