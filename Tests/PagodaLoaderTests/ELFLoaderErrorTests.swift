import Foundation
import PagodaLoader
import XCTest

/// Every way an executable is refused: each gives its own `LoaderError.Kind` and a
/// one-line message that starts with the file's name.
final class ELFLoaderErrorTests: XCTestCase {
    typealias Kind = LoaderError.Kind

    /// A refused input: what the message must mention, and the kind.
    struct Case {
        let label: String
        let bytes: [UInt8]
        let kind: Kind
        let phrase: String
    }

    static let valid = TestELFWriter().write()

    /// The valid file with `edit` applied.
    static func edited(_ edit: (inout [UInt8], TestELFWriter.Layout) -> Void) -> [UInt8] {
        var bytes = valid.bytes
        edit(&bytes, valid.layout)
        return bytes
    }

    static func written(_ change: (inout TestELFWriter) -> Void) -> [UInt8] {
        var writer = TestELFWriter()
        change(&writer)
        return writer.bytes
    }

    static let cases: [Case] = {
        let layout = valid.layout
        let symbolTable = layout.sectionHeader(layout.symbolTableSection)
        let firstSegment = ProgramHeaderField.of(0)
        return [
            // Not ELF.
            Case(label: "empty", bytes: [], kind: .notELF, phrase: "not an ELF file"),
            Case(label: "text", bytes: Array("hello, world\n".utf8), kind: .notELF, phrase: "not an ELF file (bad magic number)"),
            Case(label: "three bytes of the magic", bytes: [0x7F, 0x45, 0x4C], kind: .notELF, phrase: "not an ELF file"),
            Case(label: "wrong magic", bytes: edited { b, _ in b[1] = 0x65 }, kind: .notELF, phrase: "bad magic number"),
            Case(label: "archive", bytes: Array("!<arch>\n".utf8) + [UInt8](repeating: 0, count: 80), kind: .notELF, phrase: "not an ELF file"),
            // Identification and header.
            Case(label: "truncated after 10 bytes", bytes: Array(valid.bytes.prefix(10)), kind: .truncated,
                 phrase: "truncated ELF header (10 of 64 bytes)"),
            Case(label: "truncated after 40 bytes", bytes: Array(valid.bytes.prefix(40)), kind: .truncated, phrase: "truncated ELF header"),
            Case(label: "truncated after 63 bytes", bytes: Array(valid.bytes.prefix(63)), kind: .truncated, phrase: "truncated ELF header"),
            Case(label: "ELFCLASS32", bytes: written { $0.elfClass = 1 }, kind: .wrongClass, phrase: "not a 64-bit ELF file (ELFCLASS32)"),
            Case(label: "ELFCLASSNONE", bytes: written { $0.elfClass = 0 }, kind: .wrongClass, phrase: "invalid class 0"),
            Case(label: "big-endian", bytes: written { $0.encoding = 2 }, kind: .wrongEndianness, phrase: "not a little-endian ELF file"),
            Case(label: "ELFDATANONE", bytes: written { $0.encoding = 0 }, kind: .wrongEndianness, phrase: "invalid data encoding 0"),
            Case(label: "version 0", bytes: written { $0.version = 0 }, kind: .malformedHeader, phrase: "unsupported ELF version 0"),
            Case(label: "EM_X86_64", bytes: written { $0.machine = 62 }, kind: .wrongMachine, phrase: "not a RISC-V executable (e_machine 62"),
            Case(label: "ET_DYN", bytes: written { $0.type = 3 }, kind: .notExecutable, phrase: "not an executable (e_type ET_DYN"),
            Case(label: "ET_REL", bytes: written { $0.type = 1 }, kind: .notExecutable, phrase: "only ET_EXEC is loaded"),
            Case(label: "ET_CORE", bytes: written { $0.type = 4 }, kind: .notExecutable, phrase: "ET_CORE"),
            Case(label: "program header entry size", bytes: edited { b, _ in b.patch(UInt16(32), at: ELFField.programHeaderEntrySize) },
                 kind: .malformedHeader, phrase: "program header entries are 32 bytes, expected 56"),
            Case(label: "section header entry size", bytes: edited { b, _ in b.patch(UInt16(40), at: ELFField.sectionHeaderEntrySize) },
                 kind: .malformedHeader, phrase: "section header entries are 40 bytes, expected 64"),
            // Truncation.
            Case(label: "segment beyond the file", bytes: written { $0.symbols = nil; $0.segments[0].contents += [0x13] }.dropLast(2).map { $0 },
                 kind: .truncated, phrase: "segment 0 (21 bytes at offset 0x78) extends past the end of the file"),
            Case(label: "segment offset beyond the file", bytes: edited { b, _ in b.patch(UInt64(1 << 40), at: firstSegment + ProgramHeaderField.offset) },
                 kind: .truncated, phrase: "segment 0"),
            Case(label: "segment offset + size wraps", bytes: edited { b, _ in b.patch(UInt64.max - 4, at: firstSegment + ProgramHeaderField.offset) },
                 kind: .truncated, phrase: "past the end of the file"),
            Case(label: "program header table beyond the file", bytes: edited { b, _ in b.patch(UInt64(b.count - 20), at: ELFField.programHeaderOffset) },
                 kind: .truncated, phrase: "program header table (1 entry of 56 bytes at offset"),
            Case(label: "program header offset wraps", bytes: edited { b, _ in b.patch(UInt64.max - 8, at: ELFField.programHeaderOffset) },
                 kind: .truncated, phrase: "program header table"),
            Case(label: "section header table cut short", bytes: Array(valid.bytes.dropLast(10)), kind: .truncated,
                 phrase: "section header table (\(layout.sectionCount) entries of 64 bytes at offset"),
            Case(label: "section header table beyond the file", bytes: edited { b, _ in b.patch(UInt64(1 << 32), at: ELFField.sectionHeaderOffset) },
                 kind: .truncated, phrase: "section header table"),
            Case(label: "section header count too large", bytes: edited { b, _ in b.patch(UInt16(0xFEFF), at: ELFField.sectionHeaderCount) },
                 kind: .truncated, phrase: "section header table (65279 entries"),
            Case(label: "section beyond the file", bytes: edited { b, _ in b.patch(UInt64(b.count), at: symbolTable + SectionHeaderField.offset) },
                 kind: .truncated, phrase: "section \(layout.symbolTableSection) ("),
            Case(label: "section size too large", bytes: edited { b, _ in b.patch(UInt64.max, at: symbolTable + SectionHeaderField.size) },
                 kind: .truncated, phrase: "extends past the end of the file"),
            // Segments.
            Case(label: "filesz > memsz", bytes: written { $0.segments[0].memorySize = 8 }, kind: .fileSizeExceedsMemorySize,
                 phrase: "segment 0 has more file bytes (20) than memory bytes (8)"),
            Case(label: "filesz > memsz = 0", bytes: written { $0.segments[0].memorySize = 0 }, kind: .fileSizeExceedsMemorySize,
                 phrase: "more file bytes"),
            Case(label: "segment outside RAM", bytes: written { $0.segments[0].physicalAddress = 0x4000_0000 }, kind: .segmentOutsideMemory,
                 phrase: "segment 0 at 0x40000000-0x40000013 lies outside RAM and ROM (0x80000000-0x87ffffff, 0x1000-0x1fff)"),
            Case(label: "segment past the end of RAM", bytes: written { $0.segments[0].physicalAddress = 0x87FF_FFF0 }, kind: .segmentOutsideMemory,
                 phrase: "outside RAM and ROM"),
            Case(label: "bss past the end of RAM", bytes: written { $0.segments = [.init(at: 0x87FF_0000, contents: [], memorySize: 0x10001)] },
                 kind: .segmentOutsideMemory, phrase: "0x87ff0000-0x88000000"),
            Case(label: "segment straddling ROM and the next device", bytes: written { $0.segments = [.init(at: 0x1FF0, contents: [1], memorySize: 0x20)] },
                 kind: .segmentOutsideMemory, phrase: "outside RAM and ROM"),
            Case(label: "segment wrapping the address space",
                 bytes: written { $0.segments = [.init(at: 0xFFFF_FFFF_FFFF_FFF0, contents: [], memorySize: 0x20)] },
                 kind: .segmentOutsideMemory, phrase: "segment 0 at 0xfffffffffffffff0 (32 bytes) wraps past the end of the address space, outside RAM and ROM"),
            Case(label: "overlapping segments",
                 bytes: written { $0.segments = [.init(at: 0x8000_0000, contents: [1, 2], memorySize: 64), .init(at: 0x8000_0020, contents: [3], memorySize: 64)] },
                 kind: .overlappingSegments, phrase: "segments at 0x80000000-0x8000003f and 0x80000020-0x8000005f overlap"),
            Case(label: "segment inside another",
                 bytes: written { $0.segments = [.init(at: 0x8000_1000, contents: [1]), .init(at: 0x8000_0000, contents: [], memorySize: 0x2000)] },
                 kind: .overlappingSegments, phrase: "overlap"),
            Case(label: "no program headers", bytes: written { $0.segments = [] }, kind: .noLoadableSegments, phrase: "no loadable segments"),
            Case(label: "no PT_LOAD", bytes: written { $0.segments = [.init(type: 4, at: 0, contents: [1, 2, 3, 4])] },
                 kind: .noLoadableSegments, phrase: "no loadable segments (PT_LOAD)"),
            Case(label: "only empty PT_LOAD", bytes: written { $0.segments = [.init(at: 0x8000_0000, contents: [], memorySize: 0)] },
                 kind: .noLoadableSegments, phrase: "no loadable segments"),
            // Symbols.
            Case(label: "symbol entry size", bytes: edited { b, _ in b.patch(UInt64(16), at: symbolTable + SectionHeaderField.entrySize) },
                 kind: .malformedSymbolTable, phrase: "symbol table (section \(layout.symbolTableSection)) has entries of 16 bytes, expected 24"),
            Case(label: "string table link to a non-string table", bytes: edited { b, _ in b.patch(UInt32(1), at: symbolTable + SectionHeaderField.link) },
                 kind: .malformedSymbolTable, phrase: "names section 1 as its string table, which is not one"),
            Case(label: "string table link out of range", bytes: edited { b, _ in b.patch(UInt32(999), at: symbolTable + SectionHeaderField.link) },
                 kind: .malformedSymbolTable, phrase: "names section 999"),
            Case(label: "symbol name outside the string table",
                 bytes: {
                     var writer = TestELFWriter()
                     writer.symbols = [.init(name: "main", value: 0x8000_0000)]
                     var (bytes, layout) = writer.write()
                     bytes.patch(UInt32(0x10000), at: layout.firstSymbolOffset)
                     return bytes
                 }(),
                 kind: .malformedSymbolTable, phrase: "symbol 3 of the symbol table (section \(layout.symbolTableSection)) has its name outside the string table"),
        ]
    }()

    func testEachRefusedInputGivesItsKindAndAOneLineMessage() {
        for c in Self.cases {
            do {
                let image = try ELFLoader.load(bytes: c.bytes, name: "test.elf", allowedRegions: ELFLoaderTests.regions)
                XCTFail("\(c.label): loaded \(image.segments.count) segments")
            } catch let error as LoaderError {
                XCTAssertEqual(error.kind, c.kind, "\(c.label): \(error.message)")
                XCTAssertTrue(error.message.hasPrefix("test.elf: "), "\(c.label): \(error.message)")
                XCTAssertTrue(error.message.contains(c.phrase), "\(c.label): \(error.message)")
                XCTAssertFalse(error.message.contains("\n"), "\(c.label): \(error.message)")
                XCTAssertEqual(error.description, error.message)
            } catch {
                XCTFail("\(c.label): \(error) is not a LoaderError")
            }
        }
    }

    func testEveryKindIsCovered() {
        let covered = Set(Self.cases.map(\.kind)).union([.fileUnreadable])
        XCTAssertEqual(covered, Set(Kind.allCases))
    }

    func testSegmentOutsideEmptyRegionList() {
        XCTAssertThrowsError(try ELFLoader.load(bytes: TestELFWriter().bytes, name: "test.elf", allowedRegions: [])) { error in
            XCTAssertEqual((error as? LoaderError)?.kind, .segmentOutsideMemory)
            XCTAssertTrue((error as? LoaderError)?.message.contains("(none)") ?? false)
        }
    }

    func testMissingFile() {
        XCTAssertThrowsError(try ELFLoader.load(path: "/nonexistent/kernel.elf", allowedRegions: ELFLoaderTests.regions)) { error in
            XCTAssertEqual(error as? LoaderError,
                           LoaderError(.fileUnreadable, "/nonexistent/kernel.elf: cannot read the file (missing or unreadable)"))
        }
    }

    func testDirectory() {
        let path = FileManager.default.temporaryDirectory.path
        XCTAssertThrowsError(try ELFLoader.load(path: path, allowedRegions: ELFLoaderTests.regions)) { error in
            XCTAssertEqual(error as? LoaderError, LoaderError(.fileUnreadable, "\(path): cannot read the file (it is a directory)"))
        }
    }

    func testDeviceIsNotRead() {
        XCTAssertThrowsError(try ELFLoader.load(path: "/dev/zero", allowedRegions: ELFLoaderTests.regions)) { error in
            XCTAssertEqual(error as? LoaderError, LoaderError(.fileUnreadable, "/dev/zero: cannot read the file (not a regular file)"))
        }
    }

    func testUnreadableFile() throws {
        guard geteuid() != 0 else { throw XCTSkip("permissions do not stop root from reading") }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pagoda-loader-\(UUID().uuidString).elf")
        try Data(TestELFWriter().bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: url.path)
        XCTAssertThrowsError(try ELFLoader.load(path: url.path, allowedRegions: ELFLoaderTests.regions)) { error in
            XCTAssertEqual((error as? LoaderError)?.kind, .fileUnreadable)
        }
    }

    func testErrorsNameTheFileByItsPath() {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pagoda-loader-\(UUID().uuidString).elf")
        XCTAssertNoThrow(try Data("not elf".utf8).write(to: url))
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try ELFLoader.load(path: url.path, allowedRegions: ELFLoaderTests.regions)) { error in
            XCTAssertEqual(error as? LoaderError, LoaderError(.notELF, "\(url.path): not an ELF file (bad magic number)"))
        }
    }
}
