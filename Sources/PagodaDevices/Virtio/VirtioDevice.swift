/// A virtio device behind a transport (virtio 1.2, chapter 5): its id, the features it
/// offers, its queues and configuration space, and what it does with the buffers the
/// driver makes available.
public protocol VirtioDevice: AnyObject {
    /// The device type (5, "Device Types"): 2 block, 4 entropy.
    var deviceID: UInt32 { get }
    /// A name for messages: "virtio-blk".
    var name: String { get }
    /// Every feature bit the device offers, transport bits (6, "Reserved Feature Bits") included.
    var features: UInt64 { get }
    /// QueueNumMax of each queue.
    var queueSizes: [UInt16] { get }
    /// The device configuration space (read at 0x100 on MMIO), little-endian.
    var configSpace: [UInt8] { get }
    /// The driver notified `queue`, or the device should look at it again: take the
    /// available chains through `transport` and complete them.
    func process(queue: Int, transport: VirtioTransport)
    /// The device was reset: forget requests in flight.
    func reset()
}

/// Feature bits shared by every device type (virtio 1.2, 6 "Reserved Feature Bits").
public enum VirtioFeature {
    public static let indirectDescriptors: UInt64 = 1 << 28
    public static let eventIndex: UInt64 = 1 << 29
    public static let version1: UInt64 = 1 << 32
}

/// What a transport offers the device behind it.
public protocol VirtioTransport: AnyObject {
    var memory: GuestMemory { get }
    var clock: DeviceClock { get }
    /// Whether the driver accepted `feature` (a mask of one bit).
    func negotiated(_ feature: UInt64) -> Bool
    /// The next chain the driver made available on `queue`, nil when there is none or
    /// the queue is broken (the transport has then put the device in DEVICE_NEEDS_RESET).
    func nextChain(queue: Int) -> DescriptorChain?
    /// Returns a chain to the driver with `length` bytes written, notifying it if it asked.
    func complete(queue: Int, head: UInt16, length: UInt32)
    /// The driver broke the device's protocol: DEVICE_NEEDS_RESET.
    func fail(_ error: VirtQueueError)
    /// Runs `action` at `tick` unless the device is reset (or fails) before then.
    func schedule(atTick tick: UInt64, _ action: @escaping () -> Void)
}
