import Foundation
import PagodaDevices
import PagodaLoader
import PagodaMachine
import XCTest

/// Pagoda's own SBI firmware (firmware/sbi, `--bios pagoda`), driven by the S-mode test
/// kernels in guests/sbi: every SBI function it implements, its PMP protection, its
/// redirection of undelegated traps, and HSM on harts the mailbox holds.
final class SBIFirmwareTests: XCTestCase {
    /// The kernels, each run by one test below (the shootdown_* kernels by ShootdownAccountingTests).
    static let covered: Set<String> = ["base", "legacy", "timer", "dbcn", "pmp", "srst", "srst_failure",
                                       "hsm", "boot_all", "ipi", "suspend", "rfence", "next_addr", "ram_size",
                                       "shootdown_rfence", "shootdown_ipi"]

    func kernel(_ name: String) throws -> URL {
        let url = GuestRunner.buildDirectory.appendingPathComponent("sbi/\(name).elf")
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("guests not built: run `make -C guests` first") }
        return url
    }

    /// Runs guests/sbi/NAME.c under the firmware and requires it to pass.
    @discardableResult
    func pass(_ name: String, input: String = "") throws -> GuestRunner.Outcome {
        let outcome = try GuestRunner.runKernel(try kernel(name), input: input)
        XCTAssertEqual(outcome.reason, .passed, "sbi/\(name) output:\n\(outcome.output)")
        XCTAssertTrue(outcome.output.contains("PASS sbi/\(name)"), outcome.output)
        XCTAssertFalse(outcome.output.contains("FAIL"), outcome.output)
        return outcome
    }

    func testEveryKernelHasATest() throws {
        let names = Set(try GuestRunner.guests(in: "sbi").map { $0.deletingPathExtension().lastPathComponent })
        XCTAssertEqual(names, Self.covered)
    }

    func testEmbeddedImage() {
        XCTAssertEqual(PagodaFirmware.base, 0x8000_0000)
        XCTAssertEqual(PagodaFirmware.reservedSize, 512 << 10)
        XCTAssertEqual(PagodaFirmware.reservedSize & (PagodaFirmware.reservedSize - 1), 0, "one NAPOT PMP entry covers it")
        XCTAssertEqual(PagodaFirmware.implementationID, 0x5047_4441)
        XCTAssertGreaterThan(PagodaFirmware.image.count, 1024)
        XCTAssertLessThan(UInt64(PagodaFirmware.image.count), PagodaFirmware.reservedSize)
        // The first instruction is entry.S's `csrw mie, zero`.
        XCTAssertEqual(Array(PagodaFirmware.image.prefix(4)), [0x73, 0x10, 0x40, 0x30])
    }

    func testBase() throws { try pass("base") }

    func testEntersTheKernelAtNextAddrInSMode() throws { try pass("next_addr") }

    /// Loads the firmware and `kernel` as one bare-metal image entered at RAM base, so
    /// the boot ROM passes a2 = 0 (no fw_dynamic_info).
    func runWithoutDynamicInfo(_ kernel: URL, firmware image: [UInt8] = PagodaFirmware.image) throws -> GuestRunner.Outcome {
        var configuration = MachineConfiguration()
        configuration.maxInstructions = 200_000_000
        let console = BufferConsole(input: [])
        let machine = Machine(configuration: configuration, console: console)
        let elf = try ELFLoader.load(path: kernel.path, allowedRegions: machine.loadableRegions)
        let firmware = LoadableSegment(physicalAddress: PagodaFirmware.base, virtualAddress: PagodaFirmware.base,
                                       data: image, memorySize: UInt64(image.count), flags: 7)
        machine.load(ELFImage(entry: PagodaFirmware.base, segments: [firmware] + elf.segments, symbols: elf.symbols))
        let reason = machine.run()
        return GuestRunner.Outcome(reason: reason, output: console.outputString, machine: machine)
    }

    func testWithoutDynamicInfoTheKernelStartsAt0x80200000() throws {
        let base = try runWithoutDynamicInfo(try kernel("base"))
        XCTAssertEqual(base.reason, .passed, base.output)
        XCTAssertTrue(base.output.contains("PASS sbi/base"), base.output)
        // next_addr.c's ELF entry is past 0x80200000: without the record it is not used.
        let nextAddr = try runWithoutDynamicInfo(try kernel("next_addr"))
        XCTAssertEqual(nextAddr.reason, .failed(code: 1), nextAddr.output)
        XCTAssertTrue(nextAddr.output.contains("FAIL entered at next_addr: got 0x0000000000000001"), nextAddr.output)
    }

    func testLegacyCalls() throws {
        let outcome = try GuestRunner.runKernel(try kernel("legacy"), input: "L")
        XCTAssertEqual(outcome.reason, .passed, outcome.output)
        XCTAssertTrue(outcome.output.hasPrefix("legacy putchar\n"), outcome.output)
        XCTAssertTrue(outcome.output.contains("PASS sbi/legacy (legacy shutdown next)\n"), outcome.output)
        XCTAssertFalse(outcome.output.contains("FAIL"), outcome.output)
    }

    func testATrapInMModeIsReportedAndFails() throws {
        // An all-zero (illegal) instruction at 0x80000014, entry.S's fifth instruction,
        // before the hart has a stack.
        var image = PagodaFirmware.image
        for offset in 0x14..<0x18 { image[offset] = 0 }
        let outcome = try runWithoutDynamicInfo(try kernel("base"), firmware: image)
        XCTAssertEqual(outcome.reason, .failed(code: 1), outcome.output)
        XCTAssertEqual(outcome.output, "pagoda-sbi: panic: trap in M-mode mcause=0x0000000000000002 mepc=0x0000000080000014 mtval=0x0000000000000000\n")
    }

    func testTimer() throws { try pass("timer") }

    func testDebugConsole() throws {
        let outcome = try pass("dbcn", input: "abc")
        XCTAssertTrue(outcome.output.hasPrefix("dbcn console_write\nok   console_write succeeds\n"), outcome.output)
        XCTAssertTrue(outcome.output.contains("\nwrite_byte\nok   console_write_byte succeeds\n"), outcome.output)
    }

    func testDebugConsoleReadWithoutInputFails() throws {
        // Without console input the read check must fail: the check is real.
        let outcome = try GuestRunner.runKernel(try kernel("dbcn"))
        XCTAssertEqual(outcome.reason, .failed(code: 1), outcome.output)
        XCTAssertTrue(outcome.output.contains("FAIL console_read: three bytes"), outcome.output)
    }

    func testRAMExtentComesFromTheDeviceTree() throws {
        let outcome = try GuestRunner.runKernel(try kernel("ram_size")) { $0.memorySize = 256 << 20 }
        XCTAssertEqual(outcome.reason, .passed, outcome.output)
        XCTAssertTrue(outcome.output.contains("\nfrom high RAM\n"), outcome.output)
        XCTAssertFalse(outcome.output.contains("FAIL"), outcome.output)
        // With 128 MiB the same buffer is outside RAM.
        let small = try GuestRunner.runKernel(try kernel("ram_size"))
        XCTAssertEqual(small.reason, .failed(code: 1), small.output)
        XCTAssertTrue(small.output.hasPrefix("FAIL console_read into the top of RAM: got 0xfffffffffffffffd"), small.output)
    }

    func testPMPProtectsTheFirmwareAndUModeSeesCounters() throws { try pass("pmp") }

    func testSystemResetRebootsTwiceThenShutsDown() throws {
        let outcome = try pass("srst")
        XCTAssertTrue(outcome.output.contains("first boot: cold reboot\n"), outcome.output)
        XCTAssertTrue(outcome.output.contains("second boot: warm reboot\n"), outcome.output)
    }

    func testShutdownWithSystemFailureFails() throws {
        let outcome = try GuestRunner.runKernel(try kernel("srst_failure"))
        XCTAssertEqual(outcome.reason, .failed(code: 1), outcome.output)
        XCTAssertEqual(outcome.output, "shutting down with reason system failure\n")
    }

    func testHartStateManagementOnHeldHarts() throws {
        let outcome = try pass("hsm")
        // Held harts were released through the mailbox by hart 0, into the firmware.
        for hart in 1..<4 {
            let start = try XCTUnwrap(outcome.machine.hartStarts[hart], "hart \(hart)")
            XCTAssertEqual(start.how, .mailbox)
            XCTAssertEqual(start.byHart, 0)
            XCTAssertLessThan(start.address, PagodaFirmware.base + PagodaFirmware.reservedSize)
            XCTAssertGreaterThanOrEqual(start.address, PagodaFirmware.base)
        }
    }

    func testHartStateManagementWithAllHartsBooted() throws { try pass("boot_all") }

    func testIPI() throws { try pass("ipi") }

    func testSuspend() throws { try pass("suspend") }

    func testRemoteFences() throws {
        let outcome = try pass("rfence")
        XCTAssertTrue(outcome.output.contains("remote_sfence_vma_asid\n"), outcome.output)
    }
}
