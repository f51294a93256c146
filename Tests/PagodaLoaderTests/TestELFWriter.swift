/// Writes small ELF64 executables in memory for the loader tests, so that no binary is
/// committed: the ELF header, the program headers, the segments' bytes and, unless
/// `symbols` is nil, a section header table with one section per segment, a non-allocated
/// `.debug_info`, `.symtab`, `.strtab` and `.shstrtab`.
///
/// Field offsets follow the System V gABI ("ELF Header", "Program Header", "Sections",
/// "Symbol Table"); the tests corrupt fields through `ELFField` and `ProgramHeaderField`.
struct TestELFWriter {
    struct Segment {
        var type: UInt32 = 1  // PT_LOAD
        var physicalAddress: UInt64
        var virtualAddress: UInt64?
        var contents: [UInt8]
        var memorySize: UInt64
        var flags: UInt32 = 5  // PF_R | PF_X

        init(type: UInt32 = 1, at physicalAddress: UInt64, virtualAddress: UInt64? = nil,
             contents: [UInt8], memorySize: UInt64? = nil, flags: UInt32 = 5) {
            self.type = type
            self.physicalAddress = physicalAddress
            self.virtualAddress = virtualAddress
            self.contents = contents
            self.memorySize = memorySize ?? UInt64(contents.count)
            self.flags = flags
        }
    }

    /// Where a symbol is defined.
    enum Place {
        case segment(Int)  // the section holding that segment
        case debugInfo
        case absolute
        case undefined
        case sectionIndex(UInt16)
    }

    struct Symbol {
        var name: String
        var value: UInt64
        var size: UInt64 = 0
        var type: UInt8 = TestELFWriter.function
        var isGlobal = true
        var place: Place = .segment(0)
    }

    static let notype: UInt8 = 0, object: UInt8 = 1, function: UInt8 = 2, section: UInt8 = 3, file: UInt8 = 4

    var elfClass: UInt8 = 2  // ELFCLASS64
    var encoding: UInt8 = 1  // ELFDATA2LSB
    var version: UInt8 = 1
    var type: UInt16 = 2  // ET_EXEC
    var machine: UInt16 = 243  // EM_RISCV
    var entry: UInt64 = 0x8000_0000
    var segments: [Segment] = [Segment(at: 0x8000_0000, contents: TestELFWriter.program)]
    var symbols: [Symbol]? = []

    /// addi x0, x0, 0 four times, then ebreak.
    static let program: [UInt8] = [0x13, 0, 0, 0, 0x13, 0, 0, 0, 0x13, 0, 0, 0, 0x13, 0, 0, 0, 0x73, 0, 0x10, 0]

    /// Where the writer put things, for tests that corrupt them.
    struct Layout {
        var segmentOffsets: [Int] = []
        var sectionHeaderOffset = 0
        var sectionCount = 0
        var symbolTableSection = 0
        var stringTableSection = 0
        /// Offset of the first symbol that `symbols` asked for.
        var firstSymbolOffset = 0

        func sectionHeader(_ index: Int) -> Int { sectionHeaderOffset + 64 * index }
    }

    var bytes: [UInt8] { write().bytes }

    func write() -> (bytes: [UInt8], layout: Layout) {
        var layout = Layout()
        var out = [UInt8](repeating: 0, count: 64 + 56 * segments.count)

        // Segment contents, then the other sections' contents.
        for segment in segments {
            out.align(8)
            layout.segmentOffsets.append(out.count)
            out += segment.contents
        }
        let debugOffset = out.count
        out += [1, 2, 3, 4, 5, 6, 7, 8]

        // Section indices: 0 null, 1...n segments, then the rest.
        let debugSection = segments.count + 1
        layout.symbolTableSection = segments.count + 2
        layout.stringTableSection = segments.count + 3
        let namesSection = segments.count + 4

        var strings: [UInt8] = [0]
        func string(_ s: String) -> UInt32 {
            guard !s.isEmpty else { return 0 }
            defer { strings += Array(s.utf8) + [0] }
            return UInt32(strings.count)
        }
        var sectionNames: [UInt8] = [0]
        func sectionName(_ s: String) -> UInt32 {
            defer { sectionNames += Array(s.utf8) + [0] }
            return UInt32(sectionNames.count)
        }

        // Symbols: null, a file symbol and a section symbol, then locals before globals.
        out.align(8)
        let symbolTableOffset = out.count
        out += [UInt8](repeating: 0, count: 24)
        out.appendSymbol(name: string("test.c"), info: Self.file, section: 0xFFF1, value: 0, size: 0)
        out.appendSymbol(name: 0, info: Self.section, section: 1, value: segments.first?.physicalAddress ?? 0, size: 0)
        let requested = (symbols ?? []).filter { !$0.isGlobal } + (symbols ?? []).filter(\.isGlobal)
        let firstGlobal = 3 + requested.filter { !$0.isGlobal }.count
        layout.firstSymbolOffset = out.count
        for symbol in requested {
            let index: UInt16 = switch symbol.place {
            case .segment(let i): UInt16(i + 1)
            case .debugInfo: UInt16(debugSection)
            case .absolute: 0xFFF1
            case .undefined: 0
            case .sectionIndex(let i): i
            }
            out.appendSymbol(name: string(symbol.name), info: (symbol.isGlobal ? 0x10 : 0) | symbol.type,
                             section: index, value: symbol.value, size: symbol.size)
        }
        let symbolTableSize = out.count - symbolTableOffset
        let stringTableOffset = out.count
        out += strings

        // Section header names and the section header table.
        var sectionHeaders: [UInt8] = [UInt8](repeating: 0, count: 64)
        for (i, segment) in segments.enumerated() {
            let nobits = segment.contents.isEmpty
            sectionHeaders.appendSection(name: sectionName(".seg\(i)"), type: nobits ? 8 : 1, flags: 2 | 4,
                                         address: segment.virtualAddress ?? segment.physicalAddress,
                                         offset: UInt64(layout.segmentOffsets[i]),
                                         size: nobits ? segment.memorySize : UInt64(segment.contents.count))
        }
        sectionHeaders.appendSection(name: sectionName(".debug_info"), type: 1, offset: UInt64(debugOffset), size: 8)
        sectionHeaders.appendSection(name: sectionName(".symtab"), type: 2, offset: UInt64(symbolTableOffset),
                                     size: UInt64(symbolTableSize), link: UInt32(layout.stringTableSection),
                                     info: UInt32(firstGlobal), entrySize: 24)
        sectionHeaders.appendSection(name: sectionName(".strtab"), type: 3, offset: UInt64(stringTableOffset),
                                     size: UInt64(strings.count))
        let namesName = sectionName(".shstrtab")
        let namesOffset = out.count
        out += sectionNames
        sectionHeaders.appendSection(name: namesName, type: 3, offset: UInt64(namesOffset), size: UInt64(sectionNames.count))

        if symbols != nil {
            out.align(8)
            layout.sectionHeaderOffset = out.count
            layout.sectionCount = namesSection + 1
            out += sectionHeaders
        } else {
            // A stripped file: no section header table and none of the sections' bytes.
            out.removeSubrange(debugOffset...)
        }

        // The ELF header.
        var header: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, elfClass, encoding, version, 0] + [UInt8](repeating: 0, count: 8)
        header.append(littleEndian: type)
        header.append(littleEndian: machine)
        header.append(littleEndian: UInt32(1))
        header.append(littleEndian: entry)
        header.append(littleEndian: UInt64(64))  // e_phoff
        header.append(littleEndian: UInt64(layout.sectionHeaderOffset))
        header.append(littleEndian: UInt32(0))  // e_flags
        header.append(littleEndian: UInt16(64))
        header.append(littleEndian: UInt16(56))
        header.append(littleEndian: UInt16(segments.count))
        header.append(littleEndian: UInt16(64))
        header.append(littleEndian: UInt16(layout.sectionCount))
        header.append(littleEndian: UInt16(symbols == nil ? 0 : namesSection))
        out.replaceSubrange(0..<64, with: header)

        // The program headers.
        for (i, segment) in segments.enumerated() {
            var programHeader: [UInt8] = []
            programHeader.append(littleEndian: segment.type)
            programHeader.append(littleEndian: segment.flags)
            programHeader.append(littleEndian: UInt64(layout.segmentOffsets[i]))
            programHeader.append(littleEndian: segment.virtualAddress ?? segment.physicalAddress)
            programHeader.append(littleEndian: segment.physicalAddress)
            programHeader.append(littleEndian: UInt64(segment.contents.count))
            programHeader.append(littleEndian: segment.memorySize)
            programHeader.append(littleEndian: UInt64(8))
            out.replaceSubrange((64 + 56 * i)..<(64 + 56 * (i + 1)), with: programHeader)
        }
        return (out, layout)
    }
}

/// Offsets of ELF64 header fields (gABI, "ELF Header").
enum ELFField {
    static let type = 16, machine = 18, entry = 24, programHeaderOffset = 32, sectionHeaderOffset = 40
    static let programHeaderEntrySize = 54, programHeaderCount = 56, sectionHeaderEntrySize = 58, sectionHeaderCount = 60
}

/// Offsets of ELF64 program header fields from the start of an entry (gABI, "Program Header").
enum ProgramHeaderField {
    static let type = 0, flags = 4, offset = 8, virtualAddress = 16, physicalAddress = 24, fileSize = 32, memorySize = 40
    static func of(_ index: Int) -> Int { 64 + 56 * index }
}

/// Offsets of ELF64 section header fields from the start of an entry (gABI, "Sections").
enum SectionHeaderField {
    static let type = 4, flags = 8, offset = 24, size = 32, link = 40, entrySize = 56
}

extension Array where Element == UInt8 {
    mutating func append<T: FixedWidthInteger>(littleEndian value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// Overwrites `size(of: T)` bytes at `offset` with `value`, little-endian.
    mutating func patch<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        Swift.withUnsafeBytes(of: value.littleEndian) { replaceSubrange(offset..<(offset + $0.count), with: $0) }
    }

    mutating func align(_ alignment: Int) {
        while count % alignment != 0 { append(0) }
    }

    mutating func appendSymbol(name: UInt32, info: UInt8, section: UInt16, value: UInt64, size: UInt64) {
        append(littleEndian: name)
        append(littleEndian: info)
        append(littleEndian: UInt8(0))  // st_other
        append(littleEndian: section)
        append(littleEndian: value)
        append(littleEndian: size)
    }

    mutating func appendSection(name: UInt32, type: UInt32, flags: UInt64 = 0, address: UInt64 = 0, offset: UInt64,
                                size: UInt64, link: UInt32 = 0, info: UInt32 = 0, entrySize: UInt64 = 0) {
        append(littleEndian: name)
        append(littleEndian: type)
        append(littleEndian: flags)
        append(littleEndian: address)
        append(littleEndian: offset)
        append(littleEndian: size)
        append(littleEndian: link)
        append(littleEndian: info)
        append(littleEndian: UInt64(8))  // sh_addralign
        append(littleEndian: entrySize)
    }
}
