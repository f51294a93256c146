import Foundation
import XCTest

/// `pagoda disasm` on a guest program, an address range, and bad files.
final class DisasmCommandTests: XCTestCase {
    func pagoda(_ arguments: [String]) throws -> PagodaProcess.Result { try PagodaProcess.run(arguments) }

    var smoke: String { get throws { try PagodaProcess.guest("isa/smoke.elf") } }

    func testDisassemblesAGuest() throws {
        let r = try pagoda(["disasm", try smoke])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains("0000000080000000 <_start>:"), "no header for _start")
        XCTAssertTrue(lines.contains { $0.hasPrefix("80000000: ") && $0.contains("  auipc gp, 0x") }, "_start begins with la gp")
        // crt.S: park: wfi; j park
        let header = try XCTUnwrap(lines.firstIndex { $0.hasSuffix(" <park>:") }, "no header for park")
        let park = String(UInt64(lines[header].prefix(16), radix: 16) ?? 0, radix: 16)
        XCTAssertEqual(lines[header + 1], "\(park): 10500073  wfi")
        let jumpAddress = String((UInt64(park, radix: 16) ?? 0) + 4, radix: 16)
        XCTAssertEqual(lines[header + 2], "\(jumpAddress): bff5      j 0x\(park) <park>")
        XCTAssertGreaterThan(lines.count, 100)
    }

    func testAddressRange() throws {
        let all = try pagoda(["disasm", try smoke]).stdout.split(separator: "\n").map(String.init)
        let header = try XCTUnwrap(all.firstIndex { $0.hasSuffix(" <park>:") })
        let park = UInt64(all[header].prefix(16), radix: 16) ?? 0
        let r = try pagoda(["disasm", "--start", "0x" + String(park, radix: 16), "--stop", String(park + 6, radix: 16), try smoke])
        XCTAssertEqual(r.status, 0, r.stderr)
        let instructions = r.stdout.split(separator: "\n").filter { $0.contains(": ") && !$0.hasSuffix(":") }
        XCTAssertEqual(instructions.map(String.init), [all[header + 1], all[header + 2]])

        let backwards = try pagoda(["disasm", "--start", "80001000", "--stop", "80000000", try smoke])
        XCTAssertEqual(backwards.status, 64)
        let notHex = try pagoda(["disasm", "--start", "zz", try smoke])
        XCTAssertEqual(notHex.status, 64)
    }

    func testMissingFile() throws {
        let r = try pagoda(["disasm", "/nonexistent/program.elf"])
        XCTAssertEqual(r.status, 66)
        XCTAssertEqual(r.stderr, "pagoda: /nonexistent/program.elf: cannot read the file (missing or unreadable)\n")
        XCTAssertEqual(r.stdout, "")
    }

    func testMalformedFile() throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("pagoda-disasm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("garbage.elf")
        try Data("not an executable".utf8).write(to: file)
        let r = try pagoda(["disasm", file.path])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stderr, "pagoda: \(file.path): not an ELF file (bad magic number)\n")
    }
}
