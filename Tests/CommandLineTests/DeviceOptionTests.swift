import Foundation
import XCTest

/// `--drive` and `--rng`: malformed values are usage errors (64); an image that cannot
/// be opened as asked is one line on standard error and status 66.
final class DeviceOptionTests: XCTestCase {
    func run(_ arguments: [String]) throws -> PagodaProcess.Result { try PagodaProcess.run(arguments) }

    private func temporaryDirectory() throws -> URL {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("pagoda-drive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    private func image(sectors: Int, extra: Int = 0) throws -> String {
        let url = try temporaryDirectory().appendingPathComponent("disk.img")
        try Data(repeating: 0xA5, count: sectors * 512 + extra).write(to: url)
        return url.path
    }

    func testHelpDocumentsDeviceOptions() throws {
        let r = try run(["run", "--help"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("--drive"))
        XCTAssertTrue(r.stdout.contains("--rng"))
    }

    func testMalformedSpecsAreUsageErrors() throws {
        let smoke = try PagodaProcess.guest("isa/smoke.elf")
        let disk = try image(sectors: 4)
        let cases: [([String], String)] = [
            (["--drive", "foo"], "not KEY=VALUE"),
            (["--drive", "readonly=on"], "needs file=PATH"),
            (["--drive", "file="], "needs a path"),
            (["--drive", "file=\(disk),readonly=yes"], "on or off"),
            (["--drive", "file=\(disk),snapshot=1"], "on or off"),
            (["--drive", "file=\(disk),cache=none"], "unknown key"),
            (["--drive", "file=\(disk),file=\(disk)"], "given twice"),
            (["--rng", "maybe"], "--rng takes"),
            (["--rng", "seed=x"], "--rng takes"),
            (Array(repeating: ["--drive", "file=\(disk)"], count: 8).flatMap { $0 }, "at most 7"),
            (Array(repeating: ["--drive", "file=\(disk)"], count: 9).flatMap { $0 } + ["--rng", "none"], "at most 8"),
        ]
        for (arguments, message) in cases {
            let r = try run(["run"] + arguments + [smoke])
            XCTAssertEqual(r.status, 64, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(arguments): \(r.stderr)")
        }
    }

    func testEightDrivesFitWithoutTheEntropyDevice() throws {
        let smoke = try PagodaProcess.guest("isa/smoke.elf")
        let disk = try image(sectors: 4)
        let drives = Array(repeating: ["--drive", "file=\(disk),readonly=on"], count: 8).flatMap { $0 }
        let r = try run(["run"] + drives + ["--rng", "none", smoke])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
    }

    func testImagesThatCannotBeOpenedExit66() throws {
        let smoke = try PagodaProcess.guest("isa/smoke.elf")
        let dir = try temporaryDirectory()
        let cases: [(String, String)] = [
            ("file=/nonexistent/disk.img", "pagoda: drive /nonexistent/disk.img: cannot open for reading and writing (No such file or directory)\n"),
            ("file=/nonexistent/disk.img,readonly=on", "pagoda: drive /nonexistent/disk.img: cannot open for reading (No such file or directory)\n"),
            // A directory cannot be opened for writing, and is no disk image when read.
            ("file=\(dir.path)", "pagoda: drive \(dir.path): cannot open for reading and writing (Is a directory)\n"),
            ("file=\(dir.path),snapshot=on", "pagoda: drive \(dir.path): not a regular file\n"),
        ]
        for (spec, message) in cases {
            let r = try run(["run", "--drive", spec, smoke])
            XCTAssertEqual(r.status, 66, spec)
            XCTAssertEqual(r.stderr, message, spec)
        }
    }

    func testUnevenImageSizeIsReportedOnce() throws {
        let smoke = try PagodaProcess.guest("isa/smoke.elf")
        let disk = try image(sectors: 3, extra: 100)
        let r = try run(["run", "--drive", "file=\(disk)", smoke])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stderr, "pagoda: drive \(disk): its size is not a multiple of 512 bytes; the capacity rounds down to 3 sectors (the last 100 bytes are not used)\n")
    }

    func testDriveCommasAreDoubled() throws {
        let smoke = try PagodaProcess.guest("isa/smoke.elf")
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("a,b.img")
        try Data(count: 1024).write(to: url)
        let escaped = url.path.replacingOccurrences(of: ",", with: ",,")
        let r = try run(["run", "--drive", "file=\(escaped),readonly=on", smoke])
        XCTAssertEqual(r.status, 0, r.stderr)
    }
}
