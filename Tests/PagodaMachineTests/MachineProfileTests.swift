import Foundation
@testable import PagodaMachine
import XCTest

/// tools/machine-profile.json is the built-in default profile, written out: they agree,
/// and a profile read from a file is validated.
final class MachineProfileTests: XCTestCase {
    static let profilePath: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("tools/machine-profile.json").path
    }()

    func testShippedProfileIsTheDefault() throws {
        let loaded = try MachineProfile.load(path: Self.profilePath)
        XCTAssertEqual(loaded, MachineProfile.default)
    }

    func testInvalidProfilesAreRejected() throws {
        var p = MachineProfile.default
        p.l1d.lineBytes = 48
        XCTAssertNotNil(p.problem)
        p = MachineProfile.default
        p.l2.sizeBytes = 3 * 1024
        XCTAssertNotNil(p.problem)
        p = MachineProfile.default
        p.clockHz = 1000
        XCTAssertNotNil(p.problem)
        p = MachineProfile.default
        p.l1i.ways = Int.max   // must be rejected, not overflow
        XCTAssertNotNil(p.problem)
        let path = NSTemporaryDirectory() + "/pagoda-bad-profile.json"
        try Data("{\"clock_hz\": 5".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try MachineProfile.load(path: path))
    }

    func testCacheModelLRU() {
        let cache = CacheModel(MachineProfile.Cache(sizeBytes: 256, ways: 2, lineBytes: 64, hitCycles: 0))
        defer { cache.deallocate() }
        // Two sets of two ways: lines 0, 2, 4 map to set 0.
        XCTAssertFalse(cache.access(line: 0))
        XCTAssertFalse(cache.access(line: 2))
        XCTAssertTrue(cache.access(line: 0))   // 0 is now most recent
        XCTAssertFalse(cache.access(line: 4))  // evicts 2, the least recent
        XCTAssertTrue(cache.access(line: 0))
        XCTAssertFalse(cache.access(line: 2))
        XCTAssertEqual(cache.hits, 2)
        XCTAssertEqual(cache.misses, 4)
    }

    func testBranchPredictorLearns() {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 16)
        defer { table.deallocate() }
        let p = BranchPredictor(counters: table, entries: 16)
        XCTAssertFalse(p.update(pc: 0x100, taken: true))   // weakly not taken: wrong
        XCTAssertTrue(p.update(pc: 0x100, taken: true))    // now weakly taken
        XCTAssertTrue(p.update(pc: 0x100, taken: true))    // strongly taken
        XCTAssertTrue(p.update(pc: 0x100, taken: true))
        XCTAssertFalse(p.update(pc: 0x100, taken: false))  // strongly taken: wrong, now weakly
        XCTAssertFalse(p.update(pc: 0x100, taken: false))  // weakly taken: wrong
        XCTAssertTrue(p.update(pc: 0x100, taken: false))
        XCTAssertTrue(p.update(pc: 0x102, taken: false), "another counter")
    }
}
