/// Why an executable cannot be loaded.
///
/// `message` is a single line that starts with the file's name, for example
/// `kernel.elf: not an ELF file (bad magic number)`.
public struct LoaderError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Sendable, Equatable, CaseIterable {
        /// The file is missing, is a directory or cannot be read.
        case fileUnreadable
        /// The file does not start with the ELF magic number.
        case notELF
        /// The file is ELF32 (or names no valid class); only ELFCLASS64 is loaded.
        case wrongClass
        /// The file is big-endian (or names no valid data encoding); RISC-V is little-endian.
        case wrongEndianness
        /// `e_machine` is not EM_RISCV (243).
        case wrongMachine
        /// `e_type` is not ET_EXEC; relocatable objects and ET_DYN (PIE, shared objects) are refused.
        case notExecutable
        /// A header, table, section or segment lies (partly) beyond the end of the file.
        case truncated
        /// A header field is inconsistent (unsupported version, wrong table entry size, ...).
        case malformedHeader
        /// A PT_LOAD segment has more file bytes than memory bytes (p_filesz > p_memsz).
        case fileSizeExceedsMemorySize
        /// A PT_LOAD segment does not fit in one of the allowed physical regions, or wraps around.
        case segmentOutsideMemory
        /// Two PT_LOAD segments share physical addresses.
        case overlappingSegments
        /// There is no PT_LOAD segment with a nonzero memory size.
        case noLoadableSegments
        /// The symbol table or its string table is inconsistent.
        case malformedSymbolTable
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
