/// A file given to `--kernel` or `--bios`, recognised by its contents: an ELF
/// executable, a RISC-V Linux `Image`, or else a raw binary.
public enum BootFile: Sendable {
    /// An ELF executable, placed at its segments' physical addresses.
    case elf(ELFImage)
    /// A Linux `Image`: placed at RAM base + `textOffset`, entered at its first byte.
    case linux(LinuxImageHeader, bytes: [UInt8])
    /// Bytes placed at an address the board chooses and entered at their first byte.
    case raw([UInt8])

    /// Reads and recognises the file at `path`. Errors name the file.
    ///
    /// - Parameter allowedRegions: the physical ranges an ELF's segments may occupy.
    /// - Throws: only `LoaderError` (`.fileUnreadable`, or an ELF's own errors; an empty
    ///   file is `.truncated`).
    public static func load(path: String, allowedRegions: [ClosedRange<UInt64>]) throws -> BootFile {
        try recognise(bytes: ELFLoader.readFile(path), name: path, allowedRegions: allowedRegions)
    }

    /// The bytes of the regular file at `path` (an initrd). Throws `LoaderError(.fileUnreadable)`.
    public static func contents(of path: String) throws -> [UInt8] {
        try ELFLoader.readFile(path)
    }

    /// Recognises `bytes`; `name` starts error messages.
    public static func load(bytes: [UInt8], name: String, allowedRegions: [ClosedRange<UInt64>]) throws -> BootFile {
        try recognise(bytes: bytes, name: name, allowedRegions: allowedRegions)
    }

    static func recognise(bytes: [UInt8], name: String, allowedRegions: [ClosedRange<UInt64>]) throws(LoaderError) -> BootFile {
        guard !bytes.isEmpty else { throw LoaderError(.truncated, "\(name): the file is empty") }
        if bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]) {
            return .elf(try ELFLoader.loadImage(bytes: bytes, name: name, allowedRegions: allowedRegions))
        }
        if let header = LinuxImageHeader(bytes) {
            guard !header.isBigEndian else {
                throw LoaderError(.wrongEndianness, "\(name): a big-endian Linux Image (Pagoda's harts are little-endian)")
            }
            return .linux(header, bytes: bytes)
        }
        return .raw(bytes)
    }

    /// A short description for messages: "ELF", "Linux Image" or "raw binary".
    public var kindDescription: String {
        switch self {
        case .elf: "ELF"
        case .linux: "Linux Image"
        case .raw: "raw binary"
        }
    }
}
