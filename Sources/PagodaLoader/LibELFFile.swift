import CLibELF

/// An ELF64 file opened by libelf over a private copy of its bytes.
///
/// Only valid inside `open`'s body. Its accessors check each table and section they
/// hand out against the file's length, so later reads stay within the file.
struct LibELFFile {
    /// A section with its libelf handle (`Elf_Scn *`) and header.
    struct Section {
        let index: Int
        let handle: OpaquePointer
        let header: GElf_Shdr
    }

    let elf: OpaquePointer
    /// The file's bytes, for copying segment contents once their range is checked.
    let bytes: [UInt8]
    let name: String
    let header: GElf_Ehdr

    var size: UInt64 { UInt64(bytes.count) }

    /// libelf must be told which ELF version the caller understands before any other call.
    private static let libelfReady = elf_version(UInt32(EV_CURRENT)) != UInt32(EV_NONE)

    /// Opens `bytes` (which passed `ELFLoader.checkIdentification`) and runs `body` on them.
    static func open<Value>(_ bytes: [UInt8], name: String,
                             _ body: (LibELFFile) throws(LoaderError) -> Value) throws(LoaderError) -> Value {
        guard libelfReady else {
            throw LoaderError(.malformedHeader, "\(name): libelf does not support ELF version \(EV_CURRENT)")
        }
        // elf_memory may rewrite the image it is given, so it gets a copy.
        var image = bytes
        let outcome = image.withUnsafeMutableBytes { raw -> Result<Value, LoaderError> in
            guard let base = raw.baseAddress,
                  let elf = elf_memory(base.assumingMemoryBound(to: CChar.self), raw.count)
            else {
                return .failure(LoaderError(.malformedHeader, "\(name): libelf cannot read the ELF header: \(libelfMessage())"))
            }
            defer { elf_end(elf) }
            return Result { () throws(LoaderError) -> Value in
                try body(LibELFFile(elf: elf, bytes: bytes, name: name))
            }
        }
        return try outcome.get()
    }

    private init(elf: OpaquePointer, bytes: [UInt8], name: String) throws(LoaderError) {
        self.elf = elf
        self.bytes = bytes
        self.name = name
        guard elf_kind(elf) == ELF_K_ELF else {
            throw LoaderError(.notELF, "\(name): not an ELF file (libelf does not recognise it)")
        }
        guard gelf_getclass(elf) == ELFCLASS64 else {
            throw LoaderError(.wrongClass, "\(name): not a 64-bit ELF file")
        }
        var header = GElf_Ehdr()
        guard gelf_getehdr(elf, &header) != nil else {
            throw LoaderError(.malformedHeader, "\(name): cannot read the ELF header: \(Self.libelfMessage())")
        }
        self.header = header
    }

    /// An error about this file: `problem` is prefixed with the file's name.
    func error(_ kind: LoaderError.Kind, _ problem: String) -> LoaderError {
        LoaderError(kind, "\(name): \(problem)")
    }

    /// The program headers (gABI, "Program Header"), after checking that the table lies
    /// within the file and has entries of the ELF64 size.
    func programHeaders() throws(LoaderError) -> [GElf_Phdr] {
        guard header.e_phnum != 0 else { return [] }
        let entrySize = UInt64(elf64_fsize(ELF_T_PHDR, 1, UInt32(EV_CURRENT)))
        guard UInt64(header.e_phentsize) == entrySize else {
            throw error(.malformedHeader, "program header entries are \(header.e_phentsize) bytes, expected \(entrySize)")
        }
        // PN_XNUM says the count is held by section 0; libelf fetches it from there.
        if header.e_phnum != UInt16(PN_XNUM) {
            try checkTable("program header table", offset: header.e_phoff, count: UInt64(header.e_phnum), entrySize: entrySize)
        }
        var count = 0
        guard elf_getphdrnum(elf, &count) == 0 else {
            throw error(.malformedHeader, "cannot read the program header table: \(Self.libelfMessage())")
        }
        try checkTable("program header table", offset: header.e_phoff, count: UInt64(count), entrySize: entrySize)

        var headers: [GElf_Phdr] = []
        headers.reserveCapacity(count)
        for index in 0..<count {
            var programHeader = GElf_Phdr()
            guard let libelfIndex = Int32(exactly: index), gelf_getphdr(elf, libelfIndex, &programHeader) != nil else {
                throw error(.malformedHeader, "cannot read program header \(index): \(Self.libelfMessage())")
            }
            headers.append(programHeader)
        }
        return headers
    }

    /// The sections, after checking that the section header table and every section
    /// with contents in the file lie within the file (gABI, "Sections").
    func sections() throws(LoaderError) -> [Section] {
        guard header.e_shoff != 0 else { return [] }  // no section header table
        let entrySize = UInt64(elf64_fsize(ELF_T_SHDR, 1, UInt32(EV_CURRENT)))
        guard UInt64(header.e_shentsize) == entrySize else {
            throw error(.malformedHeader, "section header entries are \(header.e_shentsize) bytes, expected \(entrySize)")
        }
        // An e_shnum of 0 says the count is held by section 0 (extended section numbering).
        try checkTable("section header table", offset: header.e_shoff, count: max(1, UInt64(header.e_shnum)), entrySize: entrySize)
        var count = 0
        guard elf_getshdrnum(elf, &count) == 0, header.e_shnum == 0 || count == Int(header.e_shnum) else {
            throw error(.malformedHeader, "cannot read the section header table: \(Self.libelfMessage())")
        }
        try checkTable("section header table", offset: header.e_shoff, count: UInt64(count), entrySize: entrySize)

        var sections: [Section] = []
        sections.reserveCapacity(count)
        for index in 0..<count {
            var sectionHeader = GElf_Shdr()
            guard let handle = elf_getscn(elf, index), gelf_getshdr(handle, &sectionHeader) != nil else {
                throw error(.malformedHeader, "cannot read section header \(index): \(Self.libelfMessage())")
            }
            // SHT_NULL headers (section 0 among them) describe nothing; SHT_NOBITS occupy no file space.
            if sectionHeader.sh_type != UInt32(SHT_NULL) && sectionHeader.sh_type != UInt32(SHT_NOBITS) {
                try checkTable("section \(index)", offset: sectionHeader.sh_offset, count: sectionHeader.sh_size, entrySize: 1)
            }
            sections.append(Section(index: index, handle: handle, header: sectionHeader))
        }
        return sections
    }

    /// Throws `.truncated` unless `count` entries of `entrySize` bytes at `offset` lie within the file.
    func checkTable(_ what: String, offset: UInt64, count: UInt64, entrySize: UInt64) throws(LoaderError) {
        let (length, lengthOverflow) = count.multipliedReportingOverflow(by: entrySize)
        let (end, endOverflow) = offset.addingReportingOverflow(length)
        guard lengthOverflow || endOverflow || end > size else { return }
        let extent = entrySize == 1 ? "\(count) bytes" : "\(count) \(count == 1 ? "entry" : "entries") of \(entrySize) bytes"
        throw error(.truncated, "\(what) (\(extent) at offset \(hex(offset))) extends past the end of the file (\(size) bytes)")
    }

    /// libelf's description of its most recent error, which this clears.
    static func libelfMessage() -> String {
        let code = elf_errno()
        guard code != 0, let message = elf_errmsg(code) else { return "unknown error" }
        return String(cString: message)
    }
}
