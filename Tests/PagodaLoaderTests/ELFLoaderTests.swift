import Foundation
import PagodaLoader
import XCTest

/// Executables that load: their segments, entry point and symbols.
final class ELFLoaderTests: XCTestCase {
    static let ram: ClosedRange<UInt64> = 0x8000_0000...0x87FF_FFFF
    static let rom: ClosedRange<UInt64> = 0x1000...0x1FFF
    static let regions = [ram, rom]

    func load(_ writer: TestELFWriter) throws -> ELFImage {
        try ELFLoader.load(bytes: writer.bytes, name: "test.elf", allowedRegions: Self.regions)
    }

    func testSegmentsAndEntry() throws {
        var writer = TestELFWriter()
        writer.entry = 0x8000_0004
        writer.segments = [
            .init(at: 0x8000_0000, virtualAddress: 0xFFFF_FFFF_8000_0000, contents: TestELFWriter.program, flags: 5),
            .init(at: 0x8000_1000, contents: [1, 2, 3], memorySize: 0x100, flags: 6),
            .init(at: 0x8000_2000, contents: [], memorySize: 0x40, flags: 6),
            .init(at: 0x1000, contents: [0xAA, 0xBB], flags: 4),
        ]
        let image = try load(writer)
        XCTAssertEqual(image.entry, 0x8000_0004)
        XCTAssertEqual(image.segments, [
            LoadableSegment(physicalAddress: 0x8000_0000, virtualAddress: 0xFFFF_FFFF_8000_0000,
                            data: TestELFWriter.program, memorySize: 20, flags: 5),
            LoadableSegment(physicalAddress: 0x8000_1000, virtualAddress: 0x8000_1000, data: [1, 2, 3], memorySize: 0x100, flags: 6),
            LoadableSegment(physicalAddress: 0x8000_2000, virtualAddress: 0x8000_2000, data: [], memorySize: 0x40, flags: 6),
            LoadableSegment(physicalAddress: 0x1000, virtualAddress: 0x1000, data: [0xAA, 0xBB], memorySize: 2, flags: 4),
        ])
        XCTAssertTrue(image.segments[0].isExecutable && image.segments[0].isReadable && !image.segments[0].isWritable)
        XCTAssertTrue(image.segments[1].isWritable)
        XCTAssertEqual(image.segment(containing: 0x8000_10FF)?.physicalAddress, 0x8000_1000)
        XCTAssertNil(image.segment(containing: 0x8000_1100))
    }

    func testSegmentsMayTouchAndFillARegion() throws {
        var writer = TestELFWriter()
        writer.segments = [
            .init(at: 0x8000_0000, contents: [1], memorySize: 0x10),
            .init(at: 0x8000_0010, contents: [2], memorySize: 0x10),
            .init(at: 0x87FF_FFF0, contents: [], memorySize: 0x10),
            .init(at: 0x1000, contents: [], memorySize: 0x1000),
        ]
        XCTAssertEqual(try load(writer).segments.count, 4)
    }

    func testOtherProgramHeadersAndEmptyLoadsAreLeftOut() throws {
        var writer = TestELFWriter()
        writer.segments = [
            .init(type: 4, at: 0, contents: [1, 2, 3, 4]),  // PT_NOTE, outside memory: ignored
            .init(type: 0x6474_E551, at: 0, contents: []),  // PT_GNU_STACK
            .init(at: 0x8000_0000, contents: TestELFWriter.program),
            .init(at: 0x4000_0000, contents: [], memorySize: 0),  // occupies nothing
        ]
        let image = try load(writer)
        XCTAssertEqual(image.segments.map(\.physicalAddress), [0x8000_0000])
    }

    func testSymbolsKeptAndLeftOut() throws {
        var writer = TestELFWriter()
        writer.segments = [
            .init(at: 0x8000_0000, contents: [UInt8](repeating: 0x13, count: 0x100)),
            .init(at: 0x8000_1000, contents: [], memorySize: 0x100, flags: 6),
        ]
        writer.symbols = [
            .init(name: "main", value: 0x8000_0040, size: 0x20),
            .init(name: "_start", value: 0x8000_0000, type: TestELFWriter.notype),
            .init(name: "helper", value: 0x8000_0080, size: 8, isGlobal: false),
            .init(name: "tohost", value: 0x8000_1000, size: 8, type: TestELFWriter.object, place: .segment(1)),
            .init(name: "fromhost", value: 0x8000_1040, size: 8, type: TestELFWriter.object, place: .segment(1)),
            .init(name: "__stack_size", value: 0x4000, type: TestELFWriter.notype, place: .absolute),
            .init(name: "", value: 0x8000_0010),
            .init(name: "printf", value: 0, place: .undefined),
            .init(name: ".L0 ", value: 0x8000_0004, type: TestELFWriter.notype, isGlobal: false),
            .init(name: "$x", value: 0x8000_0000, type: TestELFWriter.notype, isGlobal: false),
            .init(name: "$xrv64i2p1_m2p0", value: 0x8000_0000, type: TestELFWriter.notype, isGlobal: false),
            .init(name: "$d", value: 0x8000_0090, type: TestELFWriter.notype, isGlobal: false),
            .init(name: "debug_label", value: 0x10, type: TestELFWriter.notype, place: .debugInfo),
            .init(name: "section", value: 0x8000_0000, type: TestELFWriter.section, isGlobal: false),
            .init(name: "other.c", value: 0, type: TestELFWriter.file, isGlobal: false, place: .absolute),
            .init(name: "reserved", value: 0x8000_0000, place: .sectionIndex(0xFF00)),
        ]
        let image = try load(writer)
        XCTAssertEqual(image.symbols.map(\.name), ["__stack_size", "_start", "main", "helper", "tohost", "fromhost"])
        XCTAssertEqual(image.symbol(named: "main"), ELFSymbol(name: "main", value: 0x8000_0040, size: 0x20, isFunction: true))
        XCTAssertEqual(image.symbol(named: "helper")?.isGlobal, false)
        XCTAssertEqual(image.symbol(named: "tohost"),
                       ELFSymbol(name: "tohost", value: 0x8000_1000, size: 8, isFunction: false))
        XCTAssertEqual(image.symbol(named: "fromhost")?.value, 0x8000_1040)
        XCTAssertEqual(image.symbol(named: "_start")?.isFunction, false)
        XCTAssertNil(image.symbol(named: "printf"))
        XCTAssertNil(image.symbol(named: "debug_label"))
        XCTAssertNil(image.symbol(named: "nothing"))
    }

    func testGlobalSymbolWinsOverLocalsOfTheSameName() throws {
        var writer = TestELFWriter()
        writer.symbols = [
            .init(name: "tick", value: 0x8000_0000, isGlobal: false),
            .init(name: "tick", value: 0x8000_0008, isGlobal: true),
            .init(name: "tock", value: 0x8000_0004, isGlobal: false),
        ]
        let image = try load(writer)
        XCTAssertEqual(image.symbol(named: "tick")?.value, 0x8000_0008)
        XCTAssertEqual(image.symbol(named: "tock")?.value, 0x8000_0004)
    }

    func testSymbolContainingAnAddress() {
        let image = ELFImage(entry: 0x8000_0000, segments: [], symbols: [
            ELFSymbol(name: "data", value: 0x8000_0200, size: 16, isFunction: false),
            ELFSymbol(name: "main", value: 0x8000_0100, size: 0x40, isFunction: true),
            ELFSymbol(name: "loop", value: 0x8000_0110, size: 0, isFunction: false),
            ELFSymbol(name: "_start", value: 0x8000_0000, size: 0, isFunction: false),
            ELFSymbol(name: "entry_alias", value: 0x8000_0100, size: 0, isFunction: false),
        ])
        XCTAssertEqual(image.symbols.map(\.value), image.symbols.map(\.value).sorted())
        XCTAssertNil(image.symbol(containing: 0xFFF))
        XCTAssertEqual(image.symbol(containing: 0x8000_0000)?.name, "_start")
        XCTAssertEqual(image.symbol(containing: 0x8000_0080)?.name, "_start")
        // A function and a label at the same address: the function.
        XCTAssertEqual(image.symbol(containing: 0x8000_0100)?.name, "main")
        // A label inside a function: the function that covers it.
        XCTAssertEqual(image.symbol(containing: 0x8000_0114)?.name, "main")
        XCTAssertEqual(image.symbol(containing: 0x8000_013F)?.name, "main")
        // Past the function's end: the nearest symbol below.
        XCTAssertEqual(image.symbol(containing: 0x8000_0140)?.name, "loop")
        XCTAssertEqual(image.symbol(containing: 0x8000_0208)?.name, "data")
        XCTAssertEqual(image.symbol(containing: .max)?.name, "data")
    }

    func testStrippedFileHasNoSymbols() throws {
        var writer = TestELFWriter()
        writer.symbols = nil
        let image = try load(writer)
        XCTAssertEqual(image.symbols, [])
        XCTAssertEqual(image.segments.first?.data, TestELFWriter.program)
    }

    func testLoadFromPath() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pagoda-loader-\(UUID().uuidString).elf")
        try Data(TestELFWriter().bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let image = try ELFLoader.load(path: url.path, allowedRegions: Self.regions)
        XCTAssertEqual(image.segments.first?.data, TestELFWriter.program)

        let link = url.deletingPathExtension().appendingPathExtension("link.elf")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: url)
        defer { try? FileManager.default.removeItem(at: link) }
        XCTAssertEqual(try ELFLoader.load(path: link.path, allowedRegions: Self.regions).segments, image.segments)
    }

    func testRealGuestLoads() throws {
        let path = Self.repositoryRoot.appendingPathComponent("guests/build/isa/smoke.elf").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("guests/build/isa/smoke.elf not built (make -C guests)")
        }
        let image = try ELFLoader.load(path: path, allowedRegions: Self.regions)
        XCTAssertEqual(image.entry, 0x8000_0000)
        let text = try XCTUnwrap(image.segment(containing: 0x8000_0000))
        XCTAssertTrue(text.isExecutable)
        XCTAssertEqual(text.physicalAddress, 0x8000_0000)
        for segment in image.segments {
            XCTAssertTrue(Self.ram.contains(segment.physicalRange.lowerBound) && Self.ram.contains(segment.physicalRange.upperBound))
        }
        XCTAssertEqual(image.symbol(named: "_start")?.value, 0x8000_0000)
        let main = try XCTUnwrap(image.symbol(named: "main"))
        XCTAssertTrue(main.isFunction)
        XCTAssertEqual(image.symbol(containing: main.value + 2)?.name, "main")
        XCTAssertNotNil(image.symbol(named: "guest_failures"))
        XCTAssertFalse(image.symbols.contains { $0.name.hasPrefix(".L") || $0.name.hasPrefix("$") })
        XCTAssertEqual(image.symbols.map(\.value), image.symbols.map(\.value).sorted())
    }

    static var repositoryRoot: URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }
}
