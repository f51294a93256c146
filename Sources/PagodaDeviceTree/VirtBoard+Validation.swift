extension VirtBoard {
    /// A configuration the device tree cannot describe correctly.
    public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
        case hartCount(Int)
        case memory(base: UInt64, size: UInt64)
        case isa(String)
        case mmuType(String)
        case timebaseFrequency
        case bootargs
        case initrd(ClosedRange<UInt64>)

        public var description: String {
            switch self {
            case .hartCount(let harts):
                "the board needs 1 to \(VirtBoard.maximumHarts) harts, not \(harts)"
            case .memory(let base, let size):
                "memory of 0x\(String(size, radix: 16)) bytes at 0x\(String(base, radix: 16)) must be "
                    + "non-empty, 4 KiB aligned and end below 2^64"
            case .isa(let isa):
                "\"\(isa)\" is not an RV64 ISA string such as rv64imac_zicsr_zifencei"
            case .mmuType(let type):
                "mmu-type \"\(type)\" is not one of \(VirtBoard.mmuTypes.joined(separator: ", "))"
            case .timebaseFrequency:
                "the timebase frequency must not be 0"
            case .bootargs:
                "the kernel command line must not contain a NUL character"
            case .initrd(let range):
                "the initrd 0x\(String(range.lowerBound, radix: 16))...0x\(String(range.upperBound, radix: 16)) "
                    + "is not inside memory"
            }
        }
    }

    /// The `mmu-type` values of the RISC-V `cpus` binding.
    public static let mmuTypes = ["riscv,sv39", "riscv,sv48", "riscv,sv57", "riscv,none"]

    /// Throws the first thing wrong with the configuration.
    public func validate() throws(ConfigurationError) {
        guard (1...Self.maximumHarts).contains(harts) else {
            throw .hartCount(harts)
        }
        let (end, overflow) = memoryBase.addingReportingOverflow(memorySize)
        guard memorySize > 0, !overflow, memoryBase % 0x1000 == 0, memorySize % 0x1000 == 0 else {
            throw .memory(base: memoryBase, size: memorySize)
        }
        guard let parsed = RISCVISAString(isa), parsed.xlen == 64 else {
            throw .isa(isa)
        }
        guard Self.mmuTypes.contains(mmuType) else {
            throw .mmuType(mmuType)
        }
        guard timebaseFrequency > 0 else {
            throw .timebaseFrequency
        }
        guard !bootargs.utf8.contains(0) else {
            throw .bootargs
        }
        if let initrd {
            // `end` is one past the last byte of memory, and so never UInt64.max + 1.
            guard initrd.lowerBound >= memoryBase, initrd.upperBound < end else {
                throw .initrd(initrd)
            }
        }
    }
}
