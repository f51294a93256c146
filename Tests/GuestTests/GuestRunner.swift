import Foundation
import PagodaDevices
import PagodaLoader
import PagodaMachine
import XCTest

/// Runs guest programs built from guests/ (by `make -C guests`) on an in-process machine.
enum GuestRunner {
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    static let buildDirectory = repositoryRoot.appendingPathComponent("guests/build")

    /// The ELF files of one guest directory (isa, priv, ...), sorted by name.
    static func guests(in directory: String) throws -> [URL] {
        let dir = buildDirectory.appendingPathComponent(directory)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else {
            throw XCTSkip("guests not built: run `make -C guests` first")
        }
        return names.filter { $0.hasSuffix(".elf") }.sorted().map { dir.appendingPathComponent($0) }
    }

    struct Outcome {
        let reason: StopReason
        let output: String
        let machine: Machine
    }

    static func run(_ elf: URL, input: String = "", configure: (inout MachineConfiguration) -> Void = { _ in }) throws -> Outcome {
        var configuration = MachineConfiguration()
        configuration.maxInstructions = 2_000_000_000
        configure(&configuration)
        let console = BufferConsole(input: Array(input.utf8))
        let machine = Machine(configuration: configuration, console: console)
        let image = try ELFLoader.load(path: elf.path, allowedRegions: machine.loadableRegions)
        machine.load(image)
        let reason = machine.run()
        return Outcome(reason: reason, output: console.outputString, machine: machine)
    }

    /// What a guest is expected to end with: `exit_codeN` guests fail with N on purpose.
    static func expectedReason(for elf: URL) -> StopReason {
        let name = elf.deletingPathExtension().lastPathComponent
        if name.hasPrefix("exit_code"), let code = Int(name.dropFirst("exit_code".count)) {
            return .failed(code: code)
        }
        return .passed
    }

    /// Console input a guest expects.
    static func input(for elf: URL) -> String {
        elf.deletingPathExtension().lastPathComponent == "uart_input" ? "hello\n" : ""
    }
}
