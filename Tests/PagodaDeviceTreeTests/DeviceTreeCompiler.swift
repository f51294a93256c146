import Foundation
import XCTest

/// Runs the Device Tree Compiler (`dtc`), skipping the test when it is not installed.
struct DeviceTreeCompiler {
    struct Result {
        var status: Int32
        var output: Data
        var diagnostics: String
    }

    let executable: URL

    init() throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = path.split(separator: ":").map {
            URL(fileURLWithPath: String($0)).appendingPathComponent("dtc")
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("dtc is not installed (Debian: device-tree-compiler)")
        }
        executable = found
    }

    /// Runs `dtc` with `arguments` on `input`, collecting its output and its warnings and errors.
    func run(_ arguments: [String], input: Data) throws -> Result {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pagoda-dtc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputFile = directory.appendingPathComponent("input")
        let outputFile = directory.appendingPathComponent("output")
        let diagnosticsFile = directory.appendingPathComponent("diagnostics")
        try input.write(to: inputFile)
        FileManager.default.createFile(atPath: diagnosticsFile.path, contents: nil)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments + ["-o", outputFile.path, inputFile.path]
        let diagnostics = try FileHandle(forWritingTo: diagnosticsFile)
        process.standardError = diagnostics
        process.standardOutput = diagnostics
        try process.run()
        process.waitUntilExit()
        try diagnostics.close()

        return Result(
            status: process.terminationStatus,
            output: (try? Data(contentsOf: outputFile)) ?? Data(),
            diagnostics: String(decoding: try Data(contentsOf: diagnosticsFile), as: UTF8.self)
        )
    }
}
