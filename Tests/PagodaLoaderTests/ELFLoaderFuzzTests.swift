import Foundation
import PagodaLoader
import XCTest

/// Garbage and mutated executables either load or give a `LoaderError`; none crashes the
/// host. The random streams have fixed seeds, so a failure repeats.
final class ELFLoaderFuzzTests: XCTestCase {
    /// xorshift64: small, fast and reproducible.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
    }

    /// Loads `bytes`; the outcome, as the counts of loaded and refused inputs.
    func attempt(_ bytes: [UInt8], _ loaded: inout Int, _ refused: inout Int) {
        do {
            let image = try ELFLoader.load(bytes: bytes, name: "fuzz.elf", allowedRegions: ELFLoaderTests.regions)
            for segment in image.segments {
                XCTAssertLessThanOrEqual(UInt64(segment.data.count), segment.memorySize)
                XCTAssertTrue(ELFLoaderTests.regions.contains { $0.contains(segment.physicalAddress) && $0.contains(segment.physicalRange.upperBound) })
            }
            loaded += 1
        } catch let error as LoaderError {
            XCTAssertTrue(error.message.hasPrefix("fuzz.elf: ") && !error.message.contains("\n"), error.message)
            refused += 1
        } catch {
            XCTFail("\(error) is not a LoaderError")
        }
    }

    /// Thousands of copies of `original` with bytes changed (mostly in the headers and
    /// tables, where the structure is) or the end cut off.
    func mutate(_ original: [UInt8], seed: UInt64, rounds: Int) -> (loaded: Int, refused: Int) {
        var random = Random(state: seed)
        var loaded = 0, refused = 0
        for round in 0..<rounds {
            var bytes = original
            if round % 5 == 0 {
                bytes = Array(bytes.prefix(random.below(bytes.count)))
            } else {
                for _ in 0..<(1 + random.below(8)) {
                    let limit = random.below(4) == 0 ? bytes.count : min(bytes.count, 512)
                    let offset = random.below(limit)
                    switch random.below(3) {
                    case 0: bytes[offset] = random.byte()
                    case 1: bytes[offset] ^= 1 << UInt8(random.below(8))
                    default: bytes[offset] = [0, 0xFF, 0x7F, 0x80][random.below(4)]
                    }
                }
            }
            attempt(bytes, &loaded, &refused)
        }
        return (loaded, refused)
    }

    func testMutatedWrittenExecutables() {
        var writer = TestELFWriter()
        writer.segments.append(.init(at: 0x8000_1000, contents: [1, 2, 3, 4], memorySize: 0x40, flags: 6))
        writer.symbols = [
            .init(name: "main", value: 0x8000_0000, size: 20),
            .init(name: "tohost", value: 0x8000_1000, size: 8, type: TestELFWriter.object, place: .segment(1)),
            .init(name: "local", value: 0x8000_0008, isGlobal: false),
        ]
        let outcome = mutate(writer.bytes, seed: 0x2545_F491_4F6C_DD1D, rounds: 4000)
        XCTAssertEqual(outcome.loaded + outcome.refused, 4000)
        XCTAssertGreaterThan(outcome.loaded, 100)
        XCTAssertGreaterThan(outcome.refused, 1000)
    }

    func testMutatedRealGuest() throws {
        let path = ELFLoaderTests.repositoryRoot.appendingPathComponent("guests/build/isa/smoke.elf").path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw XCTSkip("guests/build/isa/smoke.elf not built (make -C guests)")
        }
        let outcome = mutate([UInt8](data), seed: 0x9E37_79B9_7F4A_7C15, rounds: 3000)
        XCTAssertEqual(outcome.loaded + outcome.refused, 3000)
        XCTAssertGreaterThan(outcome.refused, 500)
    }

    func testRandomGarbage() {
        var random = Random(state: 0xD1B5_4A32_D192_ED03)
        var loaded = 0, refused = 0
        let lengths = Array(0..<130) + [255, 256, 1000, 4096, 65536]
        for length in lengths {
            for _ in 0..<4 {
                let garbage = (0..<length).map { _ in random.byte() }
                attempt(garbage, &loaded, &refused)
                // The same garbage behind a valid identification, so libelf gets to see it.
                var identified = garbage
                let identification: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1]
                identified.replaceSubrange(0..<min(length, identification.count), with: identification.prefix(length))
                attempt(identified, &loaded, &refused)
            }
        }
        XCTAssertEqual(loaded, 0)
        XCTAssertEqual(refused, lengths.count * 8)
    }

    /// Valid headers pointing at random places: offsets, counts and sizes near the edges.
    func testHostileHeaderFields() {
        let (valid, layout) = TestELFWriter().write()
        let edges: [UInt64] = [0, 1, 63, 64, UInt64(valid.count - 1), UInt64(valid.count), UInt64(valid.count + 1),
                               0x7FFF_FFFF, 0xFFFF_FFFF, 1 << 62, .max - 63, .max - 1, .max]
        var fields: [(offset: Int, width: Int)] = [
            (ELFField.programHeaderOffset, 8), (ELFField.sectionHeaderOffset, 8), (ELFField.programHeaderCount, 2),
            (ELFField.sectionHeaderCount, 2), (ELFField.programHeaderEntrySize, 2), (ELFField.sectionHeaderEntrySize, 2),
            (62, 2),  // e_shstrndx
        ]
        for field in [ProgramHeaderField.offset, ProgramHeaderField.physicalAddress, ProgramHeaderField.fileSize, ProgramHeaderField.memorySize] {
            fields.append((ProgramHeaderField.of(0) + field, 8))
        }
        for section in 0..<layout.sectionCount {
            let header = layout.sectionHeader(section)
            fields += [(header + SectionHeaderField.type, 4), (header + SectionHeaderField.offset, 8), (header + SectionHeaderField.size, 8),
                       (header + SectionHeaderField.link, 4), (header + SectionHeaderField.entrySize, 8)]
        }
        var loaded = 0, refused = 0
        for field in fields {
            for edge in edges {
                var bytes = valid
                for i in 0..<field.width { bytes[field.offset + i] = UInt8(truncatingIfNeeded: edge >> (8 * UInt64(i))) }
                attempt(bytes, &loaded, &refused)
            }
        }
        XCTAssertEqual(loaded + refused, fields.count * edges.count)
    }
}
