import Foundation
import PagodaLoader
import XCTest

/// Mutated and truncated copies of a real guest ELF either load or throw a
/// `LoaderError`; none crashes the host.
final class ELFLoaderFuzzTests: XCTestCase {
    static let regions: [ClosedRange<UInt64>] = [0x8000_0000...0x87FF_FFFF, 0x1000...0xFFFF]

    func seed() throws -> [UInt8] {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let path = url.appendingPathComponent("guests/build/isa/smoke.elf").path
        guard let data = FileManager.default.contents(atPath: path) else { throw XCTSkip("guests not built") }
        return [UInt8](data)
    }

    func testRealGuestLoads() throws {
        let image = try ELFLoader.load(bytes: seed(), name: "smoke.elf", allowedRegions: Self.regions)
        XCTAssertEqual(image.entry, 0x8000_0000)
        XCTAssertFalse(image.segments.isEmpty)
        XCTAssertNotNil(image.symbol(named: "main"))
        XCTAssertEqual(image.symbol(containing: image.symbol(named: "main")!.value + 4)?.name, "main")
    }

    func testMutationsNeverCrash() throws {
        let original = try seed()
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        var loaded = 0, rejected = 0
        for round in 0..<3000 {
            var bytes = original
            if round % 5 == 0 {
                bytes = Array(bytes.prefix(Int(next() % UInt64(bytes.count))))
            } else {
                // Mostly flip bytes in the headers, where the structure is.
                for _ in 0..<(1 + next() % 8) {
                    let limit = next() % 4 == 0 ? bytes.count : min(bytes.count, 512)
                    bytes[Int(next() % UInt64(limit))] = UInt8(truncatingIfNeeded: next())
                }
            }
            do {
                _ = try ELFLoader.load(bytes: bytes, name: "fuzz.elf", allowedRegions: Self.regions)
                loaded += 1
            } catch is LoaderError {
                rejected += 1
            }
        }
        XCTAssertEqual(loaded + rejected, 3000)
        XCTAssertGreaterThan(rejected, 500)
    }
}
