import Foundation
import PagodaLoader
import PagodaMachine

/// One `--symbols FILE.elf[@ASID|@ASID-ASID|@+OFFSET|@-OFFSET]` of `pagoda run`.
///
/// `@ASID` (decimal or 0x hex, 0 to 65535) binds the table to accesses under that ASID,
/// `@FIRST-LAST` to those under any ASID from FIRST to LAST (a program's forked children);
/// `@+OFFSET` / `@-OFFSET` (decimal or 0x hex) shifts every symbol by that amount (the
/// code runs at its link address plus OFFSET). Without a suffix the table applies to
/// every ASID as linked. The suffix is what follows the last `@`, unless the whole
/// argument names an existing file.
struct SymbolsSpec: Equatable {
    let path: String
    var asids: ClosedRange<UInt16>? = nil
    var offset: UInt64 = 0

    /// Why an argument is refused, as one line, and the exit status that goes with it.
    struct Failure: Error {
        let message: String
        let status: Int32
    }

    static func parse(_ argument: String, fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) throws(Failure) -> SymbolsSpec {
        guard let at = argument.lastIndex(of: "@"), !fileExists(argument) else {
            guard !argument.isEmpty else { throw Failure(message: "--symbols needs a file name", status: ExitStatus.usage) }
            return SymbolsSpec(path: argument)
        }
        let path = String(argument[..<at]), suffix = String(argument[argument.index(after: at)...])
        guard !path.isEmpty else { throw Failure(message: "--symbols \(argument): no file name before '@'", status: ExitStatus.usage) }
        let bad = Failure(message: "--symbols \(argument): '@\(suffix)' is neither an ASID (0 to 65535, decimal or 0x hex), nor a range of them (FIRST-LAST), nor an offset (+N or -N, decimal or 0x hex)",
                          status: ExitStatus.usage)
        if let sign = suffix.first, sign == "+" || sign == "-" {
            guard let amount = number(suffix.dropFirst()) else { throw bad }
            return SymbolsSpec(path: path, offset: sign == "+" ? amount : 0 &- amount)
        }
        let bounds = suffix.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = number(bounds[0]).flatMap({ UInt16(exactly: $0) }),
              let last = bounds.count == 1 ? first : number(bounds[1]).flatMap({ UInt16(exactly: $0) }),
              first <= last else { throw bad }
        return SymbolsSpec(path: path, asids: first...last)
    }

    /// A decimal or 0x-prefixed hexadecimal unsigned 64-bit number.
    private static func number(_ text: Substring) -> UInt64? {
        let lower = text.lowercased()
        if lower.hasPrefix("0x") { return lower.count > 2 ? UInt64(lower.dropFirst(2), radix: 16) : nil }
        return UInt64(lower, radix: 10)
    }

    /// Reads the file's symbols (any placement is accepted: they are not loaded).
    func load() throws(Failure) -> SymbolTable {
        let image: ELFImage
        do {
            image = try ELFLoader.load(path: path, allowedRegions: [0...UInt64.max])
        } catch let error as LoaderError {
            throw Failure(message: "--symbols: \(error.message)",
                          status: error.kind == .fileUnreadable ? ExitStatus.missingKernel : ExitStatus.badKernel)
        } catch {
            throw Failure(message: "--symbols: \(path): \(error)", status: ExitStatus.badKernel)
        }
        guard !image.symbols.isEmpty else {
            throw Failure(message: "--symbols: \(path): has no symbol table (stripped?)", status: ExitStatus.badKernel)
        }
        return SymbolTable(name: (path as NSString).lastPathComponent, image: image, asids: asids, offset: offset)
    }
}
