import PagodaDevices
import PagodaLoader
@testable import PagodaMachine
import XCTest

/// Placing firmware, kernel and initrd in RAM, and the one-line errors when they do not fit.
final class BootLayoutTests: XCTestCase {
    func machine(memory: UInt64 = 128 << 20) -> Machine {
        var configuration = MachineConfiguration()
        configuration.memorySize = memory
        return Machine(configuration: configuration, console: BufferConsole())
    }

    /// A Linux Image header with the given text_offset and image_size, then `code`.
    func linuxImage(textOffset: UInt64 = 0x20_0000, imageSize: UInt64 = 0, code: [UInt8] = [0x13, 0, 0, 0]) -> BootFile {
        var bytes = [UInt8](repeating: 0, count: 64)
        func put(_ value: UInt64, at offset: Int, width: Int) {
            for i in 0..<width { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
        }
        put(textOffset, at: 8, width: 8)
        put(imageSize, at: 16, width: 8)
        put(UInt64(LinuxImageHeader.magic2), at: 0x38, width: 4)
        return try! BootFile.load(bytes: bytes + code, name: "Image", allowedRegions: [])
    }

    func bootError(_ images: BootImages, memory: UInt64 = 128 << 20) -> String? {
        do { try machine(memory: memory).boot(images); return nil } catch { return (error as? BootError)?.message ?? "\(error)" }
    }

    func testImageIsRecognisedByEitherMagic() {
        guard case .linux(let header, _) = linuxImage(textOffset: 0x40_0000, imageSize: 0x1234) else { return XCTFail("not an Image") }
        XCTAssertEqual(header.textOffset, 0x40_0000)
        XCTAssertEqual(header.imageSize, 0x1234)
        var old = [UInt8](repeating: 0, count: 64)
        old.replaceSubrange(0x30..<0x38, with: Array("RISCV".utf8) + [0, 0, 0])
        XCTAssertNotNil(LinuxImageHeader(old))
        XCTAssertNil(LinuxImageHeader([UInt8](repeating: 0, count: 64)))
        XCTAssertNil(LinuxImageHeader(Array(old[0..<63])), "a header cut short is not a header")
        guard case .raw = try! BootFile.load(bytes: [1, 2, 3], name: "x", allowedRegions: []) else { return XCTFail("short file not raw") }
    }

    func testImageIsPlacedByTextOffsetAndInitrdAsQEMUDoes() throws {
        let m = machine(memory: 512 << 20)
        try m.boot(BootImages(firmware: .init(file: .raw([0x73, 0, 0x10, 0])), kernel: linuxImage(textOffset: 0x40_0000),
                              initrd: [1, 2, 3, 4]))
        XCTAssertEqual(m.bus.read(0x8040_0040, size: 4), 0x13)
        // 512 MiB of RAM: 128 MiB above the kernel.
        XCTAssertEqual(m.board.initrd, 0x8840_0000...0x8840_0003)
        XCTAssertEqual(m.bus.read(0x8840_0000, size: 4), 0x0403_0201)
        // 64 MiB: half-way into RAM.
        let small = machine(memory: 64 << 20)
        try small.boot(BootImages(firmware: nil, kernel: linuxImage(), initrd: [9]))
        XCTAssertEqual(small.board.initrd, 0x8220_0000...0x8220_0000)
    }

    func testPagodaFirmwareRegionIsReservedInTheDeviceTree() throws {
        let m = machine()
        try m.boot(BootImages(firmware: .init(file: .raw([0x73, 0, 0x10, 0]), reservedSize: 0x8_0000), kernel: linuxImage()))
        XCTAssertEqual(m.board.reservedMemory, [0x8000_0000...0x8007_FFFF])
        let blob = m.deviceTree
        XCTAssertNotNil(blob.firstRange(of: Array("reserved-memory".utf8)))
        XCTAssertNotNil(blob.firstRange(of: Array("no-map".utf8)))
        // The bare-metal path reserves nothing.
        let bare = machine()
        bare.load(ELFImage(entry: 0x8000_0000, segments: [], symbols: []))
        XCTAssertEqual(bare.board.reservedMemory, [])
    }

    func testErrorsNameWhatDoesNotFit() {
        let huge = linuxImage(imageSize: 200 << 20)
        XCTAssertEqual(bootError(BootImages(firmware: nil, kernel: huge))?.hasPrefix("the kernel does not fit in RAM"), true)
        XCTAssertEqual(bootError(BootImages(firmware: nil, kernel: linuxImage(textOffset: 1 << 40)))?.hasPrefix("the kernel does not fit in RAM"), true)
        XCTAssertEqual(bootError(BootImages(firmware: nil, kernel: linuxImage(textOffset: .max)))?.contains("outside RAM"), true)
        // A kernel in the firmware's reserved memory.
        let overlap = bootError(BootImages(firmware: .init(file: .raw([0]), reservedSize: 4 << 20), kernel: linuxImage()))
        XCTAssertEqual(overlap?.hasPrefix("the kernel at 0x80200000-"), true, overlap ?? "no error")
        XCTAssertEqual(overlap?.contains("overlaps the firmware"), true, overlap ?? "no error")
        // An initrd larger than what is left of RAM.
        let initrd = bootError(BootImages(firmware: nil, kernel: linuxImage(), initrd: [UInt8](repeating: 1, count: 70 << 20)))
        XCTAssertEqual(initrd?.hasPrefix("the initrd does not fit in RAM"), true, initrd ?? "no error")
        // An initrd that fits in RAM but runs into the device tree at the top.
        let tree = bootError(BootImages(firmware: nil, kernel: linuxImage(), initrd: [UInt8](repeating: 1, count: 62 << 20)))
        XCTAssertEqual(tree?.contains("overlaps the device tree"), true, tree ?? "no error")
        XCTAssertEqual(bootError(BootImages(firmware: nil, kernel: linuxImage(), initrd: [])), "the initrd is empty")
    }
}
