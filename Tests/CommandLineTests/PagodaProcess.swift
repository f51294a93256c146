import Foundation
import XCTest

/// The built `pagoda` executable, run as a user runs it.
enum PagodaProcess {
    /// The pagoda executable next to the test bundle.
    static let executable: URL = URL(fileURLWithPath: CommandLine.arguments[0])
        .deletingLastPathComponent().appendingPathComponent("pagoda")

    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs pagoda with `arguments` and no standard input; skips when it is not built.
    static func run(_ arguments: [String]) throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw XCTSkip("pagoda executable not found at \(executable.path)")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Standard output first: it can be large; standard error holds a few lines.
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit, "pagoda must not die from a signal")
        return Result(status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self),
                      stderr: String(decoding: errors, as: UTF8.self))
    }

    /// A guest program built by `make -C guests`; skips when the guests are not built.
    static func guest(_ path: String) throws -> String {
        let url = repositoryRoot.appendingPathComponent("guests/build").appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("guests not built") }
        return url.path
    }
}
