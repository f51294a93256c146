/// One entry of a host-side translation cache: a guest virtual page and the host
/// address of its first byte.
struct HostTLBEntry {
    /// The virtual page address (low 12 bits zero), or `invalidTag`.
    var tag: UInt64
    var page: UnsafeMutableRawPointer
}

/// A direct-mapped cache from guest virtual pages to host pointers, for one kind of access.
///
/// This is not the modelled (architectural) TLB: it is how the interpreter avoids
/// translating on every access. An entry is installed only for a 4 KiB page that lies
/// wholly in RAM or ROM and that the current privilege, translation and PMP settings
/// allow uniformly, so a hit needs no further check. Any change to those settings
/// (privilege, satp, mstatus.MPRV/MPP/SUM/MXR, PMP, sfence.vma) flushes it.
///
/// A hit is one compare: the tag is compared with the access address masked so that
/// its low bits survive only where the access is misaligned (`va & (~0xFFF | (size-1))`),
/// so misaligned accesses miss and go to the slow path.
final class HostTLB {
    static let entries = 256
    static let invalidTag: UInt64 = .max
    /// A page the invalid entries point at; never read, since their tag never matches.
    nonisolated(unsafe) private static let placeholderPage = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 4096)

    let table: UnsafeMutablePointer<HostTLBEntry>
    /// Whether the table is this cache's own allocation (else its owner frees it).
    private let ownsTable: Bool

    /// A cache in its own memory.
    convenience init() {
        self.init(table: .allocate(capacity: HostTLB.entries), owned: true)
    }

    /// A cache in `table` (room for `HostTLB.entries` entries, uninitialised), which the
    /// caller frees after this cache is gone unless `owned`.
    init(table: UnsafeMutablePointer<HostTLBEntry>, owned: Bool = false) {
        self.table = table
        ownsTable = owned
        table.initialize(repeating: HostTLBEntry(tag: HostTLB.invalidTag, page: HostTLB.placeholderPage), count: HostTLB.entries)
    }

    deinit { if ownsTable { table.deallocate() } }

    @inline(__always)
    static func index(_ va: UInt64) -> Int { Int(truncatingIfNeeded: (va >> 12) & UInt64(entries - 1)) }

    func install(virtualPage: UInt64, host: UnsafeMutableRawPointer) {
        table[HostTLB.index(virtualPage)] = HostTLBEntry(tag: virtualPage, page: host)
    }

    func flush() {
        for i in 0..<HostTLB.entries { table[i].tag = HostTLB.invalidTag }
    }

    /// Drops every entry for a page in `[base, base + size)`.
    func flush(range base: UInt64, size: UInt64) {
        // One page can only be in its own entry.
        if size == 4096 { flush(virtualPage: base); return }
        for i in 0..<HostTLB.entries where table[i].tag != HostTLB.invalidTag && table[i].tag &- base < size {
            table[i].tag = HostTLB.invalidTag
        }
    }

    /// Drops every entry that points at the host page `host`.
    func flush(hostPage host: UnsafeMutableRawPointer) {
        for i in 0..<HostTLB.entries where table[i].page == host { table[i].tag = HostTLB.invalidTag }
    }

    /// Drops the entry for one virtual page, if present.
    func flush(virtualPage: UInt64) {
        let i = HostTLB.index(virtualPage)
        if table[i].tag == virtualPage & ~0xFFF { table[i].tag = HostTLB.invalidTag }
    }
}
