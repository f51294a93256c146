/// A PT_LOAD segment of an executable: what to place in memory, and where.
public struct LoadableSegment: Sendable, Equatable {
    /// Where the segment is placed in the machine's physical memory (`p_paddr`).
    public let physicalAddress: UInt64
    /// The address the program was linked to run at (`p_vaddr`).
    public let virtualAddress: UInt64
    /// The segment's bytes from the file (`p_filesz` of them).
    public let data: [UInt8]
    /// The segment's size in memory (`p_memsz`, at least `data.count`); the bytes after
    /// `data` are zero (.bss).
    public let memorySize: UInt64
    /// Permissions: PF_X (1), PF_W (2), PF_R (4).
    public let flags: UInt32

    /// `memorySize` must be nonzero, cover `data`, and not run past the end of the
    /// address space, as in every segment the loader returns.
    public init(physicalAddress: UInt64, virtualAddress: UInt64, data: [UInt8], memorySize: UInt64, flags: UInt32) {
        precondition(memorySize > 0 && memorySize >= UInt64(data.count), "a segment's memory size covers its file bytes")
        precondition(!physicalAddress.addingReportingOverflow(memorySize - 1).overflow, "a segment does not wrap around")
        self.physicalAddress = physicalAddress
        self.virtualAddress = virtualAddress
        self.data = data
        self.memorySize = memorySize
        self.flags = flags
    }

    public static let executable: UInt32 = 1
    public static let writable: UInt32 = 2
    public static let readable: UInt32 = 4

    public var isExecutable: Bool { flags & Self.executable != 0 }
    public var isWritable: Bool { flags & Self.writable != 0 }
    public var isReadable: Bool { flags & Self.readable != 0 }

    /// The physical addresses the segment occupies.
    public var physicalRange: ClosedRange<UInt64> {
        physicalAddress...(physicalAddress + (memorySize - 1))
    }
}
