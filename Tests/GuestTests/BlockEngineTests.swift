import Foundation
import PagodaDevices
import PagodaLoader
@testable import PagodaMachine
import XCTest

/// The block engine stopped in the middle of a block from outside the guest: an
/// instruction limit that ends inside a block, and code rewritten by DMA. (The guest
/// programs block_boundaries, block_interrupt, block_self_patch and
/// code_from_other_hart cover faults, interrupts, self-modifying code and code written
/// by another hart.)
final class BlockEngineTests: XCTestCase {
    private func machine(_ elf: URL, timing: Bool, maxInstructions: UInt64?) throws -> Machine {
        var configuration = MachineConfiguration()
        configuration.timing = timing
        configuration.maxInstructions = maxInstructions
        let machine = Machine(configuration: configuration, console: BufferConsole())
        machine.load(try ELFLoader.load(path: elf.path, allowedRegions: machine.loadableRegions))
        return machine
    }

    private func guest(_ path: String) throws -> URL {
        let url = GuestRunner.buildDirectory.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("guests not built: run `make -C guests` first") }
        return url
    }

    /// A line-fetch entry gives back its line and its set's first way; it stays apart
    /// from every instruction's entry.
    func testLineFetchEntryHoldsItsLineAndSet() {
        let entry = UnsafeMutablePointer<BlockEntry>.allocate(capacity: 1)
        defer { entry.deallocate() }
        let line: UInt64 = 0x0000_1F2E_3D4C_5B6A
        entry.initialize(to: BlockEntry.lineFetch(offset: 6, cyclesBefore: 3, line: line, firstWay: 252))
        XCTAssertTrue(entry.isLineFetch)
        XCTAssertEqual(entry.fetchLine, line)
        XCTAssertEqual(entry.fetchFirstWay, 252)
        XCTAssertEqual(entry.pointee.offset, 6)
        XCTAssertEqual(entry.pointee.cyclesBefore, 3)
        entry.pointee = BlockEntry(Hart.cacheEntry(for: 0x0FF0_000F), offset: 0)  // fence iorw, iorw
        XCTAssertEqual(entry.pointee.op, .fence)
        XCTAssertFalse(entry.isLineFetch)
    }

    /// `--max-instructions N` stops after exactly N instructions wherever N falls in a
    /// block, with the state one-at-a-time stepping reaches, timing model on and off.
    func testInstructionLimitEndsInsideBlocks() throws {
        let elf = try guest("bench/crc32.elf")
        for timing in [false, true] {
            let stepped = try machine(elf, timing: timing, maxInstructions: nil)
            var steps: UInt64 = 0
            // From the start, where each line is fetched for the first time, and later.
            for limit in Array(UInt64(1)...UInt64(90)) + Array(UInt64(3_000)...UInt64(3_040)) {
                let limited = try machine(elf, timing: timing, maxInstructions: limit)
                XCTAssertEqual(limited.run(), .instructionLimit)
                while steps < limit { stepped.step(stepped.harts[0]); steps += 1 }
                let a = limited.harts[0], b = stepped.harts[0]
                XCTAssertEqual(limited.instructionsExecuted, limit)
                XCTAssertEqual(a.pc, b.pc, "pc after \(limit)")
                XCTAssertEqual(a.instructionsRetired, b.instructionsRetired, "instret after \(limit)")
                XCTAssertEqual(a.cycles, b.cycles, "cycles after \(limit), timing \(timing)")
                XCTAssertEqual(a.timing.l1iMisses, b.timing.l1iMisses, "L1I misses after \(limit), timing \(timing)")
                XCTAssertEqual(a.timing.l1iHits, b.timing.l1iHits, "L1I hits after \(limit), timing \(timing)")
                XCTAssertEqual(a.timing.l1dMisses, b.timing.l1dMisses, "L1D misses after \(limit), timing \(timing)")
                for r in 1..<32 { XCTAssertEqual(a.register(r), b.register(r), "x\(r) after \(limit)") }
            }
        }
    }

    /// Code written into RAM behind the harts' back, as a DMA device writes, runs as
    /// written once the device calls `Machine.noteDMAWrite`.
    func testDMAIntoCodeDropsItsBlocks() throws {
        let elf = try guest("priv/code_patched_outside.elf")
        let m = try machine(elf, timing: false, maxInstructions: 300_000)
        XCTAssertEqual(m.run(), .instructionLimit, "the guest is still calling the function")
        let address = try XCTUnwrap(m.image?.symbol(named: "patched_code")?.value) + 4
        let ram = m.bus.ram
        (ram.host + Int(address - ram.base)).storeBytes(of: UInt32(0x0025_0513), as: UInt32.self)  // addi a0, a0, 2
        m.noteDMAWrite(physical: address, length: 4)
        var steps = 0
        while m.stopReason == .instructionLimit && steps < 1_000_000 {
            m.step(m.harts[0])
            steps += 1
        }
        XCTAssertEqual(m.stopReason, .passed)
        let output = (m.console as? BufferConsole)?.outputString ?? ""
        XCTAssertTrue(output.contains("the code was patched from outside"), output)
    }
}
