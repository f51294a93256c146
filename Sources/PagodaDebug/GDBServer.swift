import Glibc
import PagodaMachine

/// `pagoda run --gdb [HOST:]PORT`: listens for one GDB connection and serves the remote
/// protocol over it. Every hart is held before its first instruction until GDB resumes
/// it. Running means stepping the resumed harts in turn, one instruction each (all-stop:
/// when one stops, all do). When GDB detaches, or the connection drops, the machine runs
/// on freely to its end; `k` ends it at once (exit status 130, as for Ctrl-A x).
public final class GDBServer {
    public let machine: Machine
    private let listener: SocketListener
    private let control: RunControl
    private let stub: GDBStub
    private let tracer: InstructionTracer?

    private var connection: SocketConnection?
    private var decoder = RemotePacketDecoder()
    /// Events read but not handled yet (read while waiting for an acknowledgment or for Ctrl-C).
    private var pending: [RemotePacketDecoder.Event] = []
    private var acknowledging = true
    /// Where to report progress ("waiting for GDB on ..."); nil for silence.
    public var log: ((String) -> Void)?

    /// The port listened on (the one chosen by the system when asked for port 0).
    public var port: UInt16 { listener.port }
    public var host: String { listener.host }

    /// Binds and listens at once (so a client may connect as soon as this returns).
    /// `tracer`, if given, traces every instruction executed meanwhile.
    public init(machine: Machine, host: String = "127.0.0.1", port: UInt16, tracer: InstructionTracer? = nil) throws {
        self.machine = machine
        listener = try SocketListener(host: host, port: port)
        control = RunControl(machine: machine)
        if let tracer { control.observers = [tracer] }
        self.tracer = tracer
        stub = GDBStub(machine: machine, control: control)
    }

    /// Waits for GDB, serves it until the machine stops, the debugger kills it, or the
    /// debugger goes away (then the machine runs to its end). Returns why it stopped.
    public func run() -> StopReason {
        defer { tracer?.finish() }
        log?("waiting for GDB on \(host):\(port)")
        do {
            connection = try listener.accept()
        } catch {
            log?("\(error); running without the debugger")
            listener.close()
            return runFreely()
        }
        listener.close()
        log?("GDB connected")
        control.interruptRequested = { [unowned self] in self.interruptArrived() }
        let reason = serve()
        connection?.close()
        return reason
    }

    // MARK: The session

    private func serve() -> StopReason {
        while true {
            guard let event = nextEvent() else {
                log?("GDB disconnected; the machine runs on")
                return runFreely()
            }
            switch event {
            case .packet(let payload):
                if acknowledging { connection?.write([UInt8(ascii: "+")]) }
                if let reason = respond(to: payload) { return reason }
            case .checksumError:
                if acknowledging { connection?.write([UInt8(ascii: "-")]) }
            case .interrupt, .ack, .nak:
                break  // Ctrl-C while stopped changes nothing; acknowledgments are awaited in `send`
            }
        }
    }

    /// Handles one packet; returns a stop reason when the session is over.
    private func respond(to payload: [UInt8]) -> StopReason? {
        switch stub.handle(payload) {
        case .reply(let reply):
            send(reply)
        case .replies(let replies):
            for reply in replies { send(reply) }
        case .startNoAckMode:
            send(Array(ascii: "OK"))
            acknowledging = false
        case .resume(let actions):
            let event = control.resume(actions)
            if connection?.isClosed ?? true {
                log?("GDB disconnected; the machine runs on")
                return runFreely()
            }
            send(stub.stopReply(for: event))
            if case .exited(let reason) = event { return reason }
        case .detach:
            send(Array(ascii: "OK"))
            connection?.close()
            log?("GDB detached; the machine runs on")
            return runFreely()
        case .kill(let acknowledge):
            if acknowledge { send(Array(ascii: "OK")) }
            connection?.close()
            return .quit
        }
        return nil
    }

    /// The rest of the run without a debugger: the machine's own run loop, or stepping
    /// when the tracer is on.
    private func runFreely() -> StopReason {
        if let reason = machine.stopReason { return reason }
        control.softwareBreakpoints = []
        control.hardwareBreakpoints = []
        control.watchpoints = []
        control.interruptRequested = { false }
        if tracer != nil {
            control.instructionBound = tracer?.filter.stop
            return TracedRun.run(control)
        }
        return machine.run()
    }

    // MARK: Input

    /// The next event from the debugger, waiting for it; nil once the connection is gone.
    private func nextEvent(timeout: Int32 = -1) -> RemotePacketDecoder.Event? {
        while pending.isEmpty {
            guard let connection, let bytes = connection.read(timeout: timeout) else { return nil }
            if bytes.isEmpty { return nil }  // timed out
            pending += decoder.feed(bytes)
        }
        return pending.removeFirst()
    }

    /// Whether Ctrl-C arrived (or the connection went away) while the machine runs.
    /// Anything else read meanwhile is kept for later.
    private func interruptArrived() -> Bool {
        guard let connection else { return true }
        guard let bytes = connection.read(timeout: 0) else { return true }
        guard !bytes.isEmpty else { return false }
        var interrupted = false
        for event in decoder.feed(bytes) {
            if event == .interrupt { interrupted = true } else { pending.append(event) }
        }
        return interrupted
    }

    // MARK: Output

    /// Sends a packet; with acknowledgments on, waits for `+`, sending again on `-`
    /// (a few times) and giving up on silence.
    private func send(_ payload: [UInt8]) {
        guard let connection else { return }
        let frame = RemotePacket.frame(payload)
        for _ in 0..<4 {
            guard connection.write(frame) else { return }
            if !acknowledging || awaitAcknowledgment() { return }
        }
    }

    /// true for `+` (or a new packet, which implies it), false for `-`.
    private func awaitAcknowledgment() -> Bool {
        while true {
            if let index = pending.firstIndex(where: { $0 == .ack || $0 == .nak }) {
                let event = pending.remove(at: index)
                return event == .ack
            }
            if pending.contains(where: { if case .packet = $0 { return true } else { return false } }) { return true }
            guard let connection, let bytes = connection.read(timeout: 5000), !bytes.isEmpty else { return true }
            pending += decoder.feed(bytes)
        }
    }
}
