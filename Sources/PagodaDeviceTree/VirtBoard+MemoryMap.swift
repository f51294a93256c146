/// The devices of QEMU's `virt` board that Pagoda has, where they are and how
/// they are wired; the device tree and the bus are built from the same numbers.
extension VirtBoard {
    /// The SiFive test device (power off and reset through `syscon`).
    public static let testBase: UInt64 = 0x10_0000
    public static let testSize: UInt64 = 0x1000
    /// What the `syscon-poweroff` node writes to the test device's first register.
    public static let testPowerOffValue: UInt32 = 0x5555
    /// What the `syscon-reboot` node writes to it.
    public static let testResetValue: UInt32 = 0x7777
    /// Pagoda's hart mailbox, which releases held harts.
    public static let mailboxBase: UInt64 = 0x10_2000
    public static let mailboxSize: UInt64 = 0x1000
    /// Base/limit relocation (a Pagoda extension): the satp MODE value and the CSR numbers.
    public static let baseLimitSATPMode: UInt32 = 14
    public static let sbaseCSR: UInt32 = 0x5C0
    public static let sboundCSR: UInt32 = 0x5C1
    /// The CLINT: `msip` per hart at 0x0, `mtimecmp` per hart at 0x4000, `mtime` at 0xbff8.
    public static let clintBase: UInt64 = 0x200_0000
    public static let clintSize: UInt64 = 0x1_0000
    /// The PLIC. Its `reg` in the tree covers the contexts of the board's harts
    /// (see `plicSize(harts:)`); the device may answer a larger window.
    public static let plicBase: UInt64 = 0xC00_0000
    /// The 16550 UART, `stdout-path` of the tree.
    public static let uartBase: UInt64 = 0x1000_0000
    public static let uartSize: UInt64 = 0x100
    /// The UART's input clock as the tree states it (1.8432 MHz * 2), which
    /// only matters to software that programs the divisor.
    public static let uartClockFrequency: UInt32 = 3_686_400
    /// The PLIC source the UART drives.
    public static let uartInterrupt: UInt32 = 10
    /// The virtio-mmio slots: slot n at `virtioBase + n * virtioSize`, PLIC source n + 1,
    /// eight of them as on QEMU's `virt`.
    public static let virtioBase: UInt64 = 0x1000_1000
    public static let virtioSize: UInt64 = 0x1000
    public static let virtioSlots = 8
    public static func virtioInterrupt(slot: Int) -> UInt32 { UInt32(slot + 1) }
    /// `riscv,ndev`: the PLIC's sources are 1 to 95 (0 means "no interrupt").
    public static let plicSourceCount: UInt32 = 95
    /// The most harts the board has room for, as on QEMU's `virt`.
    public static let maximumHarts = 512

    /// The PLIC's `reg` size: the fixed registers up to 0x200000, then 0x1000 bytes
    /// for each of two contexts per hart (M-mode is context 2h, S-mode 2h+1), never
    /// less than 0x600000 (QEMU's size, room for 512 harts) nor more than the
    /// 0x4000000 the PLIC specification allows.
    public static func plicSize(harts: Int) -> UInt64 {
        let contextsBase: UInt64 = 0x20_0000
        let bytesPerHart: UInt64 = 2 * 0x1000
        let largest: UInt64 = 0x400_0000
        let harts = UInt64(clamping: max(harts, 0))
        guard harts < (largest - contextsBase) / bytesPerHart else { return largest }
        return max(contextsBase + harts * bytesPerHart, 0x60_0000)
    }
}
