import CLibELF
import Foundation

/// Loads ELF64 RISC-V executables through libelf.
///
/// The file is read into memory and handed to libelf with `elf_memory`; every offset
/// and size libelf reports is checked against the file's length before use, so a
/// malformed file gives a `LoaderError`, never a crash.
public enum ELFLoader {
    static let machineRISCV: UInt16 = 243

    public static func load(path: String, allowedRegions: [ClosedRange<UInt64>]) throws -> ELFImage {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoaderError(.fileUnreadable, "\(path): cannot read the file (missing or unreadable)")
        }
        return try load(bytes: [UInt8](data), name: name, allowedRegions: allowedRegions)
    }

    public static func load(bytes: [UInt8], name: String, allowedRegions: [ClosedRange<UInt64>]) throws -> ELFImage {
        guard bytes.count >= 4, bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46 else {
            throw LoaderError(.notELF, "\(name): not an ELF file")
        }
        guard bytes.count >= 64 else { throw LoaderError(.truncated, "\(name): truncated ELF header") }
        guard bytes[4] == 2 else { throw LoaderError(.wrongClass, "\(name): not a 64-bit ELF file (ELFCLASS\(bytes[4] == 1 ? "32" : "?"))") }
        guard bytes[5] == 1 else { throw LoaderError(.wrongEndianness, "\(name): not a little-endian ELF file") }

        _ = elf_version(UInt32(EV_CURRENT))
        var buffer = bytes
        return try buffer.withUnsafeMutableBytes { raw -> ELFImage in
            let base = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
            guard let elf = elf_memory(base, raw.count) else {
                throw LoaderError(.notELF, "\(name): libelf cannot read it: \(libelfMessage())")
            }
            defer { elf_end(elf) }
            guard elf_kind(elf) == ELF_K_ELF else { throw LoaderError(.notELF, "\(name): not an ELF file") }
            var header = GElf_Ehdr()
            guard gelf_getehdr(elf, &header) != nil else {
                throw LoaderError(.truncated, "\(name): bad ELF header: \(libelfMessage())")
            }
            guard header.e_machine == machineRISCV else {
                throw LoaderError(.wrongMachine, "\(name): not a RISC-V executable (e_machine \(header.e_machine))")
            }
            guard header.e_type == UInt16(ET_EXEC) else {
                throw LoaderError(.notExecutable, "\(name): not an executable (e_type \(header.e_type); only ET_EXEC is loaded)")
            }
            guard header.e_phnum > 0 else { throw LoaderError(.noLoadableSegments, "\(name): no loadable segments") }
            let segments = try loadSegments(elf, bytes: bytes, name: name, allowedRegions: allowedRegions)
            let symbols = readSymbols(elf, fileSize: UInt64(bytes.count))
            return ELFImage(entry: header.e_entry, segments: segments, symbols: symbols)
        }
    }

    private static func libelfMessage() -> String {
        guard let m = elf_errmsg(-1) else { return "unknown error" }
        return String(cString: m)
    }

    private static func loadSegments(_ elf: OpaquePointer, bytes: [UInt8], name: String,
                                     allowedRegions: [ClosedRange<UInt64>]) throws -> [LoadableSegment] {
        var count = 0
        guard elf_getphdrnum(elf, &count) == 0 else {
            throw LoaderError(.truncated, "\(name): cannot read program headers: \(libelfMessage())")
        }
        let fileSize = UInt64(bytes.count)
        var segments: [LoadableSegment] = []
        for i in 0..<count {
            var ph = GElf_Phdr()
            guard gelf_getphdr(elf, Int32(i), &ph) != nil else {
                throw LoaderError(.truncated, "\(name): program header \(i) unreadable: \(libelfMessage())")
            }
            guard ph.p_type == UInt32(PT_LOAD), ph.p_memsz > 0 else { continue }
            let (fileEnd, fileOverflow) = ph.p_offset.addingReportingOverflow(ph.p_filesz)
            guard !fileOverflow, fileEnd <= fileSize else {
                throw LoaderError(.truncated, "\(name): segment \(i) extends past the end of the file (offset \(hex(ph.p_offset)) + \(ph.p_filesz) bytes > \(fileSize))")
            }
            guard ph.p_filesz <= ph.p_memsz else {
                throw LoaderError(.malformedSegment, "\(name): segment \(i) has more file bytes (\(ph.p_filesz)) than memory bytes (\(ph.p_memsz))")
            }
            let (last, overflow) = ph.p_paddr.addingReportingOverflow(ph.p_memsz - 1)
            guard !overflow, allowedRegions.contains(where: { $0.contains(ph.p_paddr) && $0.contains(last) }) else {
                throw LoaderError(.segmentOutsideMemory, "\(name): segment \(i) at \(hex(ph.p_paddr))-\(hex(ph.p_paddr &+ ph.p_memsz)) is outside RAM and ROM")
            }
            let start = Int(ph.p_offset), end = Int(fileEnd)
            segments.append(LoadableSegment(physicalAddress: ph.p_paddr, virtualAddress: ph.p_vaddr,
                                            data: Array(bytes[start..<end]), memorySize: ph.p_memsz, flags: ph.p_flags))
        }
        guard !segments.isEmpty else { throw LoaderError(.noLoadableSegments, "\(name): no loadable segments") }
        let sorted = segments.sorted { $0.physicalAddress < $1.physicalAddress }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.physicalAddress + a.memorySize > b.physicalAddress {
            throw LoaderError(.overlappingSegments, "\(name): segments at \(hex(a.physicalAddress)) and \(hex(b.physicalAddress)) overlap")
        }
        return segments
    }

    /// Named symbols from .symtab; a malformed or missing table gives none.
    private static func readSymbols(_ elf: OpaquePointer, fileSize: UInt64) -> [ELFSymbol] {
        var symbols: [ELFSymbol] = []
        var section: OpaquePointer? = nil
        while let scn = elf_nextscn(elf, section) {
            section = scn
            var sh = GElf_Shdr()
            guard gelf_getshdr(scn, &sh) != nil, sh.sh_type == UInt32(SHT_SYMTAB), sh.sh_entsize > 0 else { continue }
            guard sh.sh_offset <= fileSize, sh.sh_size <= fileSize - sh.sh_offset else { continue }
            guard let data = elf_getdata(scn, nil) else { continue }
            let count = Int(sh.sh_size / sh.sh_entsize)
            for i in 0..<count {
                var sym = GElf_Sym()
                guard gelf_getsym(data, Int32(i), &sym) != nil else { break }
                let type = Int32(sym.st_info & 0xF)
                guard type == STT_FUNC || type == STT_OBJECT || type == STT_NOTYPE, sym.st_name != 0,
                      sym.st_shndx != UInt16(SHN_UNDEF),
                      let cName = elf_strptr(elf, Int(sh.sh_link), Int(sym.st_name))
                else { continue }
                let name = String(cString: cName)
                if name.isEmpty || name.hasPrefix(".L") { continue }
                symbols.append(ELFSymbol(name: name, value: sym.st_value, size: sym.st_size, isFunction: type == STT_FUNC))
            }
        }
        return symbols.sorted { $0.value < $1.value }
    }

    private static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
}
