#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which bytes of RAM hold instructions that some hart has decoded into blocks, so that
/// writing them drops the blocks: the coherence between stores (by any hart, the
/// debugger or device DMA) and the pre-decoded code the harts execute.
///
/// Each RAM page has a mask of 64 bits, one per 64-byte chunk holding decoded code. A
/// page with any bit set is a *code page*: the MMU installs no store host-TLB entry for
/// it, so every store to it takes the slow path, which reaches `noteWrite`. A write that
/// overlaps a marked chunk drops every hart's blocks (the epoch advances and every mask
/// is cleared); writes to the rest of a code page only pay for the slow path.
///
/// The architecture asks less (a hart need not see its own stores to code before a
/// `fence.i`, "Zifencei" chapter of the unprivileged spec), but this keeps the behaviour
/// of an interpreter that fetches every instruction afresh, so code that patches itself
/// without a fence still runs the new instructions.
final class CodePages {
    let ramBase: UInt64
    let pages: UInt64
    /// One 64-bit chunk mask per RAM page (zero-filled lazily by the host).
    private let masks: UnsafeMutablePointer<UInt64>
    /// The pages with a non-zero mask, so dropping everything costs what was marked.
    private var marked: [UInt64] = []
    /// Advances every time blocks are dropped; each hart compares it with the epoch of
    /// its own block cache at the start of a batch.
    private(set) var epoch: UInt64 = 0

    init(ram: MemoryRegion) {
        ramBase = ram.base
        pages = ram.size >> 12
        guard let p = calloc(Int(pages), MemoryLayout<UInt64>.stride) else { fatalError("cannot allocate the code-page map") }
        masks = p.assumingMemoryBound(to: UInt64.self)
    }

    deinit { free(masks) }

    /// Whether the RAM page holding physical address `pa` holds decoded code.
    @inline(__always)
    func isCodePage(_ pa: UInt64) -> Bool {
        let page = (pa &- ramBase) >> 12
        return page < pages && masks[Int(page)] != 0
    }

    /// The chunk bits of `[offset, offset + length)` within one page (length > 0).
    @inline(__always)
    private static func chunks(offset: UInt64, length: UInt64) -> UInt64 {
        let first = offset >> 6, last = (offset &+ length &- 1) >> 6
        let upTo = last == 63 ? UInt64.max : (UInt64(1) << (last &+ 1)) &- 1
        return upTo & ~((UInt64(1) << first) &- 1)
    }

    /// Records that `[pa, pa + length)` (within one RAM page) holds decoded code.
    /// Returns true when the page was not a code page before, so the caller must drop
    /// the store host-TLB entries that still point at it.
    func mark(_ pa: UInt64, length: UInt64) -> Bool {
        let page = (pa &- ramBase) >> 12
        guard page < pages, length > 0 else { return false }
        let old = masks[Int(page)]
        masks[Int(page)] = old | CodePages.chunks(offset: pa & 0xFFF, length: length)
        if old == 0 { marked.append(page) }
        return old == 0
    }

    /// A write to physical `[pa, pa + length)` (any length, any pages). If it touches
    /// decoded code, every block is dropped; returns whether that happened.
    @discardableResult
    func noteWrite(_ pa: UInt64, length: UInt64) -> Bool {
        guard !marked.isEmpty, length > 0 else { return false }
        var address = pa
        var left = length
        while left > 0 {
            let offset = address & 0xFFF
            let here = min(left, 4096 &- offset)
            let page = (address &- ramBase) >> 12
            if page < pages && masks[Int(page)] & CodePages.chunks(offset: offset, length: here) != 0 {
                dropAll()
                return true
            }
            address &+= here
            left &-= here
        }
        return false
    }

    /// Drops every hart's blocks: after a write into code, a debugger's write, a reset.
    func dropAll() {
        for page in marked { masks[Int(page)] = 0 }
        marked.removeAll(keepingCapacity: true)
        epoch &+= 1
    }
}
