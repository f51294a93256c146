import Foundation
import XCTest

/// `pagoda` as a user runs it: bad flags and bad kernels give one clear line on
/// standard error and a distinct non-zero exit status, never a crash.
final class CommandLineTests: XCTestCase {
    typealias Result = PagodaProcess.Result

    func run(_ arguments: [String]) throws -> Result { try PagodaProcess.run(arguments) }

    func temporaryFile(_ bytes: [UInt8], name: String = "kernel.elf") throws -> String {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("pagoda-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func testHelpDocumentsEveryOption() throws {
        let r = try run(["run", "--help"])
        XCTAssertEqual(r.status, 0)
        for option in ["--memory", "--harts", "--max-instructions", "--bootargs", "--stats", "--stats-interval", "--itlb",
                       "--dtlb", "--l2tlb", "--walk-cycles", "--svade", "--boot-all-harts", "--quantum", "--timing", "--profile"] {
            XCTAssertTrue(r.stdout.contains(option), "help lacks \(option)")
        }
        XCTAssertTrue(r.stdout.contains("Exit status"))
    }

    func testBadFlagsAreUsageErrors() throws {
        let kernel = try temporaryFile([0x7F, 0x45, 0x4C, 0x46])
        for args in [["run", "--memory", "12Q", kernel], ["run", "--memory", "1000", kernel], ["run", "--memory", "64G", kernel],
                     ["run", "--harts", "0", kernel], ["run", "--harts", "65", kernel], ["run", "--itlb", "24:5", kernel],
                     ["run", "--itlb", "32:4:mru", kernel], ["run", "--timing", "maybe", kernel], ["run", "--max-instructions", "0", kernel],
                     ["run", "--stats-interval", "10", kernel], ["run", "--quantum", "0", kernel], ["run", "--no-such-flag", kernel],
                     ["run"], ["frobnicate"]] {
            let r = try run(args)
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("Error") || r.stderr.contains("error"), "\(args) gives no message: \(r.stderr)")
        }
    }

    func testMissingKernel() throws {
        let r = try run(["run", "/nonexistent/kernel.elf"])
        XCTAssertEqual(r.status, 66)
        XCTAssertEqual(r.stderr, "pagoda: /nonexistent/kernel.elf: cannot read the file (missing or unreadable)\n")
    }

    func testMalformedKernels() throws {
        let cases: [(String, [UInt8], String)] = [
            ("empty", [], "not an ELF file"),
            ("text", Array("hello, world\n".utf8), "not an ELF file"),
            ("truncated header", [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1] + [UInt8](repeating: 0, count: 10), "truncated"),
            ("32-bit", TestELF.header(class32: true), "not a 64-bit ELF file"),
            ("big-endian", TestELF.header(bigEndian: true), "not a little-endian ELF file"),
            ("x86-64", TestELF.build(machine: 62), "not a RISC-V executable"),
            ("shared object", TestELF.build(type: 3), "not an executable"),
            ("segment outside memory", TestELF.build(segments: [(0x4000_0000, 16, 16)]), "outside RAM and ROM"),
            ("overlapping", TestELF.build(segments: [(0x8000_0000, 64, 64), (0x8000_0020, 64, 64)]), "overlap"),
            ("segment past the file", TestELF.build(segments: [(0x8000_0000, 4096, 4096)], truncateData: true), "past the end of the file"),
            ("filesz > memsz", TestELF.build(segments: [(0x8000_0000, 64, 32)]), "more file bytes"),
            ("no segments", TestELF.build(segments: []), "no loadable segments"),
        ]
        for (name, bytes, message) in cases {
            let path = try temporaryFile(bytes, name: "\(name.replacingOccurrences(of: " ", with: "_")).elf")
            let r = try run(["run", path])
            XCTAssertEqual(r.status, 65, "\(name): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("pagoda: "), "\(name): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(name): \(r.stderr)")
            XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, "\(name): one line")
        }
    }

    func testGuestExitStatusComesThrough() throws {
        let smoke = try PagodaProcess.guest("isa/smoke.elf")
        let r = try run(["run", smoke])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "hello from a guest\nPASS smoke\n")
        let limited = try run(["run", "--max-instructions", "10", smoke])
        XCTAssertEqual(limited.status, 124)
        XCTAssertTrue(limited.stderr.contains("instruction limit"))
    }

    func testStatisticsFile() throws {
        let smoke = try PagodaProcess.guest("isa/smoke.elf")
        let stats = try temporaryFile([], name: "stats.json")
        let r = try run(["run", "--stats", stats, "--stats-interval", "50", smoke])
        XCTAssertEqual(r.status, 0)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stats))) as! [String: Any]
        let harts = json["harts"] as! [[String: Any]]
        XCTAssertEqual(harts.count, 1)
        for key in ["hart", "instret", "cycles", "itlb", "dtlb", "page_walks", "pte_reads", "walk_cycles", "page_faults", "cpi", "cycle_breakdown"] {
            XCTAssertNotNil(harts[0][key], "missing \(key)")
        }
        let series = try String(contentsOfFile: (stats as NSString).deletingPathExtension + ".jsonl", encoding: .utf8)
        let lines = series.split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 2)
        for line in lines { XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8))) }
    }
}

/// Builds small ELF64 files in memory for the malformed-input tests.
enum TestELF {
    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }

    static func header(class32: Bool = false, bigEndian: Bool = false, type: UInt16 = 2, machine: UInt16 = 243,
                       entry: UInt64 = 0x8000_0000, phoff: UInt64 = 64, phnum: UInt16 = 0) -> [UInt8] {
        var h: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, class32 ? 1 : 2, bigEndian ? 2 : 1, 1, 0] + [UInt8](repeating: 0, count: 8)
        h += le(type) + le(machine) + le(UInt32(1)) + le(entry) + le(phoff) + le(UInt64(0))
        h += le(UInt32(0)) + le(UInt16(64)) + le(UInt16(56)) + le(phnum) + le(UInt16(64)) + le(UInt16(0)) + le(UInt16(0))
        return h
    }

    /// segments: (physical address, file size, memory size); data follows the headers.
    static func build(type: UInt16 = 2, machine: UInt16 = 243, segments: [(UInt64, UInt64, UInt64)] = [(0x8000_0000, 16, 16)],
                      truncateData: Bool = false) -> [UInt8] {
        var bytes = header(type: type, machine: machine, phnum: UInt16(segments.count))
        var offset = UInt64(64 + 56 * segments.count)
        var data: [UInt8] = []
        for (pa, filesz, memsz) in segments {
            bytes += le(UInt32(1)) + le(UInt32(7)) + le(offset) + le(pa) + le(pa) + le(filesz) + le(memsz) + le(UInt64(4096))
            offset += filesz
            data += [UInt8](repeating: 0x13, count: Int(filesz))
        }
        return bytes + (truncateData ? Array(data.prefix(16)) : data)
    }
}
