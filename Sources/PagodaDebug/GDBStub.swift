import PagodaMachine

/// The GDB remote protocol's commands (GDB manual, "Remote Protocol": "Packets",
/// "General Query Packets", "Stop Reply Packets"), answered for a machine whose harts
/// are GDB's threads (thread id = hart id + 1) in all-stop mode.
///
/// The stub turns a packet's payload into a `Response`; it never runs the machine
/// itself (`GDBServer` does, through `RunControl`). Malformed packets get an `E..` reply
/// and unknown ones the empty reply ("not supported"); nothing a client sends can trap.
final class GDBStub {
    enum Response: Equatable {
        case reply([UInt8])
        /// Several packets in a row (console output `O...` then `OK` for qRcmd).
        case replies([[UInt8]])
        /// `OK`, after which acknowledgments stop (QStartNoAckMode).
        case startNoAckMode
        case resume([RunControl.Action])
        case detach
        /// End the session and the machine; `acknowledge`: answer `OK` first (vKill).
        case kill(acknowledge: Bool)
    }

    let machine: Machine
    let control: RunControl
    let registers: RegisterMap
    let monitor: MonitorCommands

    /// The hart `g`, `p`, `m` and the like act on (`Hg`).
    private(set) var generalHart = 0
    /// The hart `c` and `s` act on (`Hc`); nil for "all" or "any".
    private var continueHart: Int?
    /// The reply to `?`: the last stop.
    private(set) var lastStopReply: [UInt8]
    /// Upper limits that keep a client from growing the stub's tables without end.
    static let maximumBreakpoints = 4096
    static let maximumMemoryTransfer = 0x1000

    init(machine: Machine, control: RunControl) {
        self.machine = machine
        self.control = control
        registers = RegisterMap(hart: machine.harts[0])
        monitor = MonitorCommands(machine: machine)
        lastStopReply = Array(ascii: "T05thread:01;")
    }

    // MARK: Dispatch

    func handle(_ packet: [UInt8]) -> Response {
        guard let first = packet.first else { return .reply([]) }
        let body = packet.dropFirst()
        switch first {
        case UInt8(ascii: "?"): return .reply(lastStopReply)
        case UInt8(ascii: "g"): return .reply(readGeneralRegisters())
        case UInt8(ascii: "G"): return .reply(writeGeneralRegisters(body))
        case UInt8(ascii: "p"): return .reply(readRegister(body))
        case UInt8(ascii: "P"): return .reply(writeRegister(body))
        case UInt8(ascii: "m"): return .reply(readMemory(body))
        case UInt8(ascii: "M"): return .reply(writeMemory(body, binary: false))
        case UInt8(ascii: "X"): return .reply(writeMemory(body, binary: true))
        case UInt8(ascii: "Z"): return .reply(breakpoint(body, insert: true))
        case UInt8(ascii: "z"): return .reply(breakpoint(body, insert: false))
        case UInt8(ascii: "c"), UInt8(ascii: "C"): return resume(body, step: false, withSignal: first == UInt8(ascii: "C"))
        case UInt8(ascii: "s"), UInt8(ascii: "S"): return resume(body, step: true, withSignal: first == UInt8(ascii: "S"))
        case UInt8(ascii: "H"): return .reply(selectThread(body))
        case UInt8(ascii: "T"): return .reply(hart(threadID: body) != nil ? ok : error(1))
        case UInt8(ascii: "D"): return .detach
        case UInt8(ascii: "k"): return .kill(acknowledge: false)
        case UInt8(ascii: "q"): return query(String(decoding: body, as: UTF8.self))
        case UInt8(ascii: "Q"): return String(decoding: body, as: UTF8.self) == "StartNoAckMode" ? .startNoAckMode : .reply([])
        case UInt8(ascii: "v"): return verbose(String(decoding: body, as: UTF8.self))
        default: return .reply([])
        }
    }

    private let ok = Array(ascii: "OK")

    private func error(_ code: UInt8) -> [UInt8] { Array(ascii: "E") + Hex.encode([code]) }

    // MARK: Threads

    /// The hart a thread id names: `1`...`N` (hex), or `p<pid>.<tid>`; nil otherwise.
    private func hart<C: Collection>(threadID text: C) -> Int? where C.Element == UInt8 {
        var id = Array(text)
        if id.first == UInt8(ascii: "p"), let dot = id.firstIndex(of: UInt8(ascii: ".")) { id = Array(id[(dot + 1)...]) }
        guard let n = Hex.number(id), n >= 1, n <= UInt64(machine.harts.count) else { return nil }
        return Int(n - 1)
    }

    /// Whether a thread id is "all" (-1) or "any" (0).
    private func isWildcard<C: Collection>(_ text: C) -> Bool where C.Element == UInt8 {
        let s = String(decoding: text, as: UTF8.self)
        return s == "-1" || s == "0" || s == "p-1.-1" || s.hasSuffix(".0") || s.hasSuffix(".-1")
    }

    private func selectThread(_ body: ArraySlice<UInt8>) -> [UInt8] {
        guard let op = body.first else { return error(1) }
        let id = body.dropFirst()
        let hart: Int?
        if isWildcard(id) {
            hart = nil
        } else {
            guard let h = self.hart(threadID: id) else { return error(1) }
            hart = h
        }
        switch op {
        case UInt8(ascii: "g"): if let hart { generalHart = hart }
        case UInt8(ascii: "c"): continueHart = hart
        default: return error(1)
        }
        return ok
    }

    /// qThreadExtraInfo's text: "hart 0 S-mode sv39", "hart 1 held", "... wfi".
    func describe(_ hart: Hart) -> String {
        guard hart.isRunning else { return "hart \(hart.id) held" }
        var text = "hart \(hart.id) \(hart.privilege)-mode \(hart.mmu.mode)"
        if hart.waitingForInterrupt { text += " wfi" }
        return text
    }

    // MARK: Registers

    private var selected: Hart { machine.harts[generalHart] }

    private func readGeneralRegisters() -> [UInt8] {
        var out: [UInt8] = []
        for i in 0..<32 { out += Hex.register(selected.register(i)) }
        out += Hex.register(selected.pc)
        return out
    }

    private func writeGeneralRegisters(_ body: ArraySlice<UInt8>) -> [UInt8] {
        guard body.count >= 16, body.count % 16 == 0 else { return error(1) }
        var values: [UInt64] = []
        var i = body.startIndex
        while i < body.endIndex, values.count < RegisterMap.generalCount {
            guard let v = Hex.registerValue(body[i..<(i + 16)]) else { return error(1) }
            values.append(v)
            i += 16
        }
        for (n, v) in values.enumerated() {
            if n < 32 { selected.setRegister(n, v) } else { selected.setPC(v) }
        }
        return ok
    }

    private func readRegister(_ body: ArraySlice<UInt8>) -> [UInt8] {
        guard let n = Hex.number(body), n < 0x10000, let register = registers.register(number: Int(n)) else { return error(1) }
        guard let value = registers.read(register, of: selected) else { return Array(repeating: UInt8(ascii: "x"), count: 16) }
        return Hex.register(value)
    }

    private func writeRegister(_ body: ArraySlice<UInt8>) -> [UInt8] {
        guard let eq = body.firstIndex(of: UInt8(ascii: "=")),
              let n = Hex.number(body[..<eq]), n < 0x10000,
              let register = registers.register(number: Int(n)),
              let value = Hex.registerValue(body[(eq + 1)...])
        else { return error(1) }
        return registers.write(register, of: selected, value) ? ok : error(2)
    }

    // MARK: Memory

    /// `addr,length` then what follows (after `:` if present).
    private func addressAndLength(_ body: ArraySlice<UInt8>) -> (UInt64, UInt64, ArraySlice<UInt8>?)? {
        let colon = body.firstIndex(of: UInt8(ascii: ":"))
        let head = body[..<(colon ?? body.endIndex)]
        guard let comma = head.firstIndex(of: UInt8(ascii: ",")),
              let address = Hex.number(head[..<comma]), let length = Hex.number(head[(comma + 1)...])
        else { return nil }
        return (address, length, colon.map { body[($0 + 1)...] })
    }

    private func readMemory(_ body: ArraySlice<UInt8>) -> [UInt8] {
        guard let (address, requested, _) = addressAndLength(body) else { return error(1) }
        let length = Int(min(requested, UInt64(Self.maximumMemoryTransfer)))
        if length == 0 { return [] }
        if let bytes = selected.debugRead(address, length: length) { return Hex.encode(bytes) }
        // Part of the range is not readable: answer with the part before it.
        var bytes: [UInt8] = []
        for i in 0..<UInt64(length) {
            guard let b = selected.debugRead(address &+ i, length: 1) else { break }
            bytes += b
        }
        return bytes.isEmpty ? error(1) : Hex.encode(bytes)
    }

    private func writeMemory(_ body: ArraySlice<UInt8>, binary: Bool) -> [UInt8] {
        guard let (address, length, data) = addressAndLength(body), let data,
              length <= UInt64(RemotePacket.packetSize),
              let bytes = binary ? RemotePacket.unescape(data) : Hex.decode(data),
              bytes.count == Int(length)
        else { return error(1) }
        if bytes.isEmpty { return ok }
        return selected.debugWrite(address, bytes: bytes) ? ok : error(3)
    }

    // MARK: Breakpoints and watchpoints

    private func breakpoint(_ body: ArraySlice<UInt8>, insert: Bool) -> [UInt8] {
        let fields = body.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard fields.count >= 3, fields[0].count == 1, let type = Hex.digit(fields[0].first!),
              let address = Hex.number(fields[1]), let kind = Hex.number(fields[2].prefix { $0 != UInt8(ascii: ";") })
        else { return error(1) }
        let total = control.softwareBreakpoints.count + control.hardwareBreakpoints.count + control.watchpoints.count
        if insert && total >= Self.maximumBreakpoints { return error(0x0E) }
        switch type {
        case 0:
            if insert { control.softwareBreakpoints.insert(address) } else { control.softwareBreakpoints.remove(address) }
        case 1:
            if insert { control.hardwareBreakpoints.insert(address) } else { control.hardwareBreakpoints.remove(address) }
        case 2, 3, 4:
            let kinds: [Watchpoint.Kind] = [.write, .read, .access]
            let watch = Watchpoint(kind: kinds[Int(type) - 2], address: address, length: max(kind, 1))
            if insert {
                if !control.watchpoints.contains(watch) { control.watchpoints.append(watch) }
            } else {
                control.watchpoints.removeAll { $0 == watch }
            }
        default:
            return []  // not supported
        }
        return ok
    }

    // MARK: Resuming

    private func resume(_ body: ArraySlice<UInt8>, step: Bool, withSignal: Bool) -> Response {
        // c[addr], s[addr], C sig[;addr], S sig[;addr]: the signal is ignored (there are none).
        var addressText = body
        if withSignal {
            guard let semicolon = body.firstIndex(of: UInt8(ascii: ";")) else {
                return Hex.number(body) != nil ? resumeActions(step: step) : .reply(error(1))
            }
            addressText = body[(semicolon + 1)...]
        }
        let hart = continueHart ?? generalHart
        if !addressText.isEmpty {
            guard let address = Hex.number(addressText) else { return .reply(error(1)) }
            machine.harts[hart].setPC(address)
        }
        return resumeActions(step: step)
    }

    private func resumeActions(step: Bool) -> Response {
        let hart = continueHart ?? generalHart
        if step {
            var actions = [RunControl.Action](repeating: .stop, count: machine.harts.count)
            actions[hart] = .step
            return .resume(actions)
        }
        return .resume([RunControl.Action](repeating: .run, count: machine.harts.count))
    }

    /// `vCont;ACTION[:THREAD];...` ("vCont packet"): each hart takes the leftmost action
    /// that names it (or names no thread); harts no action names stay stopped.
    private func vCont(_ text: Substring) -> Response {
        var actions = [RunControl.Action?](repeating: nil, count: machine.harts.count)
        for item in text.split(separator: ";") {
            let parts = item.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard let letter = parts[0].first else { return .reply(error(1)) }
            let action: RunControl.Action
            switch letter {
            case "c", "C": action = .run
            case "s", "S": action = .step
            default: return .reply([])  // 't', 'r' and others are not supported
            }
            if parts.count == 2 && !isWildcard(Array(parts[1].utf8)) {
                guard let hart = hart(threadID: Array(parts[1].utf8)) else { return .reply(error(1)) }
                if actions[hart] == nil { actions[hart] = action }
            } else {
                for i in actions.indices where actions[i] == nil { actions[i] = action }
            }
        }
        let resolved = actions.map { $0 ?? .stop }
        guard resolved.contains(where: { $0 != .stop }) else { return .reply(error(1)) }
        return .resume(resolved)
    }

    /// The stop reply for an event, which also becomes the answer to `?`; the hart that
    /// stopped becomes the selected thread, as GDB assumes.
    func stopReply(for event: RunControl.Event) -> [UInt8] {
        let reply: String
        func thread(_ hart: Hart) -> String {
            generalHart = hart.id
            continueHart = nil
            return "thread:\(hex(UInt64(hart.id + 1), digits: 2));"
        }
        switch event {
        case .breakpoint(let hart, let hardware):
            reply = "T05" + thread(hart) + (hardware ? "hwbreak:;" : "swbreak:;")
        case .watchpoint(let hart, let kind, let address):
            reply = "T05" + thread(hart) + "\(kind.stopKey):\(String(address, radix: 16));"
        case .stepped(let hart):
            reply = "T05" + thread(hart)
        case .interrupted, .bound:
            let hart = machine.harts[generalHart].isRunning ? machine.harts[generalHart] : machine.harts.first(where: \.isRunning) ?? machine.harts[0]
            reply = "T02" + thread(hart)
        case .exited(let reason):
            return Array(ascii: "W") + Hex.encode([GDBStub.exitStatus(reason)])
        }
        lastStopReply = Array(reply.utf8)
        return lastStopReply
    }

    /// The exit status reported when the machine stops (as `pagoda run` exits).
    static func exitStatus(_ reason: StopReason) -> UInt8 {
        switch reason {
        case .passed: return 0
        case .failed(let code): return code & 0xFF == 0 ? 1 : UInt8(code & 0xFF)
        case .instructionLimit: return 124
        case .deadlock: return 125
        case .quit: return 130
        }
    }

    // MARK: Queries

    private func query(_ text: String) -> Response {
        if text.hasPrefix("Supported") {
            return .reply(Array(ascii: "PacketSize=\(String(RemotePacket.packetSize, radix: 16));QStartNoAckMode+;"
                + "qXfer:features:read+;swbreak+;hwbreak+;vContSupported+"))
        }
        if text.hasPrefix("Xfer:features:read:") { return .reply(readFeatures(text.dropFirst("Xfer:features:read:".count))) }
        if text == "fThreadInfo" {
            return .reply(Array(ascii: "m" + machine.harts.map { String($0.id + 1, radix: 16) }.joined(separator: ",")))
        }
        if text == "sThreadInfo" { return .reply(Array(ascii: "l")) }
        if text == "C" { return .reply(Array(ascii: "QC" + String(generalHart + 1, radix: 16))) }
        if text.hasPrefix("Attached") { return .reply(Array(ascii: "1")) }
        if text.hasPrefix("ThreadExtraInfo,") {
            guard let hart = hart(threadID: Array(text.dropFirst("ThreadExtraInfo,".count).utf8)) else { return .reply(error(1)) }
            return .reply(Hex.encode(describe(machine.harts[hart])))
        }
        if text.hasPrefix("Rcmd,") {
            guard let bytes = Hex.decode(Array(text.dropFirst("Rcmd,".count).utf8)) else { return .reply(error(1)) }
            let output = monitor.run(String(decoding: bytes, as: UTF8.self), hart: generalHart)
            return .replies(consoleOutput(output) + [ok])
        }
        return .reply([])
    }

    /// `O` packets carrying text for GDB's console, in pieces that fit a packet.
    private func consoleOutput(_ text: String) -> [[UInt8]] {
        let bytes = Array(text.utf8)
        let piece = 1024
        return stride(from: 0, to: bytes.count, by: piece).map {
            Array(ascii: "O") + Hex.encode(bytes[$0..<min($0 + piece, bytes.count)])
        }
    }

    /// `qXfer:features:read:ANNEX:OFFSET,LENGTH` ("qXfer read"): `m` and a piece, or `l`
    /// and the last piece, binary-escaped.
    private func readFeatures(_ text: Substring) -> [UInt8] {
        guard let colon = text.firstIndex(of: ":") else { return error(1) }
        let annex = text[..<colon]
        let range = Array(text[text.index(after: colon)...].utf8)
        guard annex == "target.xml" else { return error(0) }
        guard let comma = range.firstIndex(of: UInt8(ascii: ",")),
              let offset = Hex.number(range[..<comma]), let length = Hex.number(range[(comma + 1)...])
        else { return error(1) }
        let document = Array(registers.targetXML.utf8)
        guard offset <= UInt64(document.count) else { return error(1) }
        let start = Int(offset)
        let end = start + Int(min(length, UInt64(document.count - start), UInt64(RemotePacket.packetSize / 2)))
        let marker = UInt8(ascii: end >= document.count ? "l" : "m")
        return [marker] + RemotePacket.escape(Array(document[start..<end]))
    }

    // MARK: v packets

    private func verbose(_ text: String) -> Response {
        if text == "Cont?" { return .reply(Array(ascii: "vCont;c;C;s;S")) }
        if text.hasPrefix("Cont;") { return vCont(text.dropFirst("Cont;".count)) }
        if text.hasPrefix("Kill") { return .kill(acknowledge: true) }
        return .reply([])
    }
}
