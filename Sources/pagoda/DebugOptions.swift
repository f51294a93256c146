import ArgumentParser
import Foundation
import PagodaDebug
import PagodaDevices
import PagodaMachine

/// Options that put the machine under a debugger or a tracer.
struct DebugOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Wait for GDB on [HOST:]PORT (HOST defaults to 127.0.0.1; PORT 0 picks a free one) before the first instruction.",
        valueName: "[host:]port"))
    var gdb: GDBAddress?

    @Option(name: .long, help: ArgumentHelp(
        "Write a line for every retired instruction and every trap to FILE ('-' for standard error).",
        valueName: "file"))
    var trace: String?

    @Option(name: .long, help: ArgumentHelp("With --trace: only these harts, e.g. 0,2.", valueName: "ids"))
    var traceHarts: String?

    @Option(name: .long, help: ArgumentHelp("With --trace: only pcs in [START, END) (hex).", valueName: "start:end"))
    var traceRange: String?

    @Option(name: .long, help: ArgumentHelp("With --trace: only these privilege modes, e.g. S or SU.", valueName: "M|S|U"))
    var traceMode: String?

    @Option(name: .long, help: ArgumentHelp("With --trace: start at instruction N (counted from 0 over all harts).", valueName: "n"))
    var traceStart: UInt64?

    @Option(name: .long, help: ArgumentHelp("With --trace: stop tracing at instruction N; the rest runs at full speed.", valueName: "n"))
    var traceStop: UInt64?

    @Option(name: .long, help: ArgumentHelp(
        "With --trace: text (default), jsonl (one JSON object per instruction and trap; tools/trace.schema.json) or binary (records tools/trace-read.py converts to JSON lines).",
        valueName: "text|jsonl|binary"))
    var traceFormat: TraceFormatOption = .text

    func validate() throws {
        if trace == nil && (traceHarts != nil || traceRange != nil || traceMode != nil || traceStart != nil || traceStop != nil) {
            throw ValidationError("--trace-harts, --trace-range, --trace-mode, --trace-start and --trace-stop need --trace FILE")
        }
        if trace == nil && traceFormat != .text { throw ValidationError("--trace-format needs --trace FILE") }
        _ = try filter()
    }

    /// The trace filter the options describe.
    func filter() throws -> TraceFilter {
        var filter = TraceFilter(start: traceStart, stop: traceStop)
        if let text = traceHarts {
            guard let harts = TraceFilter.parseHarts(text) else { throw ValidationError("--trace-harts takes hart ids separated by commas, e.g. 0,2 (got '\(text)')") }
            filter.harts = harts
        }
        if let text = traceRange {
            guard let range = TraceFilter.parseRange(text) else { throw ValidationError("--trace-range takes START:END in hex with START < END (got '\(text)')") }
            filter.pcRange = range
        }
        if let text = traceMode {
            guard let modes = TraceFilter.parseModes(text) else { throw ValidationError("--trace-mode takes the letters M, S and U, e.g. S or SU (got '\(text)')") }
            filter.modes = modes
        }
        if let start = traceStart, let stop = traceStop, start >= stop {
            throw ValidationError("--trace-start must be less than --trace-stop")
        }
        return filter
    }

    /// Runs the machine: under the GDB stub or the tracer when asked, otherwise freely.
    func run(_ machine: Machine) throws -> StopReason {
        guard gdb != nil || trace != nil else { return machine.run() }
        let tracer: InstructionTracer?
        do {
            tracer = try trace.map { try InstructionTracer(path: $0, filter: try filter(), format: traceFormat.format) }
        } catch {
            fail(machine, "\(error)")
        }
        guard let gdb else { return TracedRun.run(machine, tracer: tracer!) }
        let server: GDBServer
        do {
            server = try GDBServer(machine: machine, host: gdb.host, port: gdb.port, tracer: tracer)
        } catch {
            fail(machine, "\(error)")
        }
        server.log = { message in FileHandle.standardError.write("pagoda: \(message)\n".data(using: .utf8)!) }
        return server.run()
    }

    private func fail(_ machine: Machine, _ message: String) -> Never {
        (machine.console as? HostConsole)?.restore()
        FileHandle.standardError.write("pagoda: \(message)\n".data(using: .utf8)!)
        Foundation.exit(ExitStatus.usage)
    }
}

/// `--gdb` values: `PORT`, `HOST:PORT` or `[IPV6]:PORT`.
struct GDBAddress: ExpressibleByArgument {
    var host = "127.0.0.1"
    var port: UInt16

    init?(argument: String) {
        var text = Substring(argument)
        if let colon = text.lastIndex(of: ":") {
            var host = text[..<colon]
            if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
            guard !host.isEmpty else { return nil }
            self.host = String(host)
            text = text[text.index(after: colon)...]
        }
        guard let port = UInt16(text) else { return nil }
        self.port = port
    }
}

/// `--trace-format`'s values.
enum TraceFormatOption: String, ExpressibleByArgument, CaseIterable {
    case text, jsonl, binary

    var format: InstructionTracer.Format { InstructionTracer.Format(rawValue: rawValue)! }
}
