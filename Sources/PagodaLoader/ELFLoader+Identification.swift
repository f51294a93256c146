import CLibELF

extension ELFLoader {
    /// Checks `e_ident` (System V gABI, "ELF Identification") and the header's length.
    ///
    /// libelf refuses a bad identification without saying which byte is wrong, so these
    /// few bytes are read here to give a precise error; everything else goes through libelf.
    static func checkIdentification(_ bytes: [UInt8], name: String) throws(LoaderError) {
        let magic: [UInt8] = [0x7F, 0x45, 0x4C, 0x46]  // ELFMAG: 0x7F 'E' 'L' 'F'
        guard !bytes.isEmpty else { throw LoaderError(.notELF, "\(name): not an ELF file (the file is empty)") }
        guard bytes.count >= magic.count, bytes.prefix(magic.count).elementsEqual(magic) else {
            throw LoaderError(.notELF, "\(name): not an ELF file (bad magic number)")
        }
        let headerSize = elf64_fsize(ELF_T_EHDR, 1, UInt32(EV_CURRENT))
        let truncated = LoaderError(.truncated, "\(name): truncated ELF header (\(bytes.count) of \(headerSize) bytes)")
        guard bytes.count >= Int(EI_NIDENT) else { throw truncated }

        switch Int32(bytes[Int(EI_CLASS)]) {
        case ELFCLASS64: break
        case ELFCLASS32: throw LoaderError(.wrongClass, "\(name): not a 64-bit ELF file (ELFCLASS32)")
        case let other: throw LoaderError(.wrongClass, "\(name): not a 64-bit ELF file (invalid class \(other))")
        }
        switch Int32(bytes[Int(EI_DATA)]) {
        case ELFDATA2LSB: break
        case ELFDATA2MSB: throw LoaderError(.wrongEndianness, "\(name): not a little-endian ELF file (ELFDATA2MSB)")
        case let other: throw LoaderError(.wrongEndianness, "\(name): not a little-endian ELF file (invalid data encoding \(other))")
        }
        let version = bytes[Int(EI_VERSION)]
        guard version == EV_CURRENT else {
            throw LoaderError(.malformedHeader, "\(name): unsupported ELF version \(version) (expected \(EV_CURRENT))")
        }
        guard bytes.count >= headerSize else { throw truncated }
    }
}
