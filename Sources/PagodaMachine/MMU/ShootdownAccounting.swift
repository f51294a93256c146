/// `--shootdowns`: TLB shootdown accounting, for the whole machine.
///
/// A shootdown is one hart (the initiator) making another (the target, or itself) drop
/// translations from its TLBs. It is recognised whichever way it comes:
///
/// - `sbi`: an SBI RFENCE call (EID 0x52464E43, FID 0 to 6) made from S-mode. The ecall
///   names the targets (hart_mask, hart_mask_base), the kind and the range; every
///   sfence.vma a target then executes in M-mode (the firmware carrying the request
///   out) that fits the request is part of that target's shootdown, until the initiator
///   returns from the call (mret out of M-mode). The ranged request is done on a target
///   once its fences have covered every page of the range (or flushed everything), so
///   two initiators' concurrent requests are told apart.
/// - `ipi`: a kernel's own protocol: an IPI to the target (an SBI IPI send_ipi, EID
///   0x735049, or a store that raises the target's CLINT msip from outside any SBI
///   call), followed by sfence.vma on the target. The IPI is handled at the privilege
///   of its sender (S for send_ipi; the storing hart's mode for a CLINT store, since
///   an S-mode kernel's M-mode layer forwards the M software interrupt as SSIP). The
///   target's sfence.vma belong to that IPI until its handling ends: the return (sret
///   or mret) from the software-interrupt trap the target took into that mode, or, if
///   it took none (it polls), the next IPI to it.
///
/// For each shootdown: the fences executed on the target and their form, the entries
/// they removed from the target's modelled ITLB, DTLB and L2 TLB, and the refill misses
/// that followed: misses on the target in a TLB on an entry the shootdown had removed,
/// within `window` instructions retired by the target after the fence (each removed
/// entry counts at most once), with the walks and walk cycles those misses cost.
///
/// Everything is driven from slow paths (traps, xret, sfence.vma, CLINT stores, modelled
/// TLB misses); with accounting off none of it runs.
public final class ShootdownAccounting {
    public enum Path: String, Sendable, CaseIterable { case sbi, ipi }

    /// The form of a fence: sfence.vma's (the names of the statistics' `sfence_vma`
    /// field), or fence.i (remote_fence_i, or fence.i in an IPI's handling).
    public enum Form: Int, Sendable, CaseIterable {
        case all, asid, address, addressASID, fenceI
        public var name: String { ["all", "asid", "address", "address_asid", "fence_i"][rawValue] }

        init(va: UInt64?, asid: UInt64?) {
            switch (va, asid) {
            case (nil, nil): self = .all
            case (nil, _): self = .asid
            case (_, nil): self = .address
            default: self = .addressASID
            }
        }
    }

    /// The modelled TLBs entries are removed from and refilled into.
    public enum TLB: Int, Sendable, CaseIterable {
        case itlb, dtlb, l2tlb
        public var name: String { ["itlb", "dtlb", "l2tlb"][rawValue] }
    }

    /// One shootdown, as seen on its target.
    public struct Shootdown: Sendable, Equatable {
        public let initiator: Int
        public let target: Int
        public let path: Path
        /// Instructions the target had retired at its first fence.
        public let atInstret: UInt64
        /// sfence.vma executed on the target, by `Form`.
        public internal(set) var fences = [UInt64](repeating: 0, count: Form.allCases.count)
        /// Entries the fences removed, by `TLB`.
        public internal(set) var removed = [UInt64](repeating: 0, count: 3)
        /// Refill misses, by `TLB`.
        public internal(set) var refills = [UInt64](repeating: 0, count: 3)
        /// Page walks done for refill misses, and their cycles.
        public internal(set) var refillWalks: UInt64 = 0
        public internal(set) var refillWalkCycles: UInt64 = 0

        /// The form of its fences: one of `Form`'s names, or `mixed`.
        public var form: String {
            let used = Form.allCases.filter { fences[$0.rawValue] > 0 }
            return used.count == 1 ? used[0].name : "mixed"
        }
    }

    /// Refill misses count within this many instructions retired by the target.
    public let window: UInt64
    /// Every shootdown recognised, in the order of their first fences.
    public private(set) var shootdowns: [Shootdown] = []

    /// An RFENCE call in progress.
    private struct Request {
        let initiator: Int
        let targets: UInt64
        /// FID: 0 fence.i, 1 sfence.vma, 2 sfence.vma with ASID, 3 to 6 hypervisor fences.
        let function: UInt64
        let start: UInt64
        let size: UInt64
        let asid: UInt64
        /// Per target: the shootdown index, once it has fenced.
        var record: [Int: Int] = [:]
        /// Per target: the pages of the range it has not fenced yet (nil: not started).
        var remaining: [Int: Set<UInt64>] = [:]
        /// Targets that have carried the whole request out.
        var done: UInt64 = 0

        var flushesEverything: Bool { (start == 0 && size == 0) || size == .max || size > Request.maximumTrackedSize }
        /// Ranges up to this size are tracked page by page; larger ones need a full flush.
        static let maximumTrackedSize: UInt64 = 4096 << 12

        func matches(va: UInt64?, asid fenceASID: UInt64?, fenceI: Bool) -> Bool {
            if fenceI || function == 0 { return fenceI && function == 0 }
            switch function {
            case 1: if fenceASID != nil { return false }
            case 2: if let a = fenceASID, a & 0xFFFF != asid & 0xFFFF { return false }
            default: return false
            }
            guard let va else { return true }
            if flushesEverything { return false }
            let page = va & ~0xFFF
            return page >= start & ~0xFFF && page < start &+ size
        }
    }
    private var requests: [Request] = []

    /// An IPI a target has been sent and not yet finished handling.
    private struct IPI {
        let initiator: Int
        /// The mode that handles it (1 S, 3 M): a software interrupt (SSI or MSI) taken
        /// into this mode starts its handling.
        let handlerMode: UInt8
        var record: Int?
        /// Traps into the handling mode taken since the handling started (0: not started).
        var depth = 0
    }
    private var ipis: [IPI?]
    /// Harts inside an SBI call (between an ecall from S or U and the mret out of M-mode):
    /// their CLINT stores are the firmware's, not a kernel's IPIs.
    private var inSBICall: [Bool]

    /// An entry a shootdown removed, until it is refilled or the window closes.
    private struct Removed {
        let tlb: TLB
        let entry: ModelTLB.Entry
        let record: Int
        let expiry: UInt64
    }
    private var removed: [[Removed]]

    public init(harts: Int, window: UInt64) {
        self.window = window
        ipis = Array(repeating: nil, count: harts)
        inSBICall = Array(repeating: false, count: harts)
        removed = Array(repeating: [], count: harts)
    }

    static let rfenceExtension: UInt64 = 0x5246_4E43
    static let ipiExtension: UInt64 = 0x73_5049

    /// The harts a (hart_mask, hart_mask_base) pair names (SBI 2.0 chapter 3: base -1 is
    /// every hart); harts that do not exist are left out.
    private func harts(mask: UInt64, base: UInt64) -> UInt64 {
        let count = ipis.count
        let all: UInt64 = count >= 64 ? .max : (1 << UInt64(count)) - 1
        if base == .max { return all }
        guard base < UInt64(count) else { return 0 }
        return (mask << base) & all
    }

    private func eachHart(_ set: UInt64, _ body: (Int) -> Void) {
        var s = set, h = 0
        while s != 0 {
            if s & 1 != 0 { body(h) }
            s >>= 1
            h += 1
        }
    }

    // MARK: Events

    /// `hart` took a trap into `toMode` (1 S, 3 M); `a` gives a0 to a7 for an ecall.
    func trap(hart: Int, cause: UInt64, interrupt: Bool, toMode: UInt8, a: (Int) -> UInt64) {
        if !interrupt && (cause == 8 || cause == 9) && toMode == 3 {
            inSBICall[hart] = true
            if cause == 9 { ecall(hart: hart, a: a) }
        }
        guard var ipi = ipis[hart] else { return }
        if ipi.depth > 0 {
            if toMode == ipi.handlerMode { ipi.depth += 1 }
        } else if interrupt && (cause == 1 || cause == 3) && toMode == ipi.handlerMode {
            ipi.depth = 1
        }
        ipis[hart] = ipi
    }

    private func ecall(hart: Int, a: (Int) -> UInt64) {
        let eid = a(7), fid = a(6)
        if eid == Self.rfenceExtension && fid <= 6 {
            requests.append(Request(initiator: hart, targets: harts(mask: a(0), base: a(1)), function: fid,
                                    start: a(2), size: a(3), asid: a(4)))
        } else if eid == Self.ipiExtension && fid == 0 {
            eachHart(harts(mask: a(0), base: a(1))) { ipi(from: hart, to: $0, handlerMode: 1) }
        }
    }

    /// `hart` executed an xret in `mode` (1 sret, 3 mret) back to `toMode`.
    func trapReturn(hart: Int, mode: UInt8, toMode: UInt8) {
        if mode == 3 && toMode != 3 && inSBICall[hart] {
            inSBICall[hart] = false
            requests.removeAll { $0.initiator == hart }
        }
        guard var ipi = ipis[hart], ipi.depth > 0, mode == ipi.handlerMode else { return }
        ipi.depth -= 1
        ipis[hart] = ipi.depth == 0 ? nil : ipi
    }

    /// `writer`, running in `mode` (0 U, 1 S, 3 M), raised `target`'s msip through the CLINT.
    func softwareInterruptRaised(by writer: Int, mode: UInt8, target: Int) {
        guard target < ipis.count, writer < inSBICall.count, !inSBICall[writer] else { return }
        ipi(from: writer, to: target, handlerMode: mode == 3 ? 3 : 1)
    }

    private func ipi(from initiator: Int, to target: Int, handlerMode: UInt8) {
        ipis[target] = IPI(initiator: initiator, handlerMode: handlerMode)
    }

    /// `hart` executed sfence.vma (or with `fenceI`, fence.i) in `mode` with `instret`
    /// instructions retired; the fence removed `entries` from its TLBs.
    func fence(hart: Int, mode: UInt8, va: UInt64?, asid: UInt64?, fenceI: Bool = false, instret: UInt64,
               entries: [(TLB, ModelTLB.Entry)]) {
        let form = fenceI ? .fenceI : Form(va: va, asid: asid)
        if mode == 3, let i = requestIndex(for: hart, va: va, asid: asid, fenceI: fenceI) {
            let record = requests[i].record[hart] ?? newRecord(initiator: requests[i].initiator, target: hart, path: .sbi, instret: instret)
            requests[i].record[hart] = record
            if fenceI { requests[i].done |= 1 << UInt64(hart) } else { cover(&requests[i], hart: hart, va: va) }
            account(record, hart: hart, form: form, instret: instret, entries: entries)
        } else if var ipi = ipis[hart] {
            let record = ipi.record ?? newRecord(initiator: ipi.initiator, target: hart, path: .ipi, instret: instret)
            ipi.record = record
            ipis[hart] = ipi
            account(record, hart: hart, form: form, instret: instret, entries: entries)
        }
    }

    /// The open request (lowest initiator first, as the firmware serves them) this fence
    /// on `hart` carries out.
    private func requestIndex(for hart: Int, va: UInt64?, asid: UInt64?, fenceI: Bool) -> Int? {
        var best: Int?
        for (i, r) in requests.enumerated() where r.targets >> UInt64(hart) & 1 != 0 && r.done >> UInt64(hart) & 1 == 0 {
            guard r.matches(va: va, asid: asid, fenceI: fenceI) else { continue }
            if best == nil || r.initiator < requests[best!].initiator { best = i }
        }
        return best
    }

    private func cover(_ r: inout Request, hart: Int, va: UInt64?) {
        guard let va, !r.flushesEverything else {
            r.done |= 1 << UInt64(hart)
            return
        }
        var left = r.remaining[hart] ?? {
            var pages = Set<UInt64>()
            var page = r.start & ~0xFFF
            while page < r.start &+ r.size {
                pages.insert(page)
                page &+= 4096
            }
            return pages
        }()
        left.remove(va & ~0xFFF)
        r.remaining[hart] = left
        if left.isEmpty { r.done |= 1 << UInt64(hart) }
    }

    private func newRecord(initiator: Int, target: Int, path: Path, instret: UInt64) -> Int {
        shootdowns.append(Shootdown(initiator: initiator, target: target, path: path, atInstret: instret))
        return shootdowns.count - 1
    }

    private func account(_ record: Int, hart: Int, form: Form, instret: UInt64, entries: [(TLB, ModelTLB.Entry)]) {
        shootdowns[record].fences[form.rawValue] &+= 1
        let expiry = instret &+ window
        for (tlb, entry) in entries {
            shootdowns[record].removed[tlb.rawValue] &+= 1
            removed[hart].append(Removed(tlb: tlb, entry: entry, record: record, expiry: expiry))
        }
    }

    // MARK: Refills

    /// Whether `hart` has removed entries still waiting for a refill.
    func tracksRefills(hart: Int) -> Bool { !removed[hart].isEmpty }

    /// A miss in `tlb` on `hart` for `va` in `asid`: if it is on an entry a shootdown
    /// removed (within the window), counts the refill and returns the shootdown.
    func miss(hart: Int, tlb: TLB, va: UInt64, asid: UInt64, instret: UInt64) -> Int? {
        removed[hart].removeAll { instret > $0.expiry }
        let address = va & ((1 << 39) - 1)
        guard let i = removed[hart].firstIndex(where: { r in
            r.tlb == tlb && address >= r.entry.virtualBase && address < r.entry.virtualBase &+ r.entry.size
                && (r.entry.global || r.entry.asid == asid)
        }) else { return nil }
        let record = removed[hart][i].record
        removed[hart].remove(at: i)
        shootdowns[record].refills[tlb.rawValue] &+= 1
        return record
    }

    /// The walk a refill miss of `record` needed cost `cycles`.
    func refillWalk(_ record: Int, cycles: UInt64) {
        shootdowns[record].refillWalks &+= 1
        shootdowns[record].refillWalkCycles &+= cycles
    }
}
