#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The virtio entropy device (virtio 1.2, 5.4): one queue (requestq) whose
/// device-writable buffers the device fills with random bytes, all of each buffer
/// (5.4.6.1 allows fewer). A device-readable buffer in a request puts the device in
/// DEVICE_NEEDS_RESET. No device-specific features, no configuration space.
///
/// The bytes come from splitmix64 with a fixed seed (the same on every run) or from
/// the host's /dev/urandom. A request completes `requestLatency` mtime ticks (5 µs)
/// after the later of its notification and the previous completion.
public final class VirtioEntropy: VirtioDevice {
    public let deviceID: UInt32 = 4
    public let name = "virtio-rng"
    public let features: UInt64 = VirtioFeature.version1 | VirtioFeature.indirectDescriptors | VirtioFeature.eventIndex
    public let queueSizes: [UInt16] = [64]
    public let configSpace: [UInt8] = []
    public let source: EntropySource
    public static let requestLatency: UInt64 = 50
    /// The most bytes one request gets: a larger buffer is filled only this far.
    public static let maximumRequest = 64 << 10

    private var generator: SplitMix64
    private var busyUntil: UInt64 = 0
    private var urandom: Int32 = -1

    public init(source: EntropySource) {
        self.source = source
        if case .seeded(let seed) = source { generator = SplitMix64(seed: seed) } else { generator = SplitMix64(seed: 0) }
    }

    deinit { if urandom >= 0 { close(urandom) } }

    /// The generator starts again from its seed only with the machine, not on a device
    /// reset, so a guest that resets the device still gets new bytes.
    public func reset() { busyUntil = 0 }

    public func process(queue: Int, transport: VirtioTransport) {
        while let chain = transport.nextChain(queue: queue) {
            guard chain.readable.isEmpty else {
                transport.fail(.wrongDirection("device-readable buffer in an entropy request"))
                return
            }
            busyUntil = completionTick(after: max(transport.clock.mtime, busyUntil), cost: Self.requestLatency)
            transport.schedule(atTick: busyUntil) { [weak self, unowned transport] in
                guard let self else { return }
                var written = 0
                var cursor = BufferCursor(chain.writable)
                while written < Self.maximumRequest, let piece = cursor.next(limit: Self.maximumRequest - written) {
                    transport.memory.write(self.randomBytes(piece.length), at: piece.address)
                    written += piece.length
                }
                transport.complete(queue: queue, head: chain.head, length: UInt32(written))
            }
        }
    }

    /// `count` bytes from the configured source.
    func randomBytes(_ count: Int) -> [UInt8] {
        switch source {
        case .seeded: return generator.bytes(count)
        case .host:
            if urandom < 0 { urandom = open("/dev/urandom", O_RDONLY) }
            var bytes = [UInt8](repeating: 0, count: count)
            var done = 0
            while done < count, urandom >= 0 {
                let n = bytes.withUnsafeMutableBytes { read(urandom, $0.baseAddress! + done, count - done) }
                if n <= 0 { break }
                done += n
            }
            // Without /dev/urandom, fall back to the generator rather than hand out zeros.
            if done < count { bytes.replaceSubrange(done..<count, with: generator.bytes(count - done)) }
            return bytes
        }
    }
}
