#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A block of host memory that backs a range of guest physical addresses: RAM or ROM.
///
/// It is one unsafe allocation (an anonymous mapping, so untouched pages cost nothing
/// and zeroing is handing pages back), made once and freed with the machine. Every access
/// from the guest goes through a bounds check against `size` (or through a host TLB
/// entry, which is only ever installed for a page that lies wholly inside the region),
/// so no guest address can reach outside the allocation.
public final class MemoryRegion {
    public let base: UInt64
    public let size: UInt64
    public let writable: Bool
    /// The first byte of the region on the host. Page-aligned.
    public let host: UnsafeMutableRawPointer

    public init(base: UInt64, size: UInt64, writable: Bool) {
        precondition(size > 0 && size % 4096 == 0 && base % 4096 == 0, "regions are whole pages")
        self.base = base
        self.size = size
        self.writable = writable
        guard let p = mmap(nil, Int(size), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              p != MAP_FAILED
        else { fatalError("cannot map \(size) bytes of guest memory") }
        host = p
    }

    deinit { munmap(host, Int(size)) }

    /// Whether `[address, address + length)` lies inside the region.
    @inline(__always)
    public func contains(_ address: UInt64, length: UInt64 = 1) -> Bool {
        let offset = address &- base
        return offset < size && length <= size &- offset
    }

    /// The host address of a guest physical address known to be inside the region.
    @inline(__always)
    func hostAddress(_ address: UInt64) -> UnsafeMutableRawPointer {
        host + Int(address &- base)
    }

    /// Copies bytes into the region (loading images). The caller has checked the range.
    public func copy(_ bytes: [UInt8], to address: UInt64) {
        precondition(contains(address, length: UInt64(bytes.count)), "image outside region")
        bytes.withUnsafeBytes { src in
            if let p = src.baseAddress { hostAddress(address).copyMemory(from: p, byteCount: bytes.count) }
        }
    }

    /// Fills `[address, address + length)` with zero bytes.
    public func zero(_ address: UInt64, length: UInt64) {
        precondition(contains(address, length: length), "range outside region")
        if address == base && length == size {
            // Whole region: give the pages back; they read as zero from now on.
            _ = madvise(host, Int(size), MADV_DONTNEED)
        } else {
            hostAddress(address).initializeMemory(as: UInt8.self, repeating: 0, count: Int(length))
        }
    }

    /// Reads `size` bytes little-endian at a physical address known to be inside the region.
    @inline(__always)
    func load(_ address: UInt64, size: Int) -> UInt64 {
        let p = UnsafeRawPointer(hostAddress(address))
        switch size {
        case 1: return UInt64(p.load(as: UInt8.self))
        case 2: return UInt64(p.loadUnaligned(as: UInt16.self))
        case 4: return UInt64(p.loadUnaligned(as: UInt32.self))
        default: return p.loadUnaligned(as: UInt64.self)
        }
    }

    /// Writes the low `size` bytes of `value` at a physical address known to be inside the region.
    @inline(__always)
    func store(_ address: UInt64, size: Int, value: UInt64) {
        let p = hostAddress(address)
        switch size {
        case 1: p.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
        case 2: p.storeBytes(of: UInt16(truncatingIfNeeded: value), toByteOffset: 0, as: UInt16.self)
        case 4: p.storeBytes(of: UInt32(truncatingIfNeeded: value), toByteOffset: 0, as: UInt32.self)
        default: p.storeBytes(of: value, toByteOffset: 0, as: UInt64.self)
        }
    }
}
