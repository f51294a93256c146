/// `--check-tlb`: finds uses of stale translations.
///
/// The privileged spec (4.2.1, "Supervisor Memory-Management Fence Instruction") lets a
/// hart go on using a translation after the page-table entries behind it change, until
/// an sfence.vma on that hart covers the change. Software that forgets the fence works
/// on one implementation and fails on another. With the checker on, every hit in a
/// modelled TLB is compared with a fresh walk of the page tables as memory holds them
/// now (a walk with no side effects: no statistics, no A/D updates); an entry that is
/// still in the TLB has not been covered by a fence on this hart since it was filled, so
/// any difference is a stale use. Each (ASID, page) is reported once: who used the stale
/// entry, and which store last changed a PTE of the walk.
///
/// Only the bits that change the translation are compared: the physical page, the page
/// size, and V, R, W, X, U, G. A and D may be cleared by software without a fence (the
/// spec allows a hart to keep using an entry whose A/D bits were cleared in memory), so
/// they are not compared.
///
/// Stores are tracked on pages from which some walk (on any hart) has read a PTE, with
/// the hart, pc and instruction count of each store by PTE address. With the checker on,
/// the host-side translation caches are never filled, so every access and fetch reaches
/// the slow path (where the pc of the current instruction is known).
public final class StaleTranslationChecker {
    /// A store to a PTE.
    public struct Store: Sendable, Equatable {
        public let hart: Int
        public let pc: UInt64
        /// Instructions the storing hart had retired before the store.
        public let instret: UInt64
        /// The physical address written (the PTE's, 8-byte aligned).
        public let pteAddress: UInt64
        /// Global order of stores, to pick the latest among a walk's PTEs.
        let sequence: UInt64
    }

    /// One stale use, as reported.
    public struct Finding: Sendable {
        public let hart: Int
        public let pc: UInt64
        public let instret: UInt64
        public let access: AccessType
        public let asid: UInt64
        /// The virtual address of the page (its first byte; of the superpage for one).
        public let virtualPage: UInt64
        public let level: Int
        /// The leaf PTE the TLB holds.
        public let cachedPTE: UInt64
        /// The leaf PTE a walk finds now (nil: the walk now faults).
        public let currentPTE: UInt64?
        /// The last tracked store to a PTE on the old or new walk path (nil: none seen).
        public let store: Store?

        /// The one-line warning printed on stderr.
        public var message: String {
            func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
            var text = "pagoda: warning: stale TLB entry used: hart \(hart) pc \(hex(pc)) instret \(instret) \(access)"
                + " asid \(asid) page \(hex(virtualPage)) cached pte \(hex(cachedPTE)), page table now "
                + (currentPTE.map { "pte \(hex($0))" } ?? "faults")
            if let s = store {
                text += "; changed by the store at pc \(hex(s.pc)) on hart \(s.hart) instret \(s.instret) to \(hex(s.pteAddress))"
            } else {
                text += "; no store to the page tables was seen"
            }
            return text + " (no sfence.vma covered it)"
        }
    }

    public private(set) var findings: [Finding] = []
    /// Called once per finding (the command line prints it on stderr).
    public var onFinding: ((Finding) -> Void)?

    private struct Key: Hashable { let asid: UInt64; let page: UInt64 }
    private var reported: Set<Key> = []
    /// Physical pages some walk has read a PTE from.
    private var tablePages: Set<UInt64> = []
    private var lastStores: [UInt64: Store] = [:]
    private var sequence: UInt64 = 0

    public init() {}

    /// A walk read a PTE at `pteAddress`.
    func noteTableRead(_ pteAddress: UInt64) {
        tablePages.insert(pteAddress >> 12)
    }

    /// A hart stored `length` bytes at `physical`.
    func noteStore(hart: Int, pc: UInt64, instret: UInt64, physical: UInt64, length: UInt64) {
        guard length > 0, tablePages.contains(physical >> 12) || tablePages.contains((physical &+ length &- 1) >> 12) else { return }
        var address = physical & ~7
        while address < physical &+ length {
            sequence &+= 1
            lastStores[address] = Store(hart: hart, pc: pc, instret: instret, pteAddress: address, sequence: sequence)
            address &+= 8
        }
    }

    /// The translation-relevant bits of a leaf PTE: PPN and V, R, W, X, U, G.
    static func relevantBits(_ pte: UInt64) -> UInt64 {
        pte & ~(MMU.PTE.a | MMU.PTE.d | (0x3 << 8))  // A, D and the RSW bits
    }

    /// Compares a TLB hit with a fresh walk; records a finding when they differ.
    func check(hart: Int, pc: UInt64, instret: UInt64, access: AccessType, asid: UInt64, va: UInt64,
               cached: MMU.Leaf, fresh: MMU.Leaf?, walkAddresses: [UInt64]) {
        if let fresh, fresh.level == cached.level, Self.relevantBits(fresh.pte) == Self.relevantBits(cached.pte) { return }
        let size = UInt64(1) << (12 + 9 * UInt64(cached.level))
        let page = va & ~(size - 1)
        guard reported.insert(Key(asid: asid, page: page)).inserted else { return }
        var latest: Store?
        for address in walkAddresses + [cached.pteAddress] {
            if let s = lastStores[address & ~7], s.sequence > (latest?.sequence ?? 0) { latest = s }
        }
        let finding = Finding(hart: hart, pc: pc, instret: instret, access: access, asid: asid, virtualPage: page,
                              level: cached.level, cachedPTE: cached.pte, currentPTE: fresh?.pte, store: latest)
        findings.append(finding)
        onFinding?(finding)
    }
}
