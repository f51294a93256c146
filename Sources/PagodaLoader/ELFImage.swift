/// A loadable part of an ELF executable (a PT_LOAD program header).
public struct LoadableSegment: Sendable, Equatable {
    public let physicalAddress: UInt64
    public let virtualAddress: UInt64
    /// The bytes from the file; the rest of `memorySize` is zero (.bss).
    public let data: [UInt8]
    public let memorySize: UInt64
    /// PF_X (1), PF_W (2), PF_R (4).
    public let flags: UInt32
}

/// A symbol from the executable's symbol table.
public struct ELFSymbol: Sendable, Equatable {
    public let name: String
    public let value: UInt64
    public let size: UInt64
    public let isFunction: Bool
}

/// An ELF executable ready to be placed in memory.
public struct ELFImage: Sendable {
    public let entry: UInt64
    public let segments: [LoadableSegment]
    /// Named function, object and untyped symbols, sorted by value.
    public let symbols: [ELFSymbol]

    public func symbol(named name: String) -> ELFSymbol? {
        symbols.first { $0.name == name }
    }

    /// The function symbol covering `address`, or else the nearest symbol below it.
    public func symbol(containing address: UInt64) -> ELFSymbol? {
        var best: ELFSymbol?
        for s in symbols where s.value <= address {
            if s.isFunction && s.size > 0 && address < s.value &+ s.size { return s }
            if best == nil || s.value >= best!.value { best = s }
        }
        return best
    }
}
