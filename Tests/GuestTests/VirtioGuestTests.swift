import Foundation
import PagodaDevices
import PagodaMachine
import XCTest

/// The virtio guests (guests/virtio): bare-metal drivers of our own exercising the
/// virtio-mmio transport, virtio-blk and virtio-rng, with the files behind the drives
/// checked afterwards.
final class VirtioGuestTests: XCTestCase {
    private func guest(_ name: String) throws -> URL {
        let url = GuestRunner.buildDirectory.appendingPathComponent("virtio/\(name).elf")
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("guests not built: run `make -C guests` first") }
        return url
    }

    @discardableResult
    private func runPassing(_ name: String, configure: (inout MachineConfiguration) -> Void = { _ in }) throws -> GuestRunner.Outcome {
        let outcome = try GuestRunner.run(try guest(name), configure: configure)
        XCTAssertEqual(outcome.reason, .passed, "\(name) output:\n\(outcome.output)")
        XCTAssertFalse(outcome.output.contains("FAIL"), "\(name):\n\(outcome.output)")
        return outcome
    }

    private func contents(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    func testProbe() throws {
        let outcome = try runPassing("probe")
        XCTAssertEqual(outcome.deviceMessages, [])
    }

    func testReadWriteFlushAndID() throws {
        let outcome = try runPassing("blk_rw")
        XCTAssertEqual(outcome.deviceMessages, [])
        let disk = try contents(try XCTUnwrap(outcome.disks.first))
        var want = GuestDevices.patternImage()
        for i in 0..<1024 { want[5 * 512 + i] = UInt8(truncatingIfNeeded: 0xC0 ^ i) }
        XCTAssertEqual(disk.count, want.count)
        XCTAssertTrue(disk == want, "the file holds the pattern with sectors 5-6 rewritten")
    }

    func testIndirectDescriptors() throws {
        let outcome = try runPassing("blk_indirect")
        XCTAssertEqual(outcome.deviceMessages, [])
        let disk = try contents(try XCTUnwrap(outcome.disks.first))
        XCTAssertEqual(Array(disk[(9 * 512)..<(10 * 512)]), (0..<512).map { UInt8(truncatingIfNeeded: $0 * 3 + 1) })
    }

    /// Device latencies are modelled time: two runs give the same statistics (mtime
    /// included), and requests take the documented time (a one-sector read costs
    /// `requestLatency + sectorLatency` ticks).
    func testDeviceTimeIsDeterministic() throws {
        let first = try runPassing("blk_interrupt")
        let second = try runPassing("blk_interrupt")
        let a = try StatisticsReport(machine: first.machine).json()
        let b = try StatisticsReport(machine: second.machine).json()
        XCTAssertEqual(String(decoding: a, as: UTF8.self), String(decoding: b, as: UTF8.self))
        let mtime = first.machine.mtime
        XCTAssertGreaterThanOrEqual(mtime, 2 * (VirtioBlock.requestLatency + 2 * VirtioBlock.sectorLatency),
                                    "two 1 KiB reads waited for")
    }

    /// DMA into a reserved granule breaks the LR reservation (Machine.writePhysical).
    func testDMABreaksReservations() throws {
        try runPassing("blk_dma_reservation")
    }

    func testEventIndexSuppressesInterrupts() throws {
        try runPassing("blk_event_idx")
    }

    func testCompletionInterruptsInMachineAndSupervisorMode() throws {
        try runPassing("blk_interrupt")
    }

    func testReadOnlyDriveRefusesWrites() throws {
        let outcome = try runPassing("blk_readonly")
        XCTAssertEqual(try contents(try XCTUnwrap(outcome.disks.first)), GuestDevices.patternImage())
    }

    func testSnapshotLeavesTheFileUntouched() throws {
        let outcome = try runPassing("blk_snapshot")
        XCTAssertEqual(try contents(try XCTUnwrap(outcome.disks.first)), GuestDevices.patternImage())
        XCTAssertEqual(outcome.machine.blockDevices.first?.disk.overlaySectors, 2)
    }

    /// Every break of the virtqueue rules gives DEVICE_NEEDS_RESET and exactly one line,
    /// and the guest carries on (it passes: the device worked again after each reset).
    func testMalformedRingsNeedAReset() throws {
        let outcome = try runPassing("blk_malformed")
        let expected = [
            "descriptor buffer 0x40000000 (512 bytes) is not in RAM",
            "descriptor buffer 0x10000000 (512 bytes) is not in RAM",
            "descriptor buffer 0xffffffffffffff00 (512 bytes) is not in RAM",
            "descriptor chain loops back to descriptor 0",
            "descriptor chain is longer than the queue size (8)",
            "wrong buffer direction: device-readable data buffers for a request the device writes",
            "wrong buffer direction: device-writable data buffers for a write",
            "a device-readable descriptor follows a device-writable one",
            "wrong buffer direction: no device-writable byte for the status",
            "malformed request: 8 device-readable bytes, the header needs 16",
            "bad indirect descriptor: table length 24 is not a positive multiple of 16",
            "bad indirect descriptor: INDIRECT inside an indirect table",
            "bad indirect descriptor: INDIRECT together with NEXT",
            "bad indirect descriptor: INDIRECT without VIRTIO_F_INDIRECT_DESC",
            "descriptor index 200 is out of range",
            "available index jumped from 0 to 101",
            "queue size 6 is not a power of two within the maximum",
            "queue size 512 is not a power of two within the maximum",
            "descriptor table at 0x40000000 is not in RAM or misaligned",
            "used ring at",
        ]
        XCTAssertEqual(outcome.deviceMessages.count, expected.count, outcome.deviceMessages.joined(separator: "\n"))
        for (message, want) in zip(outcome.deviceMessages, expected) {
            XCTAssertTrue(message.hasPrefix("virtio-blk@0x10001000: \(want)"), message)
            XCTAssertTrue(message.hasSuffix("; the device needs a reset"), message)
        }
        XCTAssertEqual(try contents(try XCTUnwrap(outcome.disks.first)), GuestDevices.patternImage())
    }

    /// The default seed gives the same bytes on every run, and they are splitmix64's.
    func testEntropyIsDeterministicWithTheDefaultSeed() throws {
        let first = try runPassing("rng")
        let second = try runPassing("rng")
        XCTAssertEqual(first.output, second.output)
        var generator = SplitMix64(seed: EntropySource.defaultSeed)
        let hex = generator.bytes(64).map { String(format: "%02x", $0) }.joined()
        let lines = first.output.split(separator: "\n").filter { $0.hasPrefix("bytes ") }.map { $0.dropFirst(6) }
        XCTAssertEqual(lines.joined(), hex)
        let other = try runPassing("rng") { $0.rng = .seeded(1) }
        XCTAssertNotEqual(other.output, first.output)
        let host = try runPassing("rng") { $0.rng = .host }
        XCTAssertNotEqual(host.output, first.output)
    }

    /// Without the entropy device and with a drive, the block device is alone in slot 0.
    func testNoEntropyDevice() throws {
        let outcome = try GuestRunner.run(try guest("rng")) { $0.rng = nil }
        XCTAssertEqual(outcome.reason, .failed(code: 1))
        XCTAssertTrue(outcome.output.contains("FAIL entropy device in slot 0"))
        XCTAssertTrue(outcome.machine.virtio.allSatisfy { $0.device == nil })
    }
}
