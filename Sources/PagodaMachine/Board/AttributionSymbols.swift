import PagodaLoader

/// A symbol table given with `pagoda run --symbols FILE.elf[@ASID[-ASID]|@+OFFSET]`: the
/// symbols of an ELF besides the booted one's, for naming the functions that translation
/// costs are attributed to (a user program under its ASID, a Linux `vmlinux`).
public struct SymbolTable: Sendable {
    /// What the report calls the table: the file's name without its directory.
    public let name: String
    public let image: ELFImage
    /// Only accesses under these ASIDs are looked up here; nil: every ASID.
    public let asids: ClosedRange<UInt16>?
    /// Added to every symbol's value and segment address (wrapping): where the code runs
    /// minus where it was linked.
    public let offset: UInt64

    public init(name: String, image: ELFImage, asids: ClosedRange<UInt16>? = nil, offset: UInt64 = 0) {
        self.name = name
        self.image = image
        self.asids = asids
        self.offset = offset
    }

    /// The program a table bound to ASIDs stands for: its name without the extension.
    public var program: String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// The symbol describing `pc` (ELFImage.symbol(containing:)), if `pc` lies in one of
    /// the table's PT_LOAD segments as linked (virtual addresses) plus the offset.
    func symbol(at pc: UInt64) -> ELFSymbol? {
        Self.symbol(in: image, at: pc &- offset)
    }

    /// The symbol of `image` describing `address`, if a segment's virtual range holds it:
    /// outside the image a "nearest symbol below" would name unrelated code.
    static func symbol(in image: ELFImage, at address: UInt64) -> ELFSymbol? {
        guard image.segments.contains(where: { address >= $0.virtualAddress && address - $0.virtualAddress < $0.memorySize }) else {
            return nil
        }
        return image.symbol(containing: address)
    }
}

/// The symbol tables translation costs are named with: the `--symbols` tables, then the
/// booted ELF's. Lookups are cached (the `--stats-interval` series names every pc at
/// every interval).
public final class AttributionSymbols {
    /// What a pc resolves to.
    public struct Name: Hashable, Sendable {
        /// The function (symbol) name, or "?" when no table covers the pc.
        public let function: String
        /// The `--symbols` table the name comes from; nil for the booted ELF's or none.
        public let source: String?
    }

    public private(set) var tables: [SymbolTable] = []
    private var cache: [Key: Name] = [:]
    private struct Key: Hashable { let asid: UInt16; let pc: UInt64 }

    public init() {}

    public func add(_ table: SymbolTable) {
        tables.append(table)
        cache.removeAll()
    }

    /// The name of the code at `pc` under `asid`: the first table bound to ASIDs holding `asid` whose
    /// segments hold it, else the first table for every ASID, else the booted image.
    func name(asid: UInt16, pc: UInt64, booted: ELFImage?) -> Name {
        let key = Key(asid: asid, pc: pc)
        if let known = cache[key] { return known }
        var found: Name?
        for table in tables where table.asids?.contains(asid) == true {
            if let s = table.symbol(at: pc) { found = Name(function: s.name, source: table.name); break }
        }
        if found == nil {
            for table in tables where table.asids == nil {
                if let s = table.symbol(at: pc) { found = Name(function: s.name, source: table.name); break }
            }
        }
        if found == nil, let image = booted, let s = SymbolTable.symbol(in: image, at: pc) {
            found = Name(function: s.name, source: nil)
        }
        let name = found ?? Name(function: "?", source: nil)
        cache[key] = name
        return name
    }

    /// The program bound to `asid` by the first `--symbols FILE@ASID[-ASID]` naming it.
    func program(asid: UInt16) -> String? {
        tables.first { $0.asids?.contains(asid) == true }?.program
    }
}
