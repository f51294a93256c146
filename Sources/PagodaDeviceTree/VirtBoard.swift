/// The machine Pagoda emulates, QEMU's `virt` board memory map, as the kernel
/// learns about it: through the device tree this describes.
///
/// `deviceTreeBlob()` always produces a blob, whatever the fields hold; call
/// `validate()` first to reject a configuration the tree would describe wrongly
/// (no harts, memory that wraps around, an initrd outside memory...).
public struct VirtBoard: Sendable, Equatable {
    /// The number of harts, with ids 0 to `harts - 1`.
    public var harts: Int
    /// Where RAM starts.
    public var memoryBase: UInt64
    /// The size of RAM in bytes.
    public var memorySize: UInt64
    /// The kernel command line (`/chosen/bootargs`); left out of the tree when empty.
    public var bootargs: String
    /// The harts' ISA string (`riscv,isa`); also split into `riscv,isa-base` and
    /// `riscv,isa-extensions`. Name an extension here only if the harts implement it.
    public var isa: String
    /// The harts' `mmu-type`: `riscv,sv39`, `riscv,sv48`, `riscv,sv57` or `riscv,none`.
    public var mmuType: String
    /// The frequency of `mtime` (`/cpus/timebase-frequency`) in Hz.
    public var timebaseFrequency: UInt32
    /// The first and last byte of the initial ramdisk, if one is loaded
    /// (`/chosen/linux,initrd-start` and `linux,initrd-end`, which is one past the last byte).
    public var initrd: ClosedRange<UInt64>?
    /// Memory the kernel must not use (M-mode firmware), first to last byte of each:
    /// `/reserved-memory` nodes with `no-map`.
    public var reservedMemory: [ClosedRange<UInt64>]

    public init(
        harts: Int,
        memoryBase: UInt64 = 0x8000_0000,
        memorySize: UInt64,
        bootargs: String = "",
        isa: String = "rv64imac_zicsr_zifencei",
        mmuType: String = "riscv,sv39",
        timebaseFrequency: UInt32 = 10_000_000,
        initrd: ClosedRange<UInt64>? = nil,
        reservedMemory: [ClosedRange<UInt64>] = []
    ) {
        self.harts = harts
        self.memoryBase = memoryBase
        self.memorySize = memorySize
        self.bootargs = bootargs
        self.isa = isa
        self.mmuType = mmuType
        self.timebaseFrequency = timebaseFrequency
        self.initrd = initrd
        self.reservedMemory = reservedMemory
    }

    /// The flattened device tree describing the board.
    public func deviceTreeBlob() -> [UInt8] {
        deviceTree().blob()
    }

    /// Where to put a device tree blob of `size` bytes: as high in RAM as it fits,
    /// aligned down to 2 MiB, out of the way of a kernel and initrd loaded low
    /// (QEMU places the `virt` board's DTB the same way for RV64). `nil` when RAM
    /// is too small to hold it that way.
    public func deviceTreeAddress(blobSize size: Int) -> UInt64? {
        let alignment = Self.deviceTreeAlignment
        let (end, overflow) = memoryBase.addingReportingOverflow(memorySize)
        guard !overflow, size >= 0, UInt64(size) <= memorySize else { return nil }
        let address = (end - UInt64(size)) & ~(alignment - 1)
        return address >= memoryBase ? address : nil
    }

    /// The alignment of the address `deviceTreeAddress(blobSize:)` picks.
    public static let deviceTreeAlignment: UInt64 = 2 << 20
}
