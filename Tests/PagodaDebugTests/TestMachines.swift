import PagodaDevices
import PagodaMachine
import XCTest

/// Machines with small hand-assembled programs in RAM (no ELF needed): the boot ROM
/// jumps to 0x80000000, where `program` is written.
enum TestMachines {
    static let ram: UInt64 = 0x8000_0000

    /// A loop that counts in a0 and stores it at 0x80001000, forever:
    ///   80000000 auipc t0, 1        t0 = 0x80001000
    ///   80000004 addi a0, a0, 1
    ///   80000008 sd a0, 0(t0)
    ///   8000000c j 80000004
    static let counterLoop: [UInt32] = [0x0000_1297, 0x0015_0513, 0x00A2_B023, 0xFF9F_F06F]
    static let counterAddress: UInt64 = 0x8000_1000

    /// Powers off with success through the SiFive test device:
    ///   lui t0, 0x100; lui t1, 5; addi t1, t1, 0x555; sw t1, 0(t0)
    static let powerOff: [UInt32] = [0x0010_02B7, 0x0000_5337, 0x5553_0313, 0x0062_A023]

    static func make(_ program: [UInt32], harts: Int = 1, bootAllHarts: Bool = false, maxInstructions: UInt64? = nil,
                     console: BufferConsole = BufferConsole()) -> Machine {
        var configuration = MachineConfiguration()
        configuration.memorySize = 16 << 20
        configuration.harts = harts
        configuration.bootAllHarts = bootAllHarts
        configuration.maxInstructions = maxInstructions
        let machine = Machine(configuration: configuration, console: console)
        machine.reset()
        let bytes = program.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
        XCTAssertTrue(machine.harts[0].debugWrite(ram, bytes: bytes))
        return machine
    }
}

/// Lets a value cross to another thread in a test that joins that thread before
/// touching the value again.
final class Unchecked<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
