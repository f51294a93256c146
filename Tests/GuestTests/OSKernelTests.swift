import Foundation
import PagodaDevices
import PagodaMachine
import XCTest

/// The teaching kernel in guests/os (build/os/kernel.elf): booted bare in M-mode with a
/// command line, it runs its embedded user programs; these tests check what it prints.
final class OSKernelTests: XCTestCase {
    static let kernel = GuestRunner.buildDirectory.appendingPathComponent("os/kernel.elf")

    func boot(_ bootargs: String, harts: Int = 1) throws -> GuestRunner.Outcome {
        guard FileManager.default.fileExists(atPath: Self.kernel.path) else {
            throw XCTSkip("guests not built: run `make -C guests` first")
        }
        return try GuestRunner.run(Self.kernel) {
            $0.harts = harts
            $0.bootargs = bootargs
        }
    }

    /// The numbers of a process's exit line: "pid N (NAME) exit C: ... pageable-faults F; swap-out O dropped D ...".
    func exitLine(_ output: String, program: String) -> [String: Int]? {
        guard let line = output.split(separator: "\n").first(where: { $0.contains("(\(program)) exit") }) else { return nil }
        var values: [String: Int] = [:]
        let words = line.replacingOccurrences(of: ";", with: "").replacingOccurrences(of: ":", with: "")
            .split(separator: " ").map(String.init)
        for (i, word) in words.enumerated().dropLast() {
            if let n = Int(words[i + 1]) { values[word] = n }
        }
        return values
    }

    /// tools/os-oracle.py's counts for one reference string.
    func oracle(policy: String, frames: Int, tick: Int, refs: String) throws -> [String: Int] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", GuestRunner.repositoryRoot.appendingPathComponent("tools/os-oracle.py").path,
                             "--policy", policy, "--frames", "\(frames)", "--tick", "\(tick)", "--refs", refs, "--json"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        return try JSONDecoder().decode([String: Int].self, from: data)
    }

    func refsLine(_ output: String) -> String? {
        output.split(separator: "\n").first(where: { $0.hasPrefix("replay refs:") })
            .map { String($0.dropFirst("replay refs:".count)) }
    }

    static let workload = "run=hello,matrix,sweep,mstress,forktree"

    func checkWorkload(_ outcome: GuestRunner.Outcome, _ label: String, ops: Int = 2000) {
        let out = outcome.output
        XCTAssertEqual(outcome.reason, .passed, "\(label):\n\(out)")
        for want in ["hello from pid 1", "matrix: 24x24 trace 62, ok", "sweep: 24 pages x 3 passes, sum 24644160, ok",
                     "mstress: \(ops) operations", "forktree: 15 processes, want 15, ok", "all done: 19 exited, 0 killed"] {
            XCTAssertTrue(out.contains(want), "\(label): no '\(want)' in\n\(out)")
        }
        XCTAssertFalse(out.contains("CORRUPTED") || out.contains("WRONG") || out.contains("failed"), "\(label):\n\(out)")
    }

    func testPagingRunsTheProgramsOn1And4Harts() throws {
        for harts in [1, 4] {
            let outcome = try boot("mm=paging policy=clock frames=16 \(Self.workload)", harts: harts)
            checkWorkload(outcome, "paging, \(harts) harts")
            XCTAssertTrue(outcome.output.contains("\(harts) harts running, started through the mailbox"))
            XCTAssertTrue(outcome.output.contains("devices mapped with PBMT=IO (svpbmt)"), outcome.output)
            if harts == 4 {
                // Every hart took processes from the shared run queue.
                for h in 0..<4 {
                    XCTAssertTrue(outcome.output.range(of: "hart \(h): dispatches [1-9]", options: .regularExpression) != nil,
                                  "hart \(h) ran nothing:\n\(outcome.output)")
                }
            }
        }
    }

    func testMasterSchedulingRunsTheProgramsOn4Harts() throws {
        let outcome = try boot("sched=master \(Self.workload)", harts: 4)
        checkWorkload(outcome, "sched=master")
        XCTAssertTrue(outcome.output.contains("sched=master"))
        XCTAssertTrue(outcome.output.range(of: "hart 3: dispatches [1-9]", options: .regularExpression) != nil, outcome.output)
    }

    func testBeladyAnomalyWithFIFO() throws {
        let refs = "0,1,2,3,0,1,4,0,1,2,3,4"
        for (frames, faults) in [(3, 9), (4, 10)] {
            let outcome = try boot("policy=fifo frames=\(frames) run=replay refs=\(refs)")
            XCTAssertEqual(outcome.reason, .passed, outcome.output)
            XCTAssertEqual(exitLine(outcome.output, program: "replay")?["pageable-faults"], faults, outcome.output)
            XCTAssertEqual(try oracle(policy: "fifo", frames: frames, tick: 0, refs: refs)["faults"], faults)
        }
    }

    /// For every policy and several frame counts, the kernel's faults, swap-ins, swap-outs
    /// and clean drops equal the oracle's for the same reference string.
    func testKernelCountsEqualTheOracle() throws {
        let strings = ["gen=7:300:12", "gen=3:200:6", "refs=0w,1,2,3w,0,1,4w,0,1,2,3,4,5w,1,2"]
        for policy in ["fifo", "clock", "aging", "nru", "opt"] {
            for frames in [1, 2, 3, 4, 6, 8] {
                for string in strings {
                    let label = "\(policy) frames=\(frames) \(string)"
                    let outcome = try boot("policy=\(policy) frames=\(frames) run=replay \(string) tick=10", harts: 2)
                    XCTAssertEqual(outcome.reason, .passed, "\(label):\n\(outcome.output)")
                    guard let refs = refsLine(outcome.output), let kernel = exitLine(outcome.output, program: "replay") else {
                        XCTFail("\(label): no replay output:\n\(outcome.output)"); continue
                    }
                    let want = try oracle(policy: policy, frames: frames, tick: 10, refs: refs)
                    XCTAssertEqual(kernel["pageable-faults"], want["faults"], label)
                    XCTAssertEqual(kernel["swap-in"], want["swap_in"], label)
                    XCTAssertEqual(kernel["swap-out"], want["swap_out"], label)
                    XCTAssertEqual(kernel["dropped"], want["dropped"], label)
                }
            }
        }
    }

    func testMisbehavingProgramsAreKilledAndTheRestRunsOn() throws {
        let outcome = try boot("cpulimit=20 run=bad_null,matrix,bad_limit,bad_rodata,sweep,bad_loop", harts: 4)
        let out = outcome.output
        XCTAssertEqual(outcome.reason, .passed, out)
        for want in ["(bad_null) killed: null pointer dereference (address 0,",
                     "(bad_limit) killed: segmentation fault (address outside the address space) (address 30000000,",
                     "(bad_rodata) killed: write to a read-only page",
                     "(bad_loop) killed: CPU time limit exceeded",
                     "matrix: 24x24 trace 62, ok", "sweep: 24 pages x 3 passes, sum 24644160, ok",
                     "all done: 2 exited, 4 killed"] {
            XCTAssertTrue(out.contains(want), "no '\(want)' in\n\(out)")
        }
        XCTAssertFalse(out.contains("still running"), out)
    }

    /// Base/limit with too little memory for every process: whole processes go to swap and
    /// come back elsewhere with the checksum they left with; first and best fit.
    func testBaseLimitSwapsWholeProcessesAndKeepsTheirMemory() throws {
        for (fit, hartCounts) in [("first", [1, 4]), ("best", [4])] {
            for harts in hartCounts {
                let label = "baselimit fit=\(fit) \(harts) harts"
                let outcome = try boot("mm=baselimit fit=\(fit) memory=192K ops=400 large=0 \(Self.workload)", harts: harts)
                let out = outcome.output
                XCTAssertEqual(outcome.reason, .passed, "\(label):\n\(out)")
                for want in ["hello from pid 1", "matrix: 24x24 trace 62, ok", "sweep: 24 pages x 3 passes, sum 24644160, ok",
                             "mstress: 400 operations", "forktree: 15 processes, want 15, ok", "all done: 19 exited, 0 killed",
                             "\(fit) fit"] {
                    XCTAssertTrue(out.contains(want), "\(label): no '\(want)' in\n\(out)")
                }
                XCTAssertFalse(out.contains("CORRUPTED") || out.contains("WRONG") || out.contains("failed"), "\(label):\n\(out)")
                let summary = out.split(separator: "\n").first { $0.contains("whole-process swaps out") }.map(String.init) ?? ""
                let numbers = summary.components(separatedBy: CharacterSet.decimalDigits.inverted).compactMap { Int($0) }
                // "... whole-process swaps out A in B, checksums verified C ..."
                guard let at = summary.range(of: "whole-process swaps out ") else { XCTFail(out); continue }
                let tail = summary[at.upperBound...].components(separatedBy: CharacterSet.decimalDigits.inverted).compactMap { Int($0) }
                XCTAssertFalse(numbers.isEmpty)
                XCTAssertGreaterThan(tail[0], 0, "\(label): nothing was swapped\n\(out)")
                XCTAssertEqual(tail[1], tail[2], "\(label): every swap-in verified its checksum")
                XCTAssertGreaterThan(tail[2], 0)
            }
        }
    }

    /// Under base/limit a reference past the limit kills only that process; address 0 is
    /// ordinary memory of the segment (base/limit has no per-page protection).
    func testBaseLimitKillsAccessesPastTheLimit() throws {
        let outcome = try boot("mm=baselimit cpulimit=20 run=bad_limit,matrix,bad_null,bad_loop", harts: 4)
        let out = outcome.output
        XCTAssertEqual(outcome.reason, .passed, out)
        for want in ["(bad_limit) killed: access past the segment's limit (address 30000000,",
                     "(bad_loop) killed: CPU time limit exceeded", "matrix: 24x24 trace 62, ok",
                     "bad_null: still running after a null pointer write", "all done: 2 exited, 2 killed"] {
            XCTAssertTrue(out.contains(want), "no '\(want)' in\n\(out)")
        }
    }

    /// With a writable virtio block disk, swap lives on it (the kernel's own driver):
    /// paging under pressure and base/limit whole-process swapping both keep every byte,
    /// and the pages reach the image file. A read-only disk is not used.
    func testSwapOnAVirtioBlockDisk() throws {
        guard FileManager.default.fileExists(atPath: Self.kernel.path) else { throw XCTSkip("guests not built") }
        for args in ["mm=paging policy=clock frames=4 ops=400 \(Self.workload)",
                     "mm=baselimit memory=192K ops=400 large=0 \(Self.workload)"] {
            let image = FileManager.default.temporaryDirectory.appendingPathComponent("pagoda-os-swap-\(UUID().uuidString).img")
            try Data(count: 4 << 20).write(to: image)
            defer { try? FileManager.default.removeItem(at: image) }
            let outcome = try GuestRunner.run(Self.kernel) {
                $0.harts = 4
                $0.bootargs = args
                $0.drives = [DriveConfiguration(path: image.path)]
            }
            checkWorkload(outcome, args, ops: 400)
            let out = outcome.output
            XCTAssertTrue(out.contains("swap: virtio-blk disk in virtio slot 0 (8192 sectors), 1024 pages"), out)
            XCTAssertTrue(out.range(of: "swap \\(virtio-blk disk\\): pages out [1-9][0-9]* in [1-9]", options: .regularExpression) != nil, out)
            let written = try Data(contentsOf: image)
            XCTAssertTrue(written.contains { $0 != 0 }, "nothing reached the disk image")
        }
        let image = FileManager.default.temporaryDirectory.appendingPathComponent("pagoda-os-swap-ro-\(UUID().uuidString).img")
        try Data(count: 1 << 20).write(to: image)
        defer { try? FileManager.default.removeItem(at: image) }
        let outcome = try GuestRunner.run(Self.kernel) {
            $0.bootargs = "run=hello"
            $0.drives = [DriveConfiguration(path: image.path, readOnly: true)]
        }
        XCTAssertTrue(outcome.output.contains("swap: RAM-backed area"), outcome.output)
    }

    func testTwoRunsGiveIdenticalOutput() throws {
        let args = "policy=aging frames=6 \(Self.workload)"
        let first = try boot(args, harts: 4), second = try boot(args, harts: 4)
        XCTAssertEqual(first.reason, .passed)
        XCTAssertEqual(first.output, second.output)
        let bl = "mm=baselimit memory=192K ops=400 large=0 \(Self.workload)"
        let third = try boot(bl, harts: 4), fourth = try boot(bl, harts: 4)
        XCTAssertEqual(third.reason, .passed)
        XCTAssertEqual(third.output, fourth.output)
    }
}
