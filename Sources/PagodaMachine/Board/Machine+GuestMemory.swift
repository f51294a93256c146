import PagodaDevices

/// DMA: devices read and write guest RAM through `GuestMemory`, each range checked
/// against RAM's bounds before any byte moves.
extension Machine: GuestMemory {
    public func isRAM(_ address: UInt64, length: UInt64) -> Bool {
        bus.ram.contains(address, length: length)
    }

    public func readPhysical(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard bus.ram.contains(address, length: UInt64(buffer.count)) else { return false }
        if let destination = buffer.baseAddress {
            destination.copyMemory(from: bus.ram.hostAddress(address), byteCount: buffer.count)
        }
        return true
    }

    /// The one way devices write guest RAM. Like a store from a hart, it breaks every
    /// LR reservation on the bytes it writes, and it drops the harts' pre-decoded blocks
    /// of those bytes (`noteDMAWrite`), so code loaded by DMA runs as written.
    public func writePhysical(_ address: UInt64, from buffer: UnsafeRawBufferPointer) -> Bool {
        guard bus.ram.contains(address, length: UInt64(buffer.count)) else { return false }
        guard let source = buffer.baseAddress, buffer.count > 0 else { return true }
        bus.ram.hostAddress(address).copyMemory(from: source, byteCount: buffer.count)
        noteDeviceStore(physical: address, length: UInt64(buffer.count))
        noteDMAWrite(physical: address, length: UInt64(buffer.count))
        return true
    }
}
