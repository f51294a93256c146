import CLibELF

extension ELFLoader {
    /// The defined, named symbols of the SHT_SYMTAB sections (gABI, "Symbol Table").
    ///
    /// Kept are STT_FUNC, STT_OBJECT and STT_NOTYPE symbols that are defined in an
    /// allocated section or are absolute. Left out are section and file symbols, undefined
    /// ones, those of non-allocated (debug) sections, assembler-local `.L` labels and the
    /// RISC-V mapping symbols `$d`, `$x` and `$x<isa>` (RISC-V ELF psABI, "Mapping Symbol").
    /// A stripped file has none.
    static func symbols(in sections: [LibELFFile.Section], of file: LibELFFile) throws(LoaderError) -> [ELFSymbol] {
        var symbols: [ELFSymbol] = []
        for table in sections where table.header.sh_type == UInt32(SHT_SYMTAB) {
            try symbols += tableSymbols(table, sections: sections, of: file)
        }
        return symbols
    }

    private static func tableSymbols(_ table: LibELFFile.Section, sections: [LibELFFile.Section],
                                     of file: LibELFFile) throws(LoaderError) -> [ELFSymbol] {
        let what = "symbol table (section \(table.index))"
        let entrySize = UInt64(elf64_fsize(ELF_T_SYM, 1, UInt32(EV_CURRENT)))
        guard table.header.sh_entsize == entrySize else {
            throw file.error(.malformedSymbolTable, "\(what) has entries of \(table.header.sh_entsize) bytes, expected \(entrySize)")
        }
        let stringsIndex = Int(clamping: table.header.sh_link)
        guard stringsIndex < sections.count, sections[stringsIndex].header.sh_type == UInt32(SHT_STRTAB) else {
            throw file.error(.malformedSymbolTable, "\(what) names section \(table.header.sh_link) as its string table, which is not one")
        }
        guard let data = elf_getdata(table.handle, nil) else {
            throw file.error(.malformedSymbolTable, "cannot read the \(what): \(LibELFFile.libelfMessage())")
        }
        let count = data.pointee.d_size / Int(entrySize)

        var symbols: [ELFSymbol] = []
        for index in 0..<count {
            var symbol = GElf_Sym()
            guard let libelfIndex = Int32(exactly: index), gelf_getsym(data, libelfIndex, &symbol) != nil else {
                throw file.error(.malformedSymbolTable, "cannot read symbol \(index) of the \(what): \(LibELFFile.libelfMessage())")
            }
            guard isKept(symbol, sections: sections) else { continue }
            guard let cName = elf_strptr(file.elf, stringsIndex, Int(symbol.st_name)) else {
                throw file.error(.malformedSymbolTable, "symbol \(index) of the \(what) has its name outside the string table")
            }
            let name = String(cString: cName)
            guard !name.isEmpty, !isLocalLabel(name), !isMappingSymbol(name) else { continue }
            let binding = Int32(symbol.st_info >> 4)
            symbols.append(ELFSymbol(name: name, value: symbol.st_value, size: symbol.st_size,
                                     isFunction: Int32(symbol.st_info & 0xF) == STT_FUNC,
                                     isGlobal: binding == STB_GLOBAL || binding == STB_WEAK))
        }
        return symbols
    }

    /// Whether a symbol has a name, a kept type and a definition in memory.
    private static func isKept(_ symbol: GElf_Sym, sections: [LibELFFile.Section]) -> Bool {
        let type = Int32(symbol.st_info & 0xF)  // ELF64_ST_TYPE
        guard symbol.st_name != 0, type == STT_FUNC || type == STT_OBJECT || type == STT_NOTYPE else { return false }
        switch Int32(symbol.st_shndx) {
        case SHN_UNDEF, SHN_COMMON: return false
        case SHN_ABS: return true
        case SHN_LORESERVE...SHN_HIRESERVE: return false  // SHN_XINDEX and processor or OS specific
        default:
            let index = Int(symbol.st_shndx)
            return index < sections.count && sections[index].header.sh_flags & UInt64(SHF_ALLOC) != 0
        }
    }

    /// Assembler-local labels (`.L...`) that an assembler kept for relaxation or debug information.
    private static func isLocalLabel(_ name: String) -> Bool {
        name.hasPrefix(".L")
    }

    /// `$d`, `$x` and `$x<isa>`, each optionally followed by `.<anything>`.
    private static func isMappingSymbol(_ name: String) -> Bool {
        name == "$d" || name.hasPrefix("$d.") || name.hasPrefix("$x")
    }
}
