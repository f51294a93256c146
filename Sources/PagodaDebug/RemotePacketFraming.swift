/// The framing layer of the GDB remote serial protocol (GDB manual, "Remote Protocol",
/// "Overview"): a packet is `$payload#cs`, where cs is the modulo-256 sum of the payload
/// bytes in two hex digits; the receiver answers `+` (accepted) or `-` (resend) unless
/// no-acknowledgment mode is on; a bare 0x03 byte outside a packet is an interrupt
/// request ("Interrupts").
///
/// The decoder takes bytes as they come from the socket, in pieces of any size, and never
/// traps on malformed input: bytes outside packets are ignored, a bad checksum or an
/// oversized packet is reported as `checksumError` (the caller answers `-`).
struct RemotePacketDecoder {
    enum Event: Equatable {
        case packet([UInt8])
        case checksumError
        case interrupt
        case ack
        case nak
    }

    /// The longest payload accepted: the `PacketSize` the stub announces, with room for
    /// escapes. Longer packets are dropped and answered `-`.
    static let maximumPayload = RemotePacket.packetSize * 2

    private enum State {
        case idle
        case payload
        case checksumHigh
        case checksumLow(UInt8)
    }

    private var state = State.idle
    private var payload: [UInt8] = []
    private var sum: UInt8 = 0
    /// The packet being read is longer than `maximumPayload`: it is read to its end and rejected.
    private var overflowed = false

    /// Feeds bytes; returns the events they complete, in order.
    mutating func feed<S: Sequence>(_ bytes: S) -> [Event] where S.Element == UInt8 {
        var events: [Event] = []
        for b in bytes {
            if let e = feed(byte: b) { events.append(e) }
        }
        return events
    }

    mutating func feed(byte b: UInt8) -> Event? {
        switch state {
        case .idle:
            switch b {
            case UInt8(ascii: "$"):
                startPacket()
            case UInt8(ascii: "+"): return .ack
            case UInt8(ascii: "-"): return .nak
            case 0x03: return .interrupt
            default: break  // noise between packets
            }
        case .payload:
            switch b {
            case UInt8(ascii: "#"):
                state = .checksumHigh
            case UInt8(ascii: "$"):
                startPacket()  // '$' never appears unescaped inside a packet: resynchronise
            default:
                if payload.count < Self.maximumPayload {
                    payload.append(b)
                    sum &+= b
                } else {
                    overflowed = true
                    payload = []
                }
            }
        case .checksumHigh:
            guard let d = Hex.digit(b) else { state = .idle; return .checksumError }
            state = .checksumLow(d)
        case .checksumLow(let high):
            state = .idle
            guard let low = Hex.digit(b), high << 4 | low == sum, !overflowed else {
                payload = []
                return .checksumError
            }
            defer { payload = [] }
            return .packet(payload)
        }
        return nil
    }

    private mutating func startPacket() {
        state = .payload
        payload = []
        sum = 0
        overflowed = false
    }
}

/// Building packets to send.
enum RemotePacket {
    /// The largest packet the stub accepts (announced as `PacketSize` in qSupported).
    static let packetSize = 0x4000

    /// `$payload#cs`. The payload is sent as given: binary replies must be escaped first.
    static func frame(_ payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "$")]
        out.append(contentsOf: payload)
        out.append(UInt8(ascii: "#"))
        let sum = payload.reduce(UInt8(0), &+)
        out.append(contentsOf: Hex.encode([sum]))
        return out
    }

    /// Escapes binary data ("Overview": `}` then the byte XOR 0x20, for `#`, `$`, `}` and
    /// `*`, the last so the receiver does not take it for run-length encoding).
    static func escape(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for b in bytes {
            switch b {
            case UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "}"), UInt8(ascii: "*"):
                out.append(UInt8(ascii: "}"))
                out.append(b ^ 0x20)
            default:
                out.append(b)
            }
        }
        return out
    }

    /// Undoes `escape`; nil when the data ends in the middle of an escape.
    static func unescape<C: Collection>(_ bytes: C) -> [UInt8]? where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var escaped = false
        for b in bytes {
            if escaped {
                out.append(b ^ 0x20)
                escaped = false
            } else if b == UInt8(ascii: "}") {
                escaped = true
            } else {
                out.append(b)
            }
        }
        return escaped ? nil : out
    }
}
