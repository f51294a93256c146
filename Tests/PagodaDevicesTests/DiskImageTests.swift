import XCTest
@testable import PagodaDevices

/// Disk images: positioned reads and writes, the snapshot overlay, read-only images,
/// sizes that are not whole sectors, and files that cannot be opened.
final class DiskImageTests: XCTestCase {
    private func file(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pagoda-disk-\(UUID().uuidString).img")
        try Data(bytes).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    private func read(_ disk: DiskImage, _ offset: UInt64, _ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        let ok = bytes.withUnsafeMutableBytes { disk.read(offset: offset, into: $0) }
        return ok ? bytes : nil
    }

    private func write(_ disk: DiskImage, _ offset: UInt64, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { disk.write(offset: offset, from: $0) }
    }

    func testWritesGoToTheFileInPlace() throws {
        let url = try file([UInt8](repeating: 1, count: 2048))
        let disk = try DiskImage.open(DriveConfiguration(path: url.path))
        XCTAssertEqual(disk.capacity, 4)
        XCTAssertTrue(write(disk, 700, [9, 9, 9]))
        XCTAssertTrue(disk.flush())
        let bytes = [UInt8](try Data(contentsOf: url))
        XCTAssertEqual(Array(bytes[699...703]), [1, 9, 9, 9, 1])
        XCTAssertEqual(read(disk, 698, 6), [1, 1, 9, 9, 9, 1])
        XCTAssertNil(read(disk, 2000, 100), "past the capacity")
        XCTAssertFalse(write(disk, 2048, [1]))
    }

    func testSnapshotKeepsWritesInMemory() throws {
        let original = (0..<2048).map { UInt8(truncatingIfNeeded: $0) }
        let url = try file(original)
        let disk = try DiskImage.open(DriveConfiguration(path: url.path, snapshot: true))
        XCTAssertTrue(write(disk, 510, [0xAA, 0xBB, 0xCC, 0xDD]))
        XCTAssertEqual(disk.overlaySectors, 2)
        XCTAssertEqual(read(disk, 508, 8), [252, 253, 0xAA, 0xBB, 0xCC, 0xDD, 2, 3])
        XCTAssertTrue(disk.flush())
        XCTAssertEqual([UInt8](try Data(contentsOf: url)), original)
    }

    func testReadOnlyImageRefusesWrites() throws {
        let url = try file([UInt8](repeating: 7, count: 512))
        let disk = try DiskImage.open(DriveConfiguration(path: url.path, readOnly: true))
        XCTAssertFalse(write(disk, 0, [1]))
        XCTAssertEqual(read(disk, 0, 2), [7, 7])
    }

    func testCapacityRoundsDown() throws {
        let disk = try DiskImage.open(DriveConfiguration(path: try file([UInt8](repeating: 0, count: 1300)).path))
        XCTAssertEqual(disk.capacity, 2)
        XCTAssertEqual(disk.unusedTailBytes, 276)
        XCTAssertNil(read(disk, 1024, 1), "the tail is not part of the disk")
    }

    func testOpenErrors() {
        XCTAssertThrowsError(try DiskImage.open(DriveConfiguration(path: "/nonexistent/x.img"))) {
            XCTAssertEqual(($0 as? DiskImageError)?.description, "/nonexistent/x.img: cannot open for reading and writing (No such file or directory)")
        }
        let dir = FileManager.default.temporaryDirectory.path
        XCTAssertThrowsError(try DiskImage.open(DriveConfiguration(path: dir, readOnly: true))) {
            XCTAssertEqual(($0 as? DiskImageError)?.reason, "not a regular file")
        }
    }

    /// splitmix64's reference output for seed 0 (Vigna's splitmix64.c), and the byte order.
    func testSplitMix64() {
        var g = SplitMix64(seed: 0)
        XCTAssertEqual(g.next(), 0xE220_A839_7B1D_CDAF)
        var h = SplitMix64(seed: 0)
        XCTAssertEqual(h.bytes(3), [0xAF, 0xCD, 0x1D])
        XCTAssertEqual(h.bytes(1).count, 1)
    }
}
