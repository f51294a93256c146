/// A defined symbol from an executable's symbol table (.symtab).
public struct ELFSymbol: Sendable, Equatable {
    public let name: String
    /// The symbol's address (`st_value`).
    public let value: UInt64
    /// The size of the object or function in bytes (`st_size`); 0 when unknown.
    public let size: UInt64
    /// STT_FUNC; otherwise STT_OBJECT or STT_NOTYPE (assembly labels, linker symbols).
    public let isFunction: Bool
    /// STB_GLOBAL or STB_WEAK; otherwise STB_LOCAL.
    public let isGlobal: Bool

    public init(name: String, value: UInt64, size: UInt64, isFunction: Bool, isGlobal: Bool = true) {
        self.name = name
        self.value = value
        self.size = size
        self.isFunction = isFunction
        self.isGlobal = isGlobal
    }

    /// Whether `address` lies within the symbol's `size` bytes.
    public func covers(_ address: UInt64) -> Bool {
        address >= value && address - value < size
    }
}
