/// A RISC-V ISA string such as `rv64imac_zicsr_zifencei`, split into what the
/// Linux RISC-V `cpus` binding describes separately: `riscv,isa-base` (`rv64i`)
/// and `riscv,isa-extensions` (`i`, `m`, `a`, `c`, `zicsr`, `zifencei`).
///
/// Accepted form (the RISC-V Unprivileged ISA, "ISA Extension Naming Conventions",
/// without version numbers): `rv32` or `rv64`, a base letter `i`, `e` or `g`, more
/// single-letter extensions, then multi-letter extensions (starting with `z`, `s`
/// or `x`) separated by underscores. `g` stands for `imafd_zicsr_zifencei`.
/// Letters are case-insensitive; the parts come out lowercase.
struct RISCVISAString: Equatable {
    /// 32 or 64.
    let xlen: Int
    /// `i` or `e`.
    let baseLetter: Character
    /// Every extension once, in the order the string names them, the base letter first.
    let extensions: [String]

    /// `rv64i`, `rv32e`, ...: the value of `riscv,isa-base`.
    var base: String { "rv\(xlen)\(baseLetter)" }

    private static let multiLetterPrefixes: Set<Character> = ["z", "s", "x"]

    init?(_ text: String) {
        let text = text.lowercased()
        guard text.hasPrefix("rv32") || text.hasPrefix("rv64") else { return nil }
        xlen = text.hasPrefix("rv32") ? 32 : 64

        var segments = text.dropFirst(4).split(separator: "_", omittingEmptySubsequences: false)
        guard !segments.isEmpty else { return nil }
        // The single letters may run straight into the first multi-letter extension.
        let first = segments.removeFirst()
        let multiLetterStart = first.firstIndex(where: Self.multiLetterPrefixes.contains) ?? first.endIndex
        let letters = first[..<multiLetterStart]
        if multiLetterStart != first.endIndex {
            segments.insert(first[multiLetterStart...], at: 0)
        }

        guard let base = letters.first, "ieg".contains(base) else { return nil }
        baseLetter = base == "e" ? "e" : "i"
        var names: [String] = []
        for letter in letters {
            guard letter.isASCII, letter.isLetter else { return nil }
            names += letter == "g" ? ["i", "m", "a", "f", "d", "zicsr", "zifencei"] : [String(letter)]
        }
        for segment in segments {
            guard segment.count > 1, let prefix = segment.first, Self.multiLetterPrefixes.contains(prefix),
                  segment.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
            names.append(String(segment))
        }

        var seen: Set<String> = []
        extensions = names.filter { seen.insert($0).inserted }
    }
}
