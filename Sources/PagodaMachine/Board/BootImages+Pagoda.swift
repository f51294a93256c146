import PagodaDevices
import PagodaLoader

extension BootImages.Firmware {
    /// Pagoda's own SBI firmware (firmware/sbi), built into the emulator.
    public static func pagoda() throws -> BootImages.Firmware {
        throw BootError("Pagoda's SBI firmware is not built into this binary yet: give --bios FILE or --bios none")
    }
}
