import Foundation
import XCTest

/// `pagoda run --kernel/--bios/--initrd/--append` as a user types them: the boot
/// images run, and every mistake is one line on standard error with a documented status.
final class BootCommandLineTests: XCTestCase {
    func run(_ arguments: [String]) throws -> PagodaProcess.Result { try PagodaProcess.run(arguments) }

    var bootGuests: URL { PagodaProcess.repositoryRoot.appendingPathComponent("guests/build/boot") }

    func guest(_ name: String) throws -> String {
        let path = bootGuests.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("guests not built: run `make -C guests` first") }
        return path
    }

    func temporaryFile(_ bytes: [UInt8], name: String) throws -> String {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("pagoda-boot-\(UUID().uuidString)-\(name)")
        try Data(bytes).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    func testHelpDocumentsTheBootOptions() throws {
        let r = try run(["run", "--help"])
        for option in ["--kernel", "--bios", "--initrd", "--append", "--bootargs"] {
            XCTAssertTrue(r.stdout.contains(option), "help lacks \(option)")
        }
    }

    func testRawKernelWithoutFirmware() throws {
        let r = try run(["run", "--bios", "none", "--kernel", try guest("raw_machine.bin")])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testFirmwareKernelAndInitrd() throws {
        let initrd = try temporaryFile((0..<8192).map { UInt8(truncatingIfNeeded: 7 * $0 + 3) }, name: "initrd")
        let r = try run(["run", "--bios", try guest("handoff_firmware.elf"), "--kernel", try guest("image_payload.bin"),
                         "--initrd", initrd, "--append", "console=ttyS0"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("PASS handoff_firmware"), r.stdout)
    }

    func testUsageErrors() throws {
        let kernel = try guest("raw_machine.bin")
        for args in [["run", kernel, "--kernel", kernel], ["run", "--initrd", kernel, kernel], ["run", "--initrd", kernel],
                     ["run", "--bios", "none"], ["run", "--kernel"]] {
            let r = try run(args)
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.lowercased().contains("error"), "\(args): \(r.stderr)")
        }
    }

    func testUnreadableImagesExit66WithOneLine() throws {
        let kernel = try guest("raw_machine.bin")
        for (args, path) in [(["run", "--bios", "none", "--kernel", "/nonexistent/Image"], "/nonexistent/Image"),
                             (["run", "--bios", "/nonexistent/fw.bin", "--kernel", kernel], "/nonexistent/fw.bin"),
                             (["run", "--bios", "none", "--kernel", kernel, "--initrd", "/nonexistent/initrd"], "/nonexistent/initrd"),
                             (["run", "--bios", "none", "--kernel", "/tmp"], "/tmp")] {
            let r = try run(args)
            XCTAssertEqual(r.status, 66, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("pagoda: \(path): cannot read the file"), r.stderr)
            XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, r.stderr)
        }
    }

    func testImagesThatDoNotFitExit65() throws {
        var header = [UInt8](repeating: 0, count: 64)
        header[0x0A] = 0x20                                   // text_offset 2 MiB
        header[0x12] = 0x00; header[0x13] = 0x10              // image_size 256 MiB
        header.replaceSubrange(0x38..<0x3C, with: [0x52, 0x53, 0x43, 0x05])
        let image = try temporaryFile(header, name: "Image")
        let r = try run(["run", "--bios", "none", "--kernel", image, "--memory", "64M"])
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("pagoda: the kernel does not fit in RAM"), r.stderr)

        let initrd = try temporaryFile([UInt8](repeating: 0xAA, count: 40 << 20), name: "initrd")
        let big = try run(["run", "--bios", "none", "--kernel", try guest("image_payload.bin"), "--initrd", initrd, "--memory", "64M"])
        XCTAssertEqual(big.status, 65, big.stderr)
        XCTAssertTrue(big.stderr.hasPrefix("pagoda: the initrd does not fit in RAM"), big.stderr)

        // Firmware (an ELF at 0x80000000 that is 40 KiB) and a raw kernel that also wants RAM base: not possible, but an
        // ELF kernel linked over the firmware is. handoff_firmware.elf as both.
        let both = try run(["run", "--bios", try guest("handoff_firmware.elf"), "--kernel", try guest("handoff_firmware.elf")])
        XCTAssertEqual(both.status, 65, both.stderr)
        XCTAssertTrue(both.stderr.contains("overlaps the firmware"), both.stderr)
    }
}
