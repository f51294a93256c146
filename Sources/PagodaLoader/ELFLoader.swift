import CLibELF
import Foundation

/// Loads ELF64 RISC-V executables through libelf.
///
/// The whole file is read into memory and handed to libelf with `elf_memory`. Every
/// offset and size the file declares is checked against the file's length before it is
/// used, so malformed input gives a `LoaderError`, never a crash.
///
/// Accepted are ELFCLASS64, ELFDATA2LSB files with `e_machine` EM_RISCV and `e_type`
/// ET_EXEC (System V gABI, "ELF Header"; RISC-V ELF psABI, "ELF Object Files"). Position-
/// independent executables (ET_DYN) are refused: nothing here relocates them.
public enum ELFLoader {
    /// EM_RISCV (RISC-V ELF psABI, "ELF Object Files").
    public static let machineRISCV: UInt16 = 243

    /// Reads the executable at `path` and loads it. Errors name the file by `path`.
    ///
    /// - Parameter allowedRegions: the physical ranges a segment may occupy (RAM, boot ROM).
    /// - Throws: only `LoaderError`.
    public static func load(path: String, allowedRegions: [ClosedRange<UInt64>]) throws -> ELFImage {
        try loadFile(path: path, allowedRegions: allowedRegions)
    }

    /// Loads an executable held in memory; `name` is the file name errors start with.
    ///
    /// - Parameter allowedRegions: the physical ranges a segment may occupy (RAM, boot ROM).
    /// - Throws: only `LoaderError`.
    public static func load(bytes: [UInt8], name: String, allowedRegions: [ClosedRange<UInt64>]) throws -> ELFImage {
        try loadImage(bytes: bytes, name: name, allowedRegions: allowedRegions)
    }

    // The public entry points throw untyped errors (only ever `LoaderError`): Swift 6.3
    // fails to compile a `catch let error as LoaderError` clause around a typed-throwing call.

    static func loadFile(path: String, allowedRegions: [ClosedRange<UInt64>]) throws(LoaderError) -> ELFImage {
        try loadImage(bytes: readFile(path), name: path, allowedRegions: allowedRegions)
    }

    static func loadImage(bytes: [UInt8], name: String, allowedRegions: [ClosedRange<UInt64>]) throws(LoaderError) -> ELFImage {
        try checkIdentification(bytes, name: name)
        return try LibELFFile.open(bytes, name: name) { file throws(LoaderError) in
            let header = file.header
            guard header.e_machine == machineRISCV else {
                throw file.error(.wrongMachine, "not a RISC-V executable (e_machine \(header.e_machine), expected \(machineRISCV))")
            }
            guard header.e_type == UInt16(ET_EXEC) else {
                throw file.error(.notExecutable, "not an executable (e_type \(typeName(header.e_type)); only ET_EXEC is loaded)")
            }
            let programHeaders = try file.programHeaders()
            let sections = try file.sections()
            let segments = try loadableSegments(programHeaders, of: file, allowedRegions: allowedRegions)
            let symbols = try symbols(in: sections, of: file)
            return ELFImage(entry: header.e_entry, segments: segments, symbols: symbols)
        }
    }

    /// The whole file, or `.fileUnreadable`. Only regular files are read: a device or a
    /// pipe could block or never end.
    static func readFile(_ path: String) throws(LoaderError) -> [UInt8] {
        let unreadable = LoaderError(.fileUnreadable, "\(path): cannot read the file (missing or unreadable)")
        var status = stat()
        guard stat(path, &status) == 0 else { throw unreadable }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw LoaderError(.fileUnreadable, "\(path): cannot read the file (it is a directory)")
        default: throw LoaderError(.fileUnreadable, "\(path): cannot read the file (not a regular file)")
        }
        guard let contents = FileManager.default.contents(atPath: path) else { throw unreadable }
        return [UInt8](contents)
    }

    static func typeName(_ type: UInt16) -> String {
        switch Int32(type) {
        case ET_NONE: "ET_NONE"
        case ET_REL: "ET_REL, a relocatable object"
        case ET_EXEC: "ET_EXEC"
        case ET_DYN: "ET_DYN, a shared object or position-independent executable"
        case ET_CORE: "ET_CORE, a core dump"
        default: String(type)
        }
    }
}
