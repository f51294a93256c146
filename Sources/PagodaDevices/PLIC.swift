/// The platform-level interrupt controller of QEMU's `virt` board, laid out as the
/// RISC-V PLIC specification's memory map:
///
///     0x000000 + 4*s              priority of source s (source 0 does not exist)
///     0x001000 + 4*w              pending bits of sources 32w..32w+31 (read-only)
///     0x002000 + 0x80*c + 4*w     enable bits of sources 32w..32w+31 for context c
///     0x200000 + 0x1000*c         priority threshold of context c
///     0x200004 + 0x1000*c         claim (read) / complete (write) of context c
///
/// Contexts are numbered as on QEMU's `virt`: context 2h is hart h's M-mode, 2h+1 its
/// S-mode. Priorities and thresholds hold 3 bits (0-7, as QEMU's `virt`), other bits
/// are WARL zeros. Registers are 32 bits wide and take 4-byte accesses only ("accessed
/// atomically with LW and SW", Memory Map); other sizes fault. Offsets in the window
/// that name no register read 0 and ignore writes.
///
/// Every source is level-triggered. Its gateway is one of two (`Gateway`):
/// - `.specification`, as the specification's "Interrupt Gateways" describes: a high
///   level makes a request (sets the pending bit) unless the source's previous request
///   is still in service, that is claimed and not yet completed; completing it forwards
///   a new request if the level is still high.
/// - `.qemu` (the default), as QEMU 7.2's `virt` PLIC behaves: a request is made each
///   time a device signals its line high (a device signals when its line rises and when
///   a new interrupt condition arises while it is high), also while the previous one is
///   in service; a completion does not look at the level again. Kernels written against
///   QEMU that never clear a device's interrupt condition (a 16550 THR-empty interrupt
///   left pending because IIR is never read) take it once there, and forever with the
///   specification's gateway.
/// One departure in both, taken from QEMU: a level that falls while its request is
/// pending and unclaimed withdraws the request, where the specification keeps it pending
/// ("The gateway does not have the facility to retract an interrupt request").
/// Another, also QEMU's: a claim honours the threshold (the specification says a claim
/// "is not affected by the setting of the priority threshold register").
public final class PLIC: MMIODevice, InterruptLine {
    /// How a source's level becomes requests (see the type's description).
    public enum Gateway: String, Sendable, CaseIterable {
        case specification = "spec"
        case qemu
    }

    public let windowSize: UInt64 = 0x400_0000
    public let gateway: Gateway
    public let harts: Int
    /// The number of source ids, including the reserved id 0.
    public let sources: Int
    /// The number of contexts: two per hart.
    public var contexts: Int { 2 * harts }

    /// The largest priority and threshold: three bits, as on QEMU's `virt`.
    public static let maximumPriority: UInt32 = 7
    /// The most source ids the layout has room for.
    public static let maximumSources = 1024
    /// The most harts the layout has room for (15872 contexts).
    public static let maximumHarts = 7936

    private var priority: [UInt32]
    private var threshold: [UInt32]
    /// Bit sets over source ids, 32 per word.
    private var pending: [UInt32]
    private var inService: [UInt32]
    private var level: [UInt32]
    /// Enable bits, `words` words per context.
    private var enable: [UInt32]
    /// The enable bits that exist in each word: not source 0, not ids >= `sources`.
    private let enableMask: [UInt32]
    private let words: Int

    private static let pendingBase: UInt64 = 0x1000
    private static let enableBase: UInt64 = 0x2000
    private static let enableStride: UInt64 = 0x80
    private static let contextBase: UInt64 = 0x20_0000
    private static let contextStride: UInt64 = 0x1000

    /// The context of `hart`'s M-mode.
    public static func machineContext(hart: Int) -> Int { 2 * hart }
    /// The context of `hart`'s S-mode.
    public static func supervisorContext(hart: Int) -> Int { 2 * hart + 1 }

    /// A PLIC for harts 0..<`harts` with source ids 0..<`sources` (QEMU's `virt` has 96).
    public init(harts: Int, sources: Int = 96, gateway: Gateway = .qemu) {
        precondition((1...Self.maximumHarts).contains(harts), "PLIC supports 1...\(Self.maximumHarts) harts")
        precondition((2...Self.maximumSources).contains(sources), "PLIC supports 2...\(Self.maximumSources) source ids")
        self.harts = harts
        self.sources = sources
        self.gateway = gateway
        words = (sources + 31) / 32
        priority = Array(repeating: 0, count: sources)
        threshold = Array(repeating: 0, count: 2 * harts)
        pending = Array(repeating: 0, count: words)
        inService = Array(repeating: 0, count: words)
        level = Array(repeating: 0, count: words)
        enable = Array(repeating: 0, count: 2 * harts * words)
        enableMask = (0..<words).map { word in
            let firstMissing = sources - 32 * word
            var mask: UInt32 = firstMissing >= 32 ? .max : (1 << UInt32(firstMissing)) - 1
            if word == 0 { mask &= ~1 }
            return mask
        }
    }

    // MARK: - Interrupt sources

    /// The device on `source` signals its level: when it changes, and (high) when a new
    /// interrupt condition arises. Ids outside 1..<`sources` are ignored.
    public func setLevel(source: Int, _ high: Bool) {
        guard (1..<sources).contains(source) else { return }
        setBit(&level, source, high)
        if gateway == .qemu || !bit(inService, source) {
            setBit(&pending, source, high)
        }
    }

    // MARK: - Queries for the harts

    /// The context's external interrupt pending bit (EIP, "Interrupt Notifications"):
    /// some pending source enabled for it has a priority above its threshold.
    public func interruptPending(context: Int) -> Bool {
        guard (0..<contexts).contains(context) else { return false }
        return bestCandidate(context: context) != nil
    }

    // MARK: - Bus interface

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard size == 4, MMIOAccess.isNaturallyAligned(offset: offset, size: size), offset < windowSize else {
            return nil
        }
        switch offset {
        case ..<Self.pendingBase:
            let source = Int(offset / 4)
            return source < sources ? UInt64(priority[source]) : 0
        case ..<Self.enableBase:
            let word = Int((offset - Self.pendingBase) / 4)
            return word < words ? UInt64(pending[word]) : 0
        case ..<Self.contextBase:
            guard let index = enableIndex(offset) else { return 0 }
            return UInt64(enable[index])
        default:
            guard let (context, register) = contextRegister(offset) else { return 0 }
            switch register {
            case 0: return UInt64(threshold[context])
            case 4: return UInt64(claim(context: context))
            default: return 0
            }
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard size == 4, MMIOAccess.isNaturallyAligned(offset: offset, size: size), offset < windowSize else {
            return false
        }
        let word = UInt32(truncatingIfNeeded: value)
        switch offset {
        case ..<Self.pendingBase:
            let source = Int(offset / 4)
            if source > 0, source < sources { priority[source] = word & Self.maximumPriority }
        case ..<Self.enableBase:
            break  // the pending bits are read-only
        case ..<Self.contextBase:
            if let index = enableIndex(offset) { enable[index] = word & enableMask[index % words] }
        default:
            guard let (context, register) = contextRegister(offset) else { break }
            switch register {
            case 0: threshold[context] = word & Self.maximumPriority
            case 4: complete(context: context, source: Int(word))
            default: break
            }
        }
        return true
    }

    // MARK: - Claim and complete

    /// "Interrupt Claim Process": the id of the highest-priority pending interrupt for the
    /// context (0 if none), whose pending bit is cleared and which is now in service.
    private func claim(context: Int) -> UInt32 {
        guard let source = bestCandidate(context: context) else { return 0 }
        setBit(&pending, source, false)
        setBit(&inService, source, true)
        return UInt32(source)
    }

    /// "Interrupt Completion": ends the service of `source`, which then (with the
    /// specification's gateway) makes a new request if its level is still high. "If the completion ID does not match an
    /// interrupt source that is currently enabled for the target, the completion is
    /// silently ignored."
    private func complete(context: Int, source: Int) {
        guard (1..<sources).contains(source), isEnabled(source, context: context) else { return }
        setBit(&inService, source, false)
        if gateway == .specification, bit(level, source) {
            setBit(&pending, source, true)
        }
    }

    /// The pending, enabled source not in service with the highest priority above the
    /// context's threshold; ties go to the lowest id ("Interrupt Identifiers").
    private func bestCandidate(context: Int) -> Int? {
        var best: Int?
        var bestPriority = threshold[context]
        let enableBase = context * words
        for word in 0..<words {
            var candidates = pending[word] & ~inService[word] & enable[enableBase + word]
            while candidates != 0 {
                let source = 32 * word + candidates.trailingZeroBitCount
                candidates &= candidates - 1
                if priority[source] > bestPriority {
                    best = source
                    bestPriority = priority[source]
                }
            }
        }
        return best
    }

    // MARK: - Decoding

    /// The index in `enable` of the word at `offset` (in the enable block), if it exists.
    private func enableIndex(_ offset: UInt64) -> Int? {
        let relative = offset - Self.enableBase
        let context = relative / Self.enableStride
        let word = Int(relative % Self.enableStride / 4)
        guard context < UInt64(contexts), word < words else { return nil }
        return Int(context) * words + word
    }

    /// The context and the register offset within its block for `offset` (in the
    /// context block), if the context exists.
    private func contextRegister(_ offset: UInt64) -> (context: Int, register: UInt64)? {
        let relative = offset - Self.contextBase
        let context = relative / Self.contextStride
        guard context < UInt64(contexts) else { return nil }
        return (Int(context), relative % Self.contextStride)
    }

    // MARK: - Bit sets

    private func bit(_ set: [UInt32], _ index: Int) -> Bool {
        set[index / 32] & (1 << UInt32(index % 32)) != 0
    }

    private func isEnabled(_ source: Int, context: Int) -> Bool {
        enable[context * words + source / 32] & (1 << UInt32(source % 32)) != 0
    }

    private func setBit(_ set: inout [UInt32], _ index: Int, _ value: Bool) {
        let mask: UInt32 = 1 << UInt32(index % 32)
        if value {
            set[index / 32] |= mask
        } else {
            set[index / 32] &= ~mask
        }
    }
}
