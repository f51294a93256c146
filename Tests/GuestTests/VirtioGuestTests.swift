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
}
