/// The physical memory map, the same as QEMU's `virt` board for every device the two
/// share, so kernels written for that board run unchanged.
///
/// | address       | size      | what                                   |
/// |---------------|-----------|----------------------------------------|
/// | 0x0000_1000   | 0xF000    | boot ROM (reset vector)                |
/// | 0x0010_0000   | 0x1000    | SiFive test device (power off, reset)  |
/// | 0x0010_2000   | 0x1000    | hart mailbox (Pagoda's own)            |
/// | 0x0200_0000   | 0x1_0000  | CLINT (msip, mtimecmp, mtime)          |
/// | 0x0C00_0000   | 0x400_0000| PLIC                                   |
/// | 0x1000_0000   | 0x100     | UART 16550, PLIC source 10             |
/// | 0x1000_1000   | 8 x 0x1000| virtio-mmio slots 0-7, PLIC sources 1-8|
/// | 0x8000_0000   | --memory  | RAM                                    |
public enum VirtMemoryMap {
    public static let bootROM: UInt64 = 0x1000
    public static let bootROMSize: UInt64 = 0xF000
    public static let testDevice: UInt64 = 0x10_0000
    public static let hartMailbox: UInt64 = 0x10_2000
    public static let clint: UInt64 = 0x200_0000
    public static let plic: UInt64 = 0xC00_0000
    public static let uart: UInt64 = 0x1000_0000
    public static let uartInterrupt = 10
    /// Virtio-mmio slot n is at `virtio + n * virtioStride` and raises PLIC source n + 1.
    public static let virtio: UInt64 = 0x1000_1000
    public static let virtioStride: UInt64 = 0x1000
    public static let virtioSlots = 8
    public static let virtioFirstInterrupt = 1
    public static let ram: UInt64 = 0x8000_0000
}
