import ArgumentParser
import Foundation
import PagodaISA
import PagodaLoader

struct DisasmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disasm",
        abstract: "Disassemble the executable segments of an ELF file.",
        discussion: """
            Every executable PT_LOAD segment is decoded from its first byte, at its link \
            (virtual) address. A symbol's address starts a block headed \
            `0000000080000000 <_start>:`; each instruction is a line with its address, \
            its bits (eight hex digits, or four for a compressed instruction) and its text, \
            spelled as llvm-objdump spells it; branch and jump targets carry the symbol \
            they fall in:

                80000034: bfdd      j 0x8000002a <_start+0x2a>

            Exit status: 0, or 64 bad command line, 65 not a loadable RISC-V ELF \
            executable, 66 file missing or unreadable.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Print only instructions at or after this address (hex).", valueName: "addr"))
    var start: HexAddress?

    @Option(name: .long, help: ArgumentHelp("Print only instructions before this address (hex).", valueName: "addr"))
    var stop: HexAddress?

    @Argument(help: ArgumentHelp("The ELF64 RISC-V executable to disassemble.", valueName: "file"))
    var file: String

    func validate() throws {
        if let start, let stop, start.value >= stop.value {
            throw ValidationError("--start must be below --stop")
        }
    }

    func run() throws {
        let image: ELFImage
        do {
            image = try ELFLoader.load(path: file, allowedRegions: [0...UInt64.max])
        } catch let error as LoaderError {
            FileHandle.standardError.write("pagoda: \(error.message)\n".data(using: .utf8)!)
            throw ExitCode(error.kind == .fileUnreadable ? ExitStatus.missingKernel : ExitStatus.badKernel)
        }
        let range = (start?.value ?? 0)..<(stop?.value ?? .max)
        var listing = Listing(image: image)
        for segment in image.segments.filter(\.isExecutable).sorted(by: { $0.virtualAddress < $1.virtualAddress }) {
            listing.disassemble(segment, in: range)
        }
        listing.flush()
    }
}

/// An address on the command line: hex digits, with or without `0x`.
struct HexAddress: ExpressibleByArgument {
    let value: UInt64

    init?(argument: String) {
        let digits = argument.hasPrefix("0x") || argument.hasPrefix("0X") ? argument.dropFirst(2) : Substring(argument)
        guard !digits.isEmpty, let value = UInt64(digits, radix: 16) else { return nil }
        self.value = value
    }
}

/// The text `pagoda disasm` writes, gathered and written in large pieces.
struct Listing {
    let image: ELFImage
    /// The name to head each symbol address with: the first of the symbols there.
    let labels: [UInt64: String]
    private var text = ""
    private var started = false

    init(image: ELFImage) {
        self.image = image
        var labels: [UInt64: String] = [:]
        for symbol in image.symbols where labels[symbol.value] == nil { labels[symbol.value] = symbol.name }
        self.labels = labels
    }

    mutating func disassemble(_ segment: LoadableSegment, in range: Range<UInt64>) {
        let base = segment.virtualAddress
        let bytes = segment.data
        let end = base &+ UInt64(bytes.count)
        guard range.lowerBound < end, base < range.upperBound else { return }
        text += (started ? "\n" : "") + "Disassembly of the executable segment at 0x\(String(base, radix: 16)) (\(bytes.count) bytes):\n"
        started = true
        var printedAny = false
        var offset = 0
        while offset < bytes.count {
            let address = base &+ UInt64(offset)
            let half = UInt32(bytes[offset]) | (offset + 1 < bytes.count ? UInt32(bytes[offset + 1]) << 8 : 0)
            let length = instructionLength(lowHalf: UInt16(half))
            guard offset + length <= bytes.count else {
                // A partial instruction at the end: its bytes, one at a time.
                for i in offset..<bytes.count where range.contains(base &+ UInt64(i)) {
                    line(base &+ UInt64(i), raw: Self.hex(UInt64(bytes[i]), digits: 2), text: Disassembler.unknown)
                }
                break
            }
            var raw = half
            if length == 4 { raw |= UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24 }
            if range.contains(address) {
                if let label = labels[address] {
                    text += "\n" + Self.hex(address, digits: 16) + " <" + label + ">:\n"
                } else if !printedAny, image.symbol(containing: address) != nil {
                    // The range starts inside a symbol: say where.
                    text += "\n" + Self.hex(address, digits: 16) + " <" + describe(address) + ">:\n"
                }
                printedAny = true
                var instruction = Disassembler.text(raw: raw, pc: address)
                if let target = Self.target(of: raw, at: address) { instruction += " <" + describe(target) + ">" }
                line(address, raw: length == 4 ? Self.hex(UInt64(raw), digits: 8) : Self.hex(UInt64(raw), digits: 4), text: instruction)
            }
            offset += length
            if text.utf8.count > 1 << 16 { flush() }
        }
    }

    private mutating func line(_ address: UInt64, raw: String, text instruction: String) {
        let addressText = String(address, radix: 16)
        text += String(repeating: " ", count: max(0, 8 - addressText.count)) + addressText + ": "
        text += raw + String(repeating: " ", count: max(0, 8 - raw.count)) + "  " + instruction + "\n"
    }

    /// `symbol` or `symbol+0xoffset` for an address, or the address alone without a symbol.
    func describe(_ address: UInt64) -> String {
        guard let symbol = image.symbol(containing: address) else { return "0x" + String(address, radix: 16) }
        return address == symbol.value ? symbol.name : symbol.name + "+0x" + String(address - symbol.value, radix: 16)
    }

    /// The target of a branch or a pc-relative jump.
    static func target(of raw: UInt32, at pc: UInt64) -> UInt64? {
        let decoded = Decoder.decode(raw)
        switch decoded.op {
        case .jal, .beq, .bne, .blt, .bge, .bltu, .bgeu:
            return pc &+ UInt64(bitPattern: Int64(decoded.imm))
        default:
            return nil
        }
    }

    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    mutating func flush() {
        FileHandle.standardOutput.write(text.data(using: .utf8)!)
        text = ""
    }
}
