/// A hart's address translation: satp, the base/limit registers, PMP, the Sv39 page
/// walker and the host-side translation caches.
///
/// `translate` is the slow path. The interpreter's fast path never calls it: it looks
/// up the host TLBs, which `translate` fills when a page may be cached.
public final class MMU {
    unowned(unsafe) let bus: Bus

    public internal(set) var pmp = PMP()
    /// satp as software last wrote it (only supported modes are ever stored).
    public internal(set) var satp: UInt64 = 0
    public internal(set) var sbase: UInt64 = 0
    public internal(set) var sbound: UInt64 = 0
    /// When false (Svade behaviour), a walk that finds A clear, or D clear on a store,
    /// raises a page fault instead of setting the bit.
    public var updatesAccessedDirty = true

    let fetchTLB = HostTLB()
    let loadTLB = HostTLB()
    let storeTLB = HostTLB()

    /// A RAM page whose stores must go through the slow path (HTIF `tohost`).
    var watchedPage: UInt64 = .max

    init(bus: Bus) { self.bus = bus }

    public var mode: TranslationMode { TranslationMode(rawValue: satp >> 60) ?? .bare }
    public var asid: UInt64 { (satp >> 44) & 0xFFFF }
    var rootTable: UInt64 { (satp & ((1 << 44) - 1)) << 12 }

    /// Writes satp, ignoring writes that select an unsupported mode (WARL).
    func writeSATP(_ value: UInt64) {
        guard TranslationMode(rawValue: value >> 60) != nil else { return }
        satp = value  // ASIDLEN = 16 and PPN = 44 bits: every other field is writable.
        flushHostTLBs()
    }

    func flushHostTLBs() {
        fetchTLB.flush()
        loadTLB.flush()
        storeTLB.flush()
    }

    /// The outcome of translating one access.
    struct Result {
        var physical: UInt64 = 0
        var fault: Exception? = nil
        /// The host address of the 4 KiB page holding `physical`, when the page may be
        /// entered into the host TLB for this kind of access.
        var hostPage: UnsafeMutableRawPointer? = nil
    }

    /// Translates `va` for an access in `mode` ("effective" privilege: MPRV already applied).
    func translate(_ va: UInt64, length: UInt64 = 1, access: AccessType, mode: PrivilegeMode, sum: Bool, mxr: Bool) -> Result {
        var result = Result()
        var cacheable = true
        let scheme: TranslationMode = mode == .machine ? .bare : self.mode
        switch scheme {
        case .bare:
            result.physical = va
        case .baseLimit:
            guard va < sbound else { result.fault = access.pageFault; return result }
            result.physical = sbase &+ va
            // The page is uniform only if all of it is inside the bound and the base keeps pages aligned.
            cacheable = sbase & 0xFFF == 0 && (va | 0xFFF) < sbound
        case .sv39:
            switch walkSv39(va, access: access, mode: mode, sum: sum, mxr: mxr) {
            case .success(let pa): result.physical = pa
            case .failure(let fault): result.fault = fault; return result
            }
        }
        let pa = result.physical
        guard pmp.allows(pa, length: length, access: access, mode: mode) else {
            result.fault = access.accessFault
            return result
        }
        if cacheable, let region = bus.memory(containing: pa & ~0xFFF, length: 4096),
           access != .store || region.writable,
           access != .store || pa & ~0xFFF != watchedPage,
           pmp.allowsWholePage(pa & ~0xFFF, access: access, mode: mode) {
            result.hostPage = region.hostAddress(pa & ~0xFFF)
        }
        return result
    }

    // MARK: Sv39

    /// The PTE bits (privileged spec, "Sv32", Figure "Sv32 page table entry", same for Sv39).
    enum PTE {
        static let v: UInt64 = 1 << 0, r: UInt64 = 1 << 1, w: UInt64 = 1 << 2, x: UInt64 = 1 << 3
        static let u: UInt64 = 1 << 4, g: UInt64 = 1 << 5, a: UInt64 = 1 << 6, d: UInt64 = 1 << 7
        /// Bits 63:54: N, PBMT and reserved bits. Pagoda implements neither Svnapot nor
        /// Svpbmt, so any of them set is a reserved encoding and faults.
        static let reserved: UInt64 = 0x3FF << 54
        static func ppn(_ pte: UInt64) -> UInt64 { (pte >> 10) & ((1 << 44) - 1) }
    }

    /// One step of a walk, for the debugger and statistics.
    public struct WalkStep: Sendable {
        public let level: Int
        public let pteAddress: UInt64
        public let pte: UInt64
    }

    /// The Sv39 translation process (privileged spec, "Virtual Address Translation Process").
    func walkSv39(_ va: UInt64, access: AccessType, mode: PrivilegeMode, sum: Bool, mxr: Bool,
                  steps: UnsafeMutablePointer<WalkStep>? = nil) -> Swift.Result<UInt64, Exception> {
        // Bits 63:39 must all equal bit 38.
        let upper = Int64(bitPattern: va) >> 38
        guard upper == 0 || upper == -1 else { return .failure(access.pageFault) }

        var table = rootTable
        var level = 2
        while true {
            let vpn = (va >> (12 + 9 * UInt64(level))) & 0x1FF
            let pteAddress = table &+ vpn &* 8
            guard pmp.allows(pteAddress, length: 8, access: .load, mode: .supervisor),
                  let memory = bus.memory(containing: pteAddress, length: 8)
            else { return .failure(access.accessFault) }
            var pte = memory.load(pteAddress, size: 8)
            steps?[2 - level] = WalkStep(level: level, pteAddress: pteAddress, pte: pte)

            if pte & PTE.v == 0 || (pte & PTE.r == 0 && pte & PTE.w != 0) || pte & PTE.reserved != 0 {
                return .failure(access.pageFault)
            }
            if pte & (PTE.r | PTE.x) == 0 {
                // A pointer to the next level.
                level -= 1
                guard level >= 0 else { return .failure(access.pageFault) }
                table = PTE.ppn(pte) << 12
                continue
            }

            // A leaf: check the permissions.
            if mode == .user {
                if pte & PTE.u == 0 { return .failure(access.pageFault) }
            } else if pte & PTE.u != 0 {
                if access == .fetch || !sum { return .failure(access.pageFault) }
            }
            let permitted: Bool
            switch access {
            case .fetch: permitted = pte & PTE.x != 0
            case .load: permitted = pte & PTE.r != 0 || (mxr && pte & PTE.x != 0)
            case .store: permitted = pte & PTE.w != 0
            }
            if !permitted { return .failure(access.pageFault) }

            // A superpage's low PPN fields must be zero.
            let ppn = PTE.ppn(pte)
            if level > 0 && ppn & ((1 << (9 * UInt64(level))) - 1) != 0 {
                return .failure(access.pageFault)
            }

            // Accessed and dirty bits.
            var wanted = PTE.a
            if access == .store { wanted |= PTE.d }
            if pte & wanted != wanted {
                guard updatesAccessedDirty else { return .failure(access.pageFault) }
                guard pmp.allows(pteAddress, length: 8, access: .store, mode: .supervisor), memory.writable
                else { return .failure(access.accessFault) }
                pte |= wanted
                memory.store(pteAddress, size: 8, value: pte)
            }

            let offsetBits = 12 + 9 * UInt64(level)
            let offsetMask = (UInt64(1) << offsetBits) - 1
            return .success(((ppn << 12) & ~offsetMask) | (va & offsetMask))
        }
    }
}
