import PagodaDevices
@testable import PagodaMachine
import XCTest

/// Any guest instruction stream gets architectural behaviour (traps), never a host
/// crash or an access outside the emulator's buffers: random code in RAM, random
/// register contents, run under an instruction limit, on one and on two harts.
final class RandomInstructionStreamTests: XCTestCase {
    func testRandomCodeNeverCrashesTheHost() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        for seed in 0..<24 {
            var c = MachineConfiguration()
            c.memorySize = 4 << 20
            c.harts = seed % 3 == 0 ? 2 : 1
            c.bootAllHarts = true
            c.maxInstructions = 60_000
            c.timing = seed % 2 == 0
            let machine = Machine(configuration: c, console: BufferConsole(input: Array("input".utf8)))
            machine.reset()
            // 64 KiB of random words, biased towards real opcodes (loads, stores, CSRs, AMOs, system).
            let opcodes: [UInt32] = [0x03, 0x23, 0x73, 0x2F, 0x13, 0x33, 0x63, 0x67, 0x6F, 0x37, 0x17, 0x0F, 0x1B, 0x3B]
            for i in stride(from: UInt64(0), to: 64 << 10, by: 4) {
                var word = UInt32(truncatingIfNeeded: next())
                if next() % 4 != 0 { word = (word & ~0x7F) | opcodes[Int(next() % UInt64(opcodes.count))] }
                machine.bus.write(0x8000_0000 + i, size: 4, value: UInt64(word))
            }
            for hart in machine.harts {
                hart.setPC(0x8000_0000 + (next() % (64 << 10)) & ~1)
                for r in 1..<32 {
                    // Registers hold addresses of interest or random values.
                    let choices: [UInt64] = [0x8000_0000 + next() % (4 << 20), 0x1000_0000, 0x0200_0000 + next() % 0x10000,
                                             0x0C00_0000 + next() % 0x400_0000, 0x10_2000 + next() % 0x1000, next(), 0]
                    hart.setRegister(r, choices[Int(next() % UInt64(choices.count))])
                }
                _ = hart.debugWriteCSR(0x305, 0x8000_0000 + (next() % (64 << 10)) & ~3)  // mtvec into the random code
            }
            let reason = machine.run()
            XCTAssertTrue([.instructionLimit, .passed, .deadlock].contains(reason) || { if case .failed = reason { return true }; return false }(),
                          "seed \(seed): \(reason)")
        }
    }
}
