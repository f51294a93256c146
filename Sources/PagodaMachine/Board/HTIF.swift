/// The host-target interface of Spike, for test programs written for it: the guest
/// writes commands to the 64-bit `tohost` word; Pagoda finds it through the ELF
/// symbol of that name and answers in `fromhost`.
///
/// Supported: exit (`tohost` odd: code = value >> 1, 0 is success), the console
/// (device 1, command 1: write the low byte), and the system-call proxy for `write`
/// (64) and `exit` (93) (device 0, command 0: `tohost` is the address of eight words
/// holding the call number and its arguments).
struct HTIF {
    let tohost: UInt64
    let fromhost: UInt64?

    enum Action {
        case none
        case exit(code: Int)
    }

    func handle(_ value: UInt64, bus: Bus, console: (UInt8) -> Void) -> Action {
        if value == 0 { return .none }
        let device = value >> 56, command = (value >> 48) & 0xFF
        defer {
            bus.write(tohost, size: 8, value: 0)
        }
        switch (device, command) {
        case (0, 0):
            if value & 1 == 1 { return .exit(code: Int(truncatingIfNeeded: value >> 1)) }
            // System-call proxy: magic memory at `value`.
            let base = value & ((1 << 48) - 1)
            guard let number = bus.read(base, size: 8) else { return .none }
            var args = [UInt64]()
            for i in 1...3 { args.append(bus.read(base &+ 8 &* UInt64(i), size: 8) ?? 0) }
            var result: UInt64 = 0
            switch number {
            case 93:  // exit
                return .exit(code: Int(truncatingIfNeeded: args[0]))
            case 64:  // write(fd, buf, len): to the console
                for i in 0..<min(args[2], 1 << 20) {
                    guard let b = bus.read(args[1] &+ i, size: 1) else { break }
                    console(UInt8(truncatingIfNeeded: b))
                }
                result = args[2]
            default:
                result = UInt64(bitPattern: -38)  // ENOSYS
            }
            bus.write(base, size: 8, value: result)
            if let f = fromhost { bus.write(f, size: 8, value: 1) }
        case (1, 1):
            console(UInt8(truncatingIfNeeded: value))
            if let f = fromhost { bus.write(f, size: 8, value: (1 << 56) | (1 << 48)) }
        default:
            break
        }
        return .none
    }
}
