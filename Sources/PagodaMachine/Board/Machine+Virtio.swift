#if canImport(Glibc)
import Glibc
#endif
import PagodaDevices

/// The eight virtio-mmio slots of the virt board (0x1000_1000 + 0x1000 n, PLIC source
/// n + 1): the drives in command-line order from slot 0, then the entropy device, the
/// rest empty.
extension Machine {
    /// Builds the slots and puts them on the bus. A drive whose image cannot be opened
    /// (the command line checks this first) is reported and its slot left empty.
    func attachVirtioSlots() {
        var devices: [VirtioDevice] = []
        for (n, drive) in configuration.drives.enumerated() {
            do {
                let disk = try DiskImage.open(drive)
                if disk.unusedTailBytes > 0 {
                    reportDeviceMessage("drive \(drive.path): its size is not a multiple of 512 bytes; the capacity "
                        + "rounds down to \(disk.capacity) sectors (the last \(disk.unusedTailBytes) bytes are not used)")
                }
                devices.append(VirtioBlock(disk: disk, serial: "pagoda-vd\(n)"))
            } catch {
                reportDeviceMessage("drive \(error)")
            }
        }
        if let source = configuration.rng { devices.append(VirtioEntropy(source: source)) }
        precondition(devices.count <= VirtMemoryMap.virtioSlots, "at most \(VirtMemoryMap.virtioSlots) virtio devices")
        virtio = (0..<VirtMemoryMap.virtioSlots).map { n in
            let base = VirtMemoryMap.virtio + UInt64(n) * VirtMemoryMap.virtioStride
            let slot = VirtioMMIO(base: base, device: n < devices.count ? devices[n] : nil, memory: self, clock: self,
                                  interrupt: plic, source: VirtMemoryMap.virtioFirstInterrupt + n) { [unowned self] message in
                self.reportDeviceMessage(message)
            }
            bus.attach(slot, at: base)
            return slot
        }
    }

    /// The block devices, in slot order.
    public var blockDevices: [VirtioBlock] { virtio.compactMap { $0.device as? VirtioBlock } }

    /// Makes every drive's writes durable (fsync); the command line calls this when the
    /// machine stops.
    public func flushDrives() {
        for block in blockDevices where !block.disk.flush() {
            reportDeviceMessage("drive \(block.disk.path): cannot flush writes to the file")
        }
    }

    /// Resets every virtio device and drops the events they had scheduled (machine reset).
    func resetVirtio() {
        deviceEvents.removeAll()
        for slot in virtio { slot.reset() }
    }

    func reportDeviceMessage(_ message: String) {
        if let onDeviceMessage {
            onDeviceMessage(message)
        } else {
            writeStandardError("pagoda: \(message)\n")
        }
    }

    /// A device wrote guest RAM: reservations on those bytes break, as for a store by another hart.
    func noteDeviceStore(physical: UInt64, length: UInt64) {
        var broke = false
        for hart in harts where hart.reservation != .max {
            if hart.reservation & ~7 <= physical &+ length &- 1 && physical <= hart.reservation | 7 {
                hart.reservation = .max
                broke = true
            }
        }
        if broke { reservationsChanged() }
    }
}

/// write(2) to standard error, named apart from the machine's own `write`.
private func writeStandardError(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
