import Foundation
import PagodaDevices
import PagodaLoader
import PagodaMachine
import XCTest

/// The boot path, QEMU's way: firmware at RAM base handed a0/a1/a2 by the boot ROM, a
/// Linux-Image-format kernel placed by its text_offset, an initrd where QEMU puts it, a
/// raw kernel entered in M-mode without firmware.
final class BootImageTests: XCTestCase {
    var boot: URL { GuestRunner.buildDirectory.appendingPathComponent("boot") }

    func payload(_ name: String) throws -> URL {
        let url = boot.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("guests not built: run `make -C guests` first") }
        return url
    }

    /// The initrd handoff_firmware.c expects: 8 KiB, byte i = 7 i + 3.
    func patternInitrd() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pagoda-initrd-\(getpid()).img")
        try Data((0..<8192).map { UInt8(truncatingIfNeeded: 7 * $0 + 3) }).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testFirmwareGetsDynamicInfoAndRunsAnImageKernelInSMode() throws {
        let outcome = try GuestRunner.runKernel(try payload("image_payload.bin"),
                                                bios: try payload("handoff_firmware.elf").path,
                                                initrd: try patternInitrd())
        XCTAssertEqual(outcome.reason, .passed, outcome.output)
        XCTAssertTrue(outcome.output.contains("PASS handoff_firmware"), outcome.output)
        XCTAssertFalse(outcome.output.contains("FAIL"), outcome.output)
        XCTAssertEqual(outcome.machine.board.initrd, 0x8420_0000...0x8420_1FFF)
    }

    func testWithoutTheInitrdTheFirmwareNoticesItsAbsence() throws {
        // The same firmware without --initrd: its initrd check must fail, so the check is real.
        let outcome = try GuestRunner.runKernel(try payload("image_payload.bin"),
                                                bios: try payload("handoff_firmware.elf").path)
        XCTAssertNotEqual(outcome.reason, .passed)
        XCTAssertTrue(outcome.output.contains("the initrd is where QEMU puts it"), outcome.output)
    }

    func testRawKernelWithoutFirmwareIsEnteredInMachineMode() throws {
        let outcome = try GuestRunner.runKernel(try payload("raw_machine.bin"), bios: "none")
        XCTAssertEqual(outcome.reason, .passed, outcome.output)
    }

    func testRawKernelWithFirmwareGoesTwoMiBUp() throws {
        let machine = Machine(configuration: MachineConfiguration(), console: BufferConsole())
        try machine.boot(BootImages(firmware: .init(file: .raw([0x73, 0x00, 0x10, 0x00])),
                                    kernel: .raw([0x13, 0, 0, 0])))
        XCTAssertEqual(machine.bus.read(0x8020_0000, size: 4), 0x13)
        XCTAssertEqual(machine.bus.read(0x8000_0000, size: 4), 0x0010_0073)
        XCTAssertEqual(machine.bus.read(0x1050, size: 8), 0x8020_0000, "fw_dynamic_info.next_addr")
    }
}
