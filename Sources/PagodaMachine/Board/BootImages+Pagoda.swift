import PagodaDevices
import PagodaLoader

extension BootImages.Firmware {
    /// Pagoda's own SBI firmware (firmware/sbi), built into the emulator: a raw image at
    /// RAM base, reserving `PagodaFirmware.reservedSize` bytes there for itself.
    public static func pagoda() throws -> BootImages.Firmware {
        BootImages.Firmware(file: .raw(PagodaFirmware.image), reservedSize: PagodaFirmware.reservedSize)
    }
}
