/// The virtio-over-MMIO transport, version 2 ("modern"), as virtio 1.2 section 4.2.2
/// ("MMIO Device Register Layout") lays it out. All registers are 32 bits wide:
///
///     0x000 MagicValue 0x74726976     0x004 Version 2        0x008 DeviceID
///     0x00c VendorID 0x554d4551       0x010 DeviceFeatures   0x014 DeviceFeaturesSel
///     0x020 DriverFeatures            0x024 DriverFeaturesSel
///     0x030 QueueSel                  0x034 QueueNumMax      0x038 QueueNum
///     0x044 QueueReady                0x050 QueueNotify
///     0x060 InterruptStatus           0x064 InterruptACK     0x070 Status
///     0x080/0x084 QueueDescLow/High   0x090/0x094 QueueDriverLow/High
///     0x0a0/0x0a4 QueueDeviceLow/High 0x0fc ConfigGeneration
///     0x100...    device configuration space
///
/// A slot without a device answers MagicValue, Version and VendorID, DeviceID 0 ("the
/// device MUST return value 0x0 in DeviceID" for a placeholder), 0 elsewhere, and
/// ignores writes, as QEMU's empty virtio-mmio slots do. The vendor id is QEMU's
/// ("QEMU" in ASCII), so drivers that check it work. Accesses of other sizes than 4 to
/// the registers read 0 and are ignored, as on QEMU; the configuration space takes 1,
/// 2, 4 and 8-byte accesses.
///
/// Interrupts: InterruptStatus bit 0 (used buffer) and bit 1 (configuration change);
/// the PLIC line is high while any bit is set. A driver that breaks a queue puts the
/// device in DEVICE_NEEDS_RESET (Status bit 0x40, 2.1.2) with a configuration-change
/// interrupt once DRIVER_OK is set, and one line is reported (once until the next
/// reset); the device then ignores its queues until the driver writes 0 to Status.
public final class VirtioMMIO: MMIODevice, VirtioTransport {
    public let windowSize: UInt64 = 0x1000
    /// The window's physical address, for messages.
    public let base: UInt64
    public let device: VirtioDevice?
    public unowned let memory: GuestMemory
    public unowned let clock: DeviceClock
    private let interrupt: InterruptLine
    private let source: Int
    private let report: (String) -> Void

    public static let magic: UInt32 = 0x7472_6976
    public static let version: UInt32 = 2
    public static let vendorID: UInt32 = 0x554D_4551

    /// Device status bits (2.1).
    public enum Status {
        public static let acknowledge: UInt32 = 1
        public static let driver: UInt32 = 2
        public static let driverOK: UInt32 = 4
        public static let featuresOK: UInt32 = 8
        public static let needsReset: UInt32 = 0x40
        public static let failed: UInt32 = 0x80
    }
    public static let interruptUsedBuffer: UInt32 = 1
    public static let interruptConfigChange: UInt32 = 2

    public private(set) var status: UInt32 = 0
    public private(set) var interruptStatus: UInt32 = 0
    private var deviceFeaturesSelect: UInt32 = 0
    private var driverFeaturesSelect: UInt32 = 0
    private var driverFeatures: UInt64 = 0
    /// The features in force since the driver set FEATURES_OK.
    private var acceptedFeatures: UInt64 = 0
    private var queueSelect: UInt32 = 0
    public private(set) var queues: [VirtQueue]
    /// Counts resets and failures: callbacks scheduled before one are dropped.
    private var epoch: UInt64 = 0
    private var reported = false

    /// A slot at `base` holding `device` (nil: an empty slot), raising PLIC `source`.
    /// `report` receives the one-line message when a driver breaks the device.
    public init(base: UInt64, device: VirtioDevice?, memory: GuestMemory, clock: DeviceClock,
                interrupt: InterruptLine, source: Int, report: @escaping (String) -> Void) {
        self.base = base
        self.device = device
        self.memory = memory
        self.clock = clock
        self.interrupt = interrupt
        self.source = source
        self.report = report
        queues = (device?.queueSizes ?? []).map { VirtQueue(maxSize: $0) }
    }

    // MARK: Reset

    /// Device reset (Status written with 0, or the machine reset): everything back to
    /// its initial state, requests in flight forgotten.
    public func reset() {
        status = 0
        interruptStatus = 0
        interrupt.setLevel(source: source, false)
        deviceFeaturesSelect = 0
        driverFeaturesSelect = 0
        driverFeatures = 0
        acceptedFeatures = 0
        queueSelect = 0
        for i in queues.indices { queues[i].reset() }
        epoch &+= 1
        reported = false
        device?.reset()
    }

    // MARK: Bus interface

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard MMIOAccess.isNaturallyAligned(offset: offset, size: size), offset < windowSize else { return nil }
        if offset >= 0x100 {
            return readConfig(offset: Int(offset - 0x100), size: size)
        }
        guard size == 4 else { return 0 }
        switch offset {
        case 0x000: return UInt64(Self.magic)
        case 0x004: return UInt64(Self.version)
        case 0x008: return UInt64(device?.deviceID ?? 0)
        case 0x00C: return UInt64(Self.vendorID)
        default: break
        }
        guard let device else { return 0 }
        switch offset {
        case 0x010:
            switch deviceFeaturesSelect {
            case 0: return device.features & 0xFFFF_FFFF
            case 1: return device.features >> 32
            default: return 0
            }
        case 0x034: return UInt64(selectedQueue?.maxSize ?? 0)
        case 0x038: return UInt64(selectedQueue?.size ?? 0)
        case 0x044: return (selectedQueue?.ready ?? false) ? 1 : 0
        case 0x060: return UInt64(interruptStatus)
        case 0x070: return UInt64(status)
        case 0x080: return (selectedQueue?.descriptorTable ?? 0) & 0xFFFF_FFFF
        case 0x084: return (selectedQueue?.descriptorTable ?? 0) >> 32
        case 0x090: return (selectedQueue?.driverArea ?? 0) & 0xFFFF_FFFF
        case 0x094: return (selectedQueue?.driverArea ?? 0) >> 32
        case 0x0A0: return (selectedQueue?.deviceArea ?? 0) & 0xFFFF_FFFF
        case 0x0A4: return (selectedQueue?.deviceArea ?? 0) >> 32
        case 0x0FC: return 0  // ConfigGeneration: the configuration never changes
        default: return 0
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard MMIOAccess.isNaturallyAligned(offset: offset, size: size), offset < windowSize else { return false }
        guard device != nil, offset < 0x100, size == 4 else { return true }
        let word = UInt32(truncatingIfNeeded: value)
        switch offset {
        case 0x014: deviceFeaturesSelect = word
        case 0x020:
            switch driverFeaturesSelect {
            case 0: driverFeatures = driverFeatures & ~0xFFFF_FFFF | UInt64(word)
            case 1: driverFeatures = driverFeatures & 0xFFFF_FFFF | UInt64(word) << 32
            default: break
            }
        case 0x024: driverFeaturesSelect = word
        case 0x030: queueSelect = word
        case 0x038: updateQueue { $0.size = word }
        case 0x044: setQueueReady(word & 1 != 0)
        case 0x050: notify(queue: Int(word))
        case 0x064: acknowledge(word)
        case 0x070: writeStatus(word)
        case 0x080: updateQueue { $0.descriptorTable = $0.descriptorTable & ~0xFFFF_FFFF | UInt64(word) }
        case 0x084: updateQueue { $0.descriptorTable = $0.descriptorTable & 0xFFFF_FFFF | UInt64(word) << 32 }
        case 0x090: updateQueue { $0.driverArea = $0.driverArea & ~0xFFFF_FFFF | UInt64(word) }
        case 0x094: updateQueue { $0.driverArea = $0.driverArea & 0xFFFF_FFFF | UInt64(word) << 32 }
        case 0x0A0: updateQueue { $0.deviceArea = $0.deviceArea & ~0xFFFF_FFFF | UInt64(word) }
        case 0x0A4: updateQueue { $0.deviceArea = $0.deviceArea & 0xFFFF_FFFF | UInt64(word) << 32 }
        default: break
        }
        return true
    }

    // MARK: Registers

    private var selectedQueue: VirtQueue? {
        Int(exactly: queueSelect).flatMap { queues.indices.contains($0) ? queues[$0] : nil }
    }

    /// Changes the selected queue's configuration; ignored while it is ready (4.2.3.2:
    /// the driver sets it up before writing QueueReady) or when QueueSel names no queue.
    private func updateQueue(_ change: (inout VirtQueue) -> Void) {
        let i = Int(queueSelect)
        guard queues.indices.contains(i), !queues[i].ready else { return }
        change(&queues[i])
    }

    private func setQueueReady(_ ready: Bool) {
        let i = Int(queueSelect)
        guard queues.indices.contains(i) else { return }
        queues[i].ready = ready
        guard ready else { return }
        do {
            try queues[i].validate(memory)
        } catch {
            fail(error)
        }
    }

    private func writeStatus(_ value: UInt32) {
        guard value != 0 else { reset(); return }
        var new = value & ~Status.needsReset | status & Status.needsReset
        if new & Status.featuresOK != 0 && status & Status.featuresOK == 0 {
            // 3.1.1 step 5: the device leaves FEATURES_OK clear when it cannot accept
            // the driver's features: bits it did not offer. A driver that leaves
            // VIRTIO_F_VERSION_1 out (6.2 lets the device refuse it) is accepted, as QEMU
            // accepts it: drivers written for this transport (xv6's) set only the low
            // word, and the device behaves the same either way.
            let offered = device?.features ?? 0
            if driverFeatures & ~offered != 0 {
                new &= ~Status.featuresOK
            } else {
                acceptedFeatures = driverFeatures
            }
        }
        status = new
    }

    private func acknowledge(_ bits: UInt32) {
        interruptStatus &= ~bits
        interrupt.setLevel(source: source, interruptStatus != 0)
    }

    private func raise(_ bits: UInt32) {
        interruptStatus |= bits
        interrupt.setLevel(source: source, interruptStatus != 0)
    }

    private var broken: Bool { status & Status.needsReset != 0 }

    private func notify(queue: Int) {
        guard let device, queues.indices.contains(queue), queues[queue].ready,
              status & Status.driverOK != 0, !broken
        else { return }
        device.process(queue: queue, transport: self)
    }

    // MARK: VirtioTransport

    public func negotiated(_ feature: UInt64) -> Bool { acceptedFeatures & feature == feature }

    public func nextChain(queue: Int) -> DescriptorChain? {
        guard queues.indices.contains(queue), queues[queue].ready, !broken else { return nil }
        do {
            return try queues[queue].popAvailable(memory, indirect: negotiated(VirtioFeature.indirectDescriptors),
                                                  eventIndex: negotiated(VirtioFeature.eventIndex))
        } catch {
            fail(error)
            return nil
        }
    }

    public func complete(queue: Int, head: UInt16, length: UInt32) {
        guard queues.indices.contains(queue), queues[queue].ready, !broken else { return }
        if queues[queue].pushUsed(memory, head: head, length: length, eventIndex: negotiated(VirtioFeature.eventIndex)) {
            raise(Self.interruptUsedBuffer)
        }
    }

    public func fail(_ error: VirtQueueError) {
        if !reported {
            reported = true
            report("\(device?.name ?? "virtio")@0x\(String(base, radix: 16)): \(error); the device needs a reset")
        }
        status |= Status.needsReset
        epoch &+= 1
        // 2.1.2: "If DRIVER_OK is set, after it sets DEVICE_NEEDS_RESET, the device MUST
        // send a device configuration change notification to the driver."
        if status & Status.driverOK != 0 { raise(Self.interruptConfigChange) }
    }

    public func schedule(atTick tick: UInt64, _ action: @escaping () -> Void) {
        let scheduled = epoch
        clock.schedule(atTick: tick) { [weak self] in
            guard let self, self.epoch == scheduled else { return }
            action()
        }
    }

    // MARK: Configuration space

    private func readConfig(offset: Int, size: Int) -> UInt64 {
        guard let config = device?.configSpace else { return 0 }
        var value: UInt64 = 0
        for i in 0..<size where offset + i < config.count {
            value |= UInt64(config[offset + i]) << (8 * UInt64(i))
        }
        return value
    }
}
