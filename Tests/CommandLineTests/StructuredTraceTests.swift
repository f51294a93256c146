import Foundation
import XCTest

/// `--trace-format jsonl` and `binary`: real trace output validates against
/// tools/trace.schema.json, names the TLB miss and walk of a translated load, and the
/// binary trace converts (tools/trace-read.py) to the same records. The traces start at
/// instruction 100000 of guests/vm/stale_tlb.c: its set-up of translation and S-mode part.
final class StructuredTraceTests: XCTestCase {
    private let tools = PagodaProcess.repositoryRoot.appendingPathComponent("tools")

    private func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("pagoda-\(getpid())-\(name)")
    }

    /// Runs a tools/ python script; returns its status and output.
    private func python(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { throw XCTSkip("python3 not available") }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    private func records(_ url: URL) throws -> [[String: Any]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    private func trace(_ format: String, timing: String = "on") throws -> URL {
        let url = temporary("trace.\(format)")
        let r = try PagodaProcess.run(["run", "--timing", timing, "--trace", url.path, "--trace-format", format, "--trace-start", "100000",
                                       try PagodaProcess.guest("vm/stale_tlb.elf")])
        XCTAssertEqual(r.status, 0, r.stderr)
        return url
    }

    func testJSONLinesValidateAgainstTheSchema() throws {
        let url = try trace("jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let (status, output) = try python([tools.appendingPathComponent("trace-validate.py").path, url.path])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("records valid"), output)

        let all = try records(url)
        XCTAssertTrue(all.contains { $0["type"] as? String == "trap" }, "traps are traced")
        XCTAssertTrue(all.contains { ($0["csr"] as? [String: Any])?["name"] as? String == "satp" })
        XCTAssertTrue(all.allSatisfy { $0["type"] as? String == "trap" || $0["cycles"] is Int }, "timing on: cycles")
        // The S-mode load that first touches VA 0x40000000: a DTLB miss and a 3-level walk.
        let first = try XCTUnwrap(all.first { ($0["mem"] as? [String: Any])?["va"] as? String == "0x40000000" })
        let mem = try XCTUnwrap(first["mem"] as? [String: Any])
        XCTAssertEqual(first["mode"] as? String, "S")
        XCTAssertEqual(mem["pa"] as? String, "0x81000000")
        XCTAssertEqual(mem["asid"] as? Int, 1)
        XCTAssertEqual(mem["tlb"] as? String, "miss")
        XCTAssertEqual(mem["walk_depth"] as? Int, 3)
        XCTAssertEqual(mem["size"] as? Int, 8)
    }

    func testSchemaRejectsAMalformedRecord() throws {
        let url = temporary("bad.jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        try #"{"type":"insn","n":0,"hart":0,"mode":"X","pc":"0x0","raw":"0x13","regs":{}}"#.write(to: url, atomically: true, encoding: .utf8)
        let (status, output) = try python([tools.appendingPathComponent("trace-validate.py").path, url.path])
        XCTAssertEqual(status, 1, output)
        XCTAssertTrue(output.contains(":1:"), output)
    }

    func testTimingOffHasNoCycles() throws {
        let url = try trace("jsonl", timing: "off")
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertFalse(try records(url).contains { $0["cycles"] != nil })
    }

    func testBinaryTraceRoundTripsThroughTheReader() throws {
        let jsonl = try trace("jsonl"), binary = try trace("binary"), converted = temporary("converted.jsonl")
        defer { for u in [jsonl, binary, converted] { try? FileManager.default.removeItem(at: u) } }
        let (status, output) = try python([tools.appendingPathComponent("trace-read.py").path, binary.path, "-o", converted.path])
        XCTAssertEqual(status, 0, output)
        let expected = try records(jsonl).map { r -> NSDictionary in
            var r = r
            r["text"] = nil
            return r as NSDictionary
        }
        let got = try records(converted).map { $0 as NSDictionary }
        XCTAssertEqual(got.count, expected.count)
        XCTAssertEqual(got, expected)
        let (valid, validOutput) = try python([tools.appendingPathComponent("trace-validate.py").path, converted.path])
        XCTAssertEqual(valid, 0, validOutput)
    }

    func testReaderRejectsATruncatedOrForeignFile() throws {
        let binary = try trace("binary"), cut = temporary("cut.bin")
        defer { for u in [binary, cut] { try? FileManager.default.removeItem(at: u) } }
        let data = try Data(contentsOf: binary)
        try data.prefix(data.count - 3).write(to: cut)
        var (status, output) = try python([tools.appendingPathComponent("trace-read.py").path, cut.path, "-o", "/dev/null"])
        XCTAssertEqual(status, 1, output)
        XCTAssertTrue(output.contains("cut short"), output)
        try Data("hello".utf8).write(to: cut)
        (status, output) = try python([tools.appendingPathComponent("trace-read.py").path, cut.path])
        XCTAssertEqual(status, 1, output)
        XCTAssertTrue(output.contains("not a Pagoda binary trace"), output)
    }

    func testTraceFormatNeedsTrace() throws {
        let r = try PagodaProcess.run(["run", "--trace-format", "jsonl", try PagodaProcess.guest("vm/stale_tlb.elf")])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--trace-format needs --trace"), r.stderr)
    }
}
