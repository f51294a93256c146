import PagodaDevices

/// The physical address space: RAM, the boot ROM and the memory-mapped devices.
///
/// `read` and `write` answer `nil`/`false` for an address nothing decodes, which the
/// hart raises as an access fault. RAM and ROM accept any alignment within the region;
/// devices take naturally aligned accesses of 1, 2, 4 or 8 bytes only.
public final class Bus {
    public let ram: MemoryRegion
    public let rom: MemoryRegion
    private var devices: [(base: UInt64, end: UInt64, device: MMIODevice)] = []
    /// Called after every store that reaches RAM at a watched physical address (HTIF `tohost`).
    var watchedAddress: UInt64 = .max
    var onWatchedStore: ((UInt64) -> Void)?
    /// Physical pages holding an LR reservation of some hart (multi-hart machines only):
    /// stores to them take the slow path so they can break reservations.
    var reservedPages: Set<UInt64> = []
    /// The RAM that holds pre-decoded code; every write to RAM here is checked against it.
    let codePages: CodePages

    public init(ram: MemoryRegion, rom: MemoryRegion) {
        self.ram = ram
        self.rom = rom
        codePages = CodePages(ram: ram)
    }

    /// Places a device at `base`. Windows must not overlap memory or each other.
    public func attach(_ device: MMIODevice, at base: UInt64) {
        let end = base + device.windowSize
        precondition(!ram.contains(base) && !rom.contains(base), "device overlaps memory")
        precondition(devices.allSatisfy { end <= $0.base || base >= $0.end }, "device windows overlap")
        devices.append((base, end, device))
        devices.sort { $0.base < $1.base }
    }

    /// The RAM or ROM region holding `[address, address + length)`, if any.
    @inline(__always)
    func memory(containing address: UInt64, length: UInt64 = 1) -> MemoryRegion? {
        if ram.contains(address, length: length) { return ram }
        if rom.contains(address, length: length) { return rom }
        return nil
    }

    func device(at address: UInt64) -> (base: UInt64, device: MMIODevice)? {
        for d in devices where address >= d.base && address < d.end { return (d.base, d.device) }
        return nil
    }

    /// Whether anything decodes `address`.
    public func isMapped(_ address: UInt64) -> Bool {
        memory(containing: address) != nil || device(at: address) != nil
    }

    /// A physical read of `size` (1, 2, 4, 8) bytes; `nil` is an access fault.
    public func read(_ address: UInt64, size: Int) -> UInt64? {
        if let m = memory(containing: address, length: UInt64(size)) { return m.load(address, size: size) }
        guard address & UInt64(size - 1) == 0, let (base, device) = device(at: address),
              address + UInt64(size) <= base + device.windowSize
        else { return nil }
        return device.read(offset: address - base, size: size)
    }

    /// A physical write of the low `size` bytes of `value`; `false` is an access fault.
    @discardableResult
    public func write(_ address: UInt64, size: Int, value: UInt64) -> Bool {
        if ram.contains(address, length: UInt64(size)) {
            ram.store(address, size: size, value: value)
            codePages.noteWrite(address, length: UInt64(size))
            if address <= watchedAddress && watchedAddress < address + UInt64(size) {
                onWatchedStore?(ram.load(watchedAddress & ~7, size: 8))
            }
            return true
        }
        if rom.contains(address) { return false }
        guard address & UInt64(size - 1) == 0, let (base, device) = device(at: address),
              address + UInt64(size) <= base + device.windowSize
        else { return false }
        return device.write(offset: address - base, size: size, value: value)
    }
}
