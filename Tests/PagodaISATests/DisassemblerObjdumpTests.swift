import Foundation
@testable import PagodaISA
import XCTest

/// The disassembler against LLVM's: every instruction of every guest program, every
/// compressed encoding, every CSR number, hand-picked encodings and thousands of seeded
/// random ones must print exactly as `llvm-objdump -d` prints them (with one space in
/// place of its tab, and without the `<symbol+offset>` annotation after a target).
final class DisassemblerObjdumpTests: XCTestCase {
    // MARK: Guest programs

    func testGuestProgramsMatchObjdump() throws {
        let tools = try LLVMTools.locate()
        let build = LLVMTools.repositoryRoot.appendingPathComponent("guests/build")
        guard FileManager.default.fileExists(atPath: build.path) else {
            throw XCTSkip("guests/build does not exist (run make -C guests)")
        }
        let elfs = try elfFiles(under: build)
        XCTAssertFalse(elfs.isEmpty, "no guest ELF files under \(build.path)")
        var comparison = Comparison()
        for elf in elfs {
            let listing = try tools.run(tools.objdump, ["-d", elf.path])
            for line in ObjdumpLine.parse(listing) {
                guard let raw = line.raw else { comparison.skipped += 1; continue }
                comparison.check(raw: raw, pc: line.address, want: line.text, file: elf.lastPathComponent)
            }
        }
        print("DisassemblerObjdumpTests: \(comparison.compared) guest instructions from \(elfs.count) ELF files compared with llvm-objdump, "
              + "\(comparison.mismatches.count) mismatches, \(comparison.skipped) longer than 32 bits or partial skipped")
        XCTAssertGreaterThan(comparison.compared, 10_000, "too few instructions compared")
        comparison.assertNoMismatches()
    }

    private func elfFiles(under directory: URL) throws -> [URL] {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "elf" }.sorted { $0.path < $1.path }
    }

    // MARK: Generated encodings

    /// All 49152 16-bit encodings.
    func testEveryCompressedEncodingMatchesObjdump() throws {
        let encodings = (0...UInt32(0xFFFF)).filter { $0 & 3 != 3 }
        let compared = try compareAssembled(encodings)
        XCTAssertEqual(compared, 49_152)
    }

    /// Every CSR number in each of the six CSR instructions, with and without a zero
    /// destination and source.
    func testEveryCSRNumberMatchesObjdump() throws {
        var encodings: [UInt32] = []
        for csr in UInt32(0)..<4096 {
            encodings.append(Encode.i(0x73, funct3: 2, rd: 10, rs1: 0, imm: csr))  // csrr
            let funct3 = [1, 2, 3, 5, 6, 7][Int(csr % 6)]
            encodings.append(Encode.i(0x73, funct3: UInt32(funct3), rd: csr % 3 == 0 ? 0 : 5, rs1: csr % 5 == 0 ? 0 : 11, imm: csr))
        }
        let compared = try compareAssembled(encodings)
        XCTAssertEqual(compared, 8192)
    }

    /// The forms the guests may lack: every AMO with each ordering, every CSR form,
    /// sfence.vma operands, fences, the system instructions and the base aliases.
    func testHandPickedEncodingsMatchObjdump() throws {
        var encodings: [UInt32] = []
        for width: UInt32 in [2, 3] {
            for funct5: UInt32 in [0x02, 0x03, 0x01, 0x00, 0x04, 0x0C, 0x08, 0x10, 0x14, 0x18, 0x1C] {
                for ordering: UInt32 in 0..<4 {
                    let rs2: UInt32 = funct5 == 0x02 ? 0 : 12
                    encodings.append(Encode.r(0x2F, funct3: width, funct7: funct5 << 2 | ordering, rd: 10, rs1: 11, rs2: rs2))
                    encodings.append(Encode.r(0x2F, funct3: width, funct7: funct5 << 2 | ordering, rd: 0, rs1: 2, rs2: funct5 == 0x02 ? 0 : 31))
                }
            }
            encodings.append(Encode.r(0x2F, funct3: width, funct7: 0x02 << 2, rd: 10, rs1: 11, rs2: 3))  // lr with rs2 != 0
        }
        for (rs1, rs2): (UInt32, UInt32) in [(0, 0), (10, 0), (0, 11), (10, 11), (31, 31)] {
            encodings.append(Encode.r(0x73, funct3: 0, funct7: 0x09, rd: 0, rs1: rs1, rs2: rs2))
        }
        encodings.append(Encode.r(0x73, funct3: 0, funct7: 0x09, rd: 1, rs1: 10, rs2: 11))  // sfence.vma with rd != 0
        encodings += [0x0000_0073, 0x0010_0073, 0x3020_0073, 0x1020_0073, 0x1050_0073, 0x0000_100F, 0x0010_100F, 0x0000_108F,
                      0x8330_000F, 0x8320_000F, 0x0FF0_000F, 0x0330_000F, 0x0000_000F, 0x0100_000F, 0x0FF0_008F, 0x0FF5_000F,
                      0xC000_1073, 0xC000_2073, 0xC010_2573, 0xC020_2573, 0xC800_2573, 0x0000_0013, 0xFFF0_0093]
        for pred: UInt32 in 0..<16 { encodings.append(0x0000_000F | pred << 24 | (15 - pred) << 20) }
        for csr: UInt32 in [0x300, 0x305, 0x341, 0x180, 0x7C0, 0xC00, 0x5C0] {
            for funct3: UInt32 in [1, 2, 3, 5, 6, 7] {
                for (rd, rs1): (UInt32, UInt32) in [(0, 0), (0, 9), (10, 0), (10, 9), (1, 31)] {
                    encodings.append(Encode.i(0x73, funct3: funct3, rd: rd, rs1: rs1, imm: csr))
                }
            }
        }
        // Register-register and register-immediate aliases with x0 and x1 in every slot.
        for (funct7, funct3, opcode): (UInt32, UInt32, UInt32) in [(0, 0, 0x33), (0x20, 0, 0x33), (0, 2, 0x33), (0, 3, 0x33),
                                                                   (0x20, 0, 0x3B), (0, 0, 0x3B), (1, 0, 0x33), (1, 7, 0x3B)] {
            for (rd, rs1, rs2): (UInt32, UInt32, UInt32) in [(0, 0, 0), (5, 0, 0), (5, 0, 6), (5, 6, 0), (5, 6, 7)] {
                encodings.append(Encode.r(opcode, funct3: funct3, funct7: funct7, rd: rd, rs1: rs1, rs2: rs2))
            }
        }
        for (funct3, opcode): (UInt32, UInt32) in [(0, 0x13), (2, 0x13), (3, 0x13), (4, 0x13), (6, 0x13), (7, 0x13), (0, 0x1B), (0, 0x67)] {
            for imm: UInt32 in [0, 1, 0xFF, 0x7FF, 0x800, 0xFFF] {
                for (rd, rs1): (UInt32, UInt32) in [(0, 0), (0, 1), (1, 0), (1, 1), (5, 6)] {
                    encodings.append(Encode.i(opcode, funct3: funct3, rd: rd, rs1: rs1, imm: imm))
                }
            }
        }
        for funct3: UInt32 in [0, 1, 4, 5, 6, 7] {
            for (rs1, rs2): (UInt32, UInt32) in [(0, 0), (0, 5), (5, 0), (5, 6)] {
                encodings.append(Encode.b(funct3: funct3, rs1: rs1, rs2: rs2, offset: -8))
                encodings.append(Encode.b(funct3: funct3, rs1: rs1, rs2: rs2, offset: 4094))
            }
        }
        for rd: UInt32 in [0, 1, 5] {
            encodings.append(Encode.j(rd: rd, offset: -4))
            encodings.append(Encode.j(rd: rd, offset: 0xF_FFFE))
        }
        let compared = try compareAssembled(encodings)
        XCTAssertEqual(compared, encodings.count)
    }

    /// Seeded random encodings: valid instructions with fields biased towards the ones
    /// aliases look at, and encodings Pagoda rejects (which llvm-objdump must reject too).
    func testRandomEncodingsMatchObjdump() throws {
        var random = SplitMix64(seed: 0x5EED_D15A_55E3_B1E5)
        var encodings: [UInt32] = []
        while encodings.count < 30_000 {
            let r = Self.randomInstruction(&random)
            if Decoder.decode(r).op != .illegal { encodings.append(r) }
        }
        var rejected = 0
        while rejected < 4_000 {
            let r = UInt32(truncatingIfNeeded: random.next()) | 3
            // Bits 4:2 all set begin a 48-bit or longer encoding; llvm-objdump reads those at their own length.
            guard r & 0x1C != 0x1C, Decoder.decode(r).op == .illegal else { continue }
            encodings.append(r)
            rejected += 1
        }
        for _ in 0..<6_000 {
            let half = UInt32(truncatingIfNeeded: random.next()) & 0xFFFF
            if half & 3 != 3 { encodings.append(half) }
        }
        let compared = try compareAssembled(encodings)
        XCTAssertEqual(compared, encodings.count)
    }

    static func randomInstruction(_ random: inout SplitMix64) -> UInt32 {
        let opcodes: [UInt32] = [0x37, 0x17, 0x6F, 0x67, 0x63, 0x03, 0x23, 0x13, 0x1B, 0x33, 0x3B, 0x0F, 0x73, 0x2F]
        let opcode = opcodes[random.below(opcodes.count)]
        var r = UInt32(truncatingIfNeeded: random.next()) & ~0x7F | opcode
        func set(_ value: UInt32, at shift: UInt32, width: UInt32) {
            let mask = ((UInt32(1) << width) - 1) << shift
            r = r & ~mask | (value << shift) & mask
        }
        // Registers x0 and x1 are what most aliases look for.
        for shift: UInt32 in [7, 15, 20] {
            switch random.below(8) {
            case 0, 1: set(0, at: shift, width: 5)
            case 2: set(1, at: shift, width: 5)
            default: break
            }
        }
        switch random.below(10) {
        case 0: set(0, at: 20, width: 12)
        case 1: set(0xFFF, at: 20, width: 12)
        case 2: set(1, at: 20, width: 12)
        case 3: set(0xFF, at: 20, width: 12)
        default: break
        }
        switch opcode {
        case 0x33, 0x3B:
            set([0, 0x20, 1][random.below(3)], at: 25, width: 7)
        case 0x13, 0x1B:
            if random.below(2) == 0 { set([0, 0x20][random.below(2)], at: 25, width: 7) }
        case 0x2F:
            set([0x02, 0x03, 0x01, 0x00, 0x04, 0x0C, 0x08, 0x10, 0x14, 0x18, 0x1C][random.below(11)], at: 27, width: 5)
            set(2 + UInt32(random.below(2)), at: 12, width: 3)
            if r >> 27 == 0x02 && random.below(4) != 0 { set(0, at: 20, width: 5) }
        case 0x0F:
            if random.below(2) == 0 { r &= 0x0FF0_707F }  // fm, rs1 and rd zero
        case 0x73:
            if random.below(4) == 0 {
                r = [0x0000_0073, 0x0010_0073, 0x3020_0073, 0x1020_0073, 0x1050_0073][random.below(5)]
            } else if random.below(4) == 0 {
                r = Encode.r(0x73, funct3: 0, funct7: 0x09, rd: 0, rs1: (r >> 15) & 31, rs2: (r >> 20) & 31)
            }
        default:
            break
        }
        return r
    }

    // MARK: Comparing

    /// Assembles `encodings` with clang (`.insn`, so they are emitted exactly), disassembles
    /// the object with llvm-objdump, and compares every instruction. Returns how many it compared.
    @discardableResult
    private func compareAssembled(_ encodings: [UInt32], function: String = #function) throws -> Int {
        let tools = try LLVMTools.locate()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pagoda-disasm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("encodings.S"), object = directory.appendingPathComponent("encodings.o")
        var text = "\t.text\n"
        for raw in encodings {
            text += raw & 3 == 3 ? "\t.insn 4, 0x\(String(raw, radix: 16))\n" : "\t.insn 2, 0x\(String(raw & 0xFFFF, radix: 16))\n"
        }
        try text.write(to: source, atomically: true, encoding: .utf8)
        _ = try tools.run(tools.clang, ["--target=riscv64-unknown-elf", "-march=rv64imac_zicsr_zifencei", "-c", source.path, "-o", object.path])
        let lines = ObjdumpLine.parse(try tools.run(tools.objdump, ["-d", object.path]))

        var comparison = Comparison()
        var pc: UInt64 = 0
        var index = 0
        for line in lines {
            guard index < encodings.count else { XCTFail("llvm-objdump printed more instructions than were assembled"); break }
            let raw = encodings[index]
            let size: UInt64 = raw & 3 == 3 ? 4 : 2
            guard line.address == pc, line.raw == (size == 4 ? raw : raw & 0xFFFF) else {
                XCTFail("llvm-objdump's line \(line) is not instruction \(index) (0x\(String(raw, radix: 16)) at 0x\(String(pc, radix: 16)))")
                return comparison.compared
            }
            comparison.check(raw: raw, pc: pc, want: line.text, file: function)
            pc += size
            index += 1
        }
        XCTAssertEqual(index, encodings.count, "llvm-objdump printed fewer instructions than were assembled")
        print("DisassemblerObjdumpTests.\(function): \(comparison.compared) encodings compared with llvm-objdump, \(comparison.mismatches.count) mismatches")
        comparison.assertNoMismatches()
        return comparison.compared
    }

    struct Comparison {
        var compared = 0
        var skipped = 0
        var mismatches: [String] = []

        mutating func check(raw: UInt32, pc: UInt64, want: String, file: String) {
            compared += 1
            let got = Disassembler.text(raw: raw, pc: pc)
            if got != want {
                let digits = raw & 3 == 3 ? 8 : 4
                let bits = String(raw, radix: 16)
                mismatches.append("\(file) 0x\(String(pc, radix: 16)): \(String(repeating: "0", count: max(0, digits - bits.count)) + bits) want \"\(want)\" got \"\(got)\"")
            }
        }

        func assertNoMismatches(file: StaticString = #filePath, line: UInt = #line) {
            guard !mismatches.isEmpty else { return }
            XCTFail("\(mismatches.count) of \(compared) instructions differ from llvm-objdump; the first ones:\n"
                    + mismatches.prefix(40).joined(separator: "\n"), file: file, line: line)
        }
    }
}

/// One instruction line of `llvm-objdump -d` output, such as
/// `80000018: ed0d         \tbnez\ta0, 0x80000052 <park>`.
struct ObjdumpLine: CustomStringConvertible {
    var address: UInt64
    /// The instruction bits, when they are one 16- or 32-bit group (longer or partial
    /// encodings have none).
    var raw: UInt32?
    /// The instruction text with a space for the tab after the mnemonic and without a
    /// trailing `<symbol+offset>` annotation.
    var text: String

    var description: String { "0x\(String(address, radix: 16)): \(raw.map { String($0, radix: 16) } ?? "?") \(text)" }

    static func parse(_ listing: String) -> [ObjdumpLine] {
        var lines: [ObjdumpLine] = []
        for line in listing.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let addressText = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard !addressText.isEmpty, let address = UInt64(addressText, radix: 16) else { continue }
            let rest = line[line.index(after: colon)...]
            guard let tab = rest.firstIndex(of: "\t") else { continue }
            let bytes = rest[..<tab].split(separator: " ")
            var raw: UInt32?
            if bytes.count == 1, bytes[0].count == 4 || bytes[0].count == 8 { raw = UInt32(bytes[0], radix: 16) }
            var text = String(rest[rest.index(after: tab)...])
            if text.hasSuffix(">"), let annotation = text.range(of: " <", options: .backwards) {
                text = String(text[..<annotation.lowerBound])
            }
            if let separator = text.firstIndex(of: "\t") { text.replaceSubrange(separator...separator, with: " ") }
            lines.append(ObjdumpLine(address: address, raw: raw, text: text))
        }
        return lines
    }
}

/// The toolchain's llvm-objdump and clang.
struct LLVMTools {
    let objdump: URL
    let clang: URL

    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// `LLVM_OBJDUMP` (and `CLANG`) from the environment, else /opt/swift/usr/bin, else the
    /// directory of the `swift` found on PATH. Skips the test when there is none.
    static func locate() throws -> LLVMTools {
        let environment = ProcessInfo.processInfo.environment
        var directories = ["/opt/swift/usr/bin"]
        for entry in (environment["PATH"] ?? "").split(separator: ":") {
            let swift = URL(fileURLWithPath: String(entry)).appendingPathComponent("swift")
            if FileManager.default.isExecutableFile(atPath: swift.path) {
                directories.append(swift.resolvingSymlinksInPath().deletingLastPathComponent().path)
            }
        }
        func find(_ variable: String, _ name: String) -> URL? {
            if let path = environment[variable], FileManager.default.isExecutableFile(atPath: path) { return URL(fileURLWithPath: path) }
            for directory in directories {
                let candidate = URL(fileURLWithPath: directory).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
            return nil
        }
        guard let objdump = find("LLVM_OBJDUMP", "llvm-objdump") else { throw XCTSkip("llvm-objdump not found") }
        let clang = find("CLANG", "clang") ?? objdump.deletingLastPathComponent().appendingPathComponent("clang")
        return LLVMTools(objdump: objdump, clang: clang)
    }

    /// Runs `tool` and returns its standard output; fails on a non-zero exit status.
    func run(_ tool: URL, _ arguments: [String]) throws -> String {
        let directory = FileManager.default.temporaryDirectory
        let outURL = directory.appendingPathComponent("pagoda-tool-\(UUID().uuidString).out")
        let errURL = directory.appendingPathComponent("pagoda-tool-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        let output = try String(contentsOf: outURL, encoding: .utf8)
        guard process.terminationStatus == 0 else {
            let message = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
            throw ToolFailure(description: "\(tool.lastPathComponent) \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): \(message)")
        }
        return output
    }

    struct ToolFailure: Error, CustomStringConvertible {
        let description: String
    }
}

/// Instruction encoders for the test's hand-picked instructions.
enum Encode {
    static func r(_ opcode: UInt32, funct3: UInt32, funct7: UInt32, rd: UInt32, rs1: UInt32, rs2: UInt32) -> UInt32 {
        funct7 << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode
    }

    static func i(_ opcode: UInt32, funct3: UInt32, rd: UInt32, rs1: UInt32, imm: UInt32) -> UInt32 {
        (imm & 0xFFF) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode
    }

    static func b(funct3: UInt32, rs1: UInt32, rs2: UInt32, offset: Int32) -> UInt32 {
        let o = UInt32(bitPattern: offset)
        return (o >> 12 & 1) << 31 | (o >> 5 & 0x3F) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12
            | (o >> 1 & 0xF) << 8 | (o >> 11 & 1) << 7 | 0x63
    }

    static func j(rd: UInt32, offset: Int32) -> UInt32 {
        let o = UInt32(bitPattern: offset)
        return (o >> 20 & 1) << 31 | (o >> 1 & 0x3FF) << 21 | (o >> 11 & 1) << 20 | (o >> 12 & 0xFF) << 12 | rd << 7 | 0x6F
    }
}

/// A small seeded generator (SplitMix64), so the random encodings are the same every run.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in 0..<bound.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
