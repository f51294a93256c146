@testable import PagodaISA
import XCTest

/// Known encodings and their text.
final class DisassemblerTests: XCTestCase {
    func testBaseInstructionsAndAliases() {
        XCTAssertEqual(Disassembler.text(raw: 0x0000_0013, pc: 0), "nop")
        XCTAssertEqual(Disassembler.text(raw: 0x0050_0513, pc: 0), "li a0, 0x5")
        XCTAssertEqual(Disassembler.text(raw: 0x0005_8513, pc: 0), "mv a0, a1")
        XCTAssertEqual(Disassembler.text(raw: 0x8005_0513, pc: 0), "addi a0, a0, -0x800")
        XCTAssertEqual(Disassembler.text(raw: 0x0000_0297, pc: 0x8000_0000), "auipc t0, 0x0")
        XCTAssertEqual(Disassembler.text(raw: 0xFFFF_F537, pc: 0), "lui a0, 0xfffff")
        XCTAssertEqual(Disassembler.text(raw: 0xFF81_3503, pc: 0), "ld a0, -0x8(sp)")
        XCTAssertEqual(Disassembler.text(raw: 0x0000_8067, pc: 0), "ret")
        XCTAssertEqual(Disassembler.text(raw: 0xE5C0_80E7, pc: 0x8000_0046), "jalr -0x1a4(ra)")
        XCTAssertEqual(Disassembler.text(raw: 0x0005_851B, pc: 0), "sext.w a0, a1")
        XCTAssertEqual(Disassembler.text(raw: 0x40B0_0533, pc: 0), "neg a0, a1")
        XCTAssertEqual(Disassembler.text(raw: 0x03F5_9513, pc: 0), "slli a0, a1, 0x3f")
    }

    func testBranchAndJumpTargetsAreAbsolute() {
        XCTAssertEqual(Disassembler.text(raw: 0xFA05_02E3, pc: 0x5C), "beqz a0, 0x0")
        XCTAssertEqual(Disassembler.text(raw: 0xFFDF_F2EF, pc: 4), "jal t0, 0x0")
        XCTAssertEqual(Disassembler.text(raw: 0xFE00_0EE3, pc: 0), "beqz zero, 0xfffffffffffffffc")
        XCTAssertEqual(Disassembler.text(raw: 0xBFF5, pc: 0x8000_0056), "j 0x80000052")
    }

    func testCompressed() {
        XCTAssertEqual(Disassembler.text(raw: 0x8082, pc: 0), "ret")
        XCTAssertEqual(Disassembler.text(raw: 0x0001, pc: 0), "nop")
        XCTAssertEqual(Disassembler.text(raw: 0x0000, pc: 0), "unimp")
        XCTAssertEqual(Disassembler.text(raw: 0x4501, pc: 0), "li a0, 0x0")
        XCTAssertEqual(Disassembler.text(raw: 0x02A1, pc: 0), "addi t0, t0, 0x8")
        XCTAssertEqual(Disassembler.text(raw: 0x1101, pc: 0), "addi sp, sp, -0x20")
        XCTAssertEqual(Disassembler.text(raw: 0x7219, pc: 0), "lui tp, 0xfffe6")
        XCTAssertEqual(Disassembler.text(raw: 0x1005, pc: 0), "c.nop -0x1f")
        XCTAssertEqual(Disassembler.text(raw: 0x0082, pc: 0), "c.slli64 ra")
        XCTAssertEqual(Disassembler.text(raw: 0x8006, pc: 0), "c.mv zero, ra")
        XCTAssertEqual(Disassembler.text(raw: 0x2000, pc: 0), "<unknown>", "c.fld: no D extension")
        XCTAssertEqual(Disassembler.text(raw: 0xABCD_8082, pc: 0), "ret", "the upper half of a compressed instruction is ignored")
    }

    func testCSRs() {
        XCTAssertEqual(Disassembler.text(raw: 0x3005_9573, pc: 0), "csrrw a0, mstatus, a1")
        XCTAssertEqual(Disassembler.text(raw: 0x3052_9073, pc: 0), "csrw mtvec, t0")
        XCTAssertEqual(Disassembler.text(raw: 0x3400_2573, pc: 0), "csrr a0, mscratch")
        XCTAssertEqual(Disassembler.text(raw: 0x3002_E073, pc: 0), "csrsi mstatus, 0x5")
        XCTAssertEqual(Disassembler.text(raw: 0x7C00_2573, pc: 0), "csrr a0, 0x7c0", "no standard name: the number")
        XCTAssertEqual(Disassembler.text(raw: 0x3A10_2573, pc: 0), "csrr a0, 0x3a1", "pmpcfg1 exists on RV32 only")
        XCTAssertEqual(Disassembler.text(raw: 0xC000_2573, pc: 0), "rdcycle a0")
        XCTAssertEqual(Disassembler.text(raw: 0xC000_1073, pc: 0), "unimp")
    }

    func testFencesAtomicsAndSystem() {
        XCTAssertEqual(Disassembler.text(raw: 0x0FF0_000F, pc: 0), "fence")
        XCTAssertEqual(Disassembler.text(raw: 0x0330_000F, pc: 0), "fence rw, rw")
        XCTAssertEqual(Disassembler.text(raw: 0x8330_000F, pc: 0), "fence.tso")
        XCTAssertEqual(Disassembler.text(raw: 0x0000_100F, pc: 0), "fence.i")
        XCTAssertEqual(Disassembler.text(raw: 0x0010_100F, pc: 0), "<unknown>", "fence.i with a nonzero immediate")
        XCTAssertEqual(Disassembler.text(raw: 0x1200_0073, pc: 0), "sfence.vma")
        XCTAssertEqual(Disassembler.text(raw: 0x12B5_0073, pc: 0), "sfence.vma a0, a1")
        XCTAssertEqual(Disassembler.text(raw: 0x1605_A52F, pc: 0), "lr.w.aqrl a0, (a1)")
        XCTAssertEqual(Disassembler.text(raw: 0x1AC5_B52F, pc: 0), "sc.d.rl a0, a2, (a1)")
        XCTAssertEqual(Disassembler.text(raw: 0x04C5_A52F, pc: 0), "amoadd.w.aq a0, a2, (a1)")
        XCTAssertEqual(Disassembler.text(raw: 0x3020_0073, pc: 0), "mret")
        XCTAssertEqual(Disassembler.text(raw: 0x1050_0073, pc: 0), "wfi")
        XCTAssertEqual(Disassembler.text(raw: 0x0000_0077, pc: 0), "<unknown>")
    }

    /// No input crashes it: a sweep over spread-out 32-bit values.
    func testNeverCrashes() {
        var value: UInt32 = 0
        for _ in 0..<200_000 {
            XCTAssertFalse(Disassembler.text(raw: value, pc: 0xFFFF_FFFF_FFFF_FFFE).isEmpty)
            value &+= 0x0000_5A5B
        }
        for raw in [UInt32.max, 0xFFFF_FFFC, 0x7FFF_FFFF, 0xFFFF] {
            XCTAssertFalse(Disassembler.text(raw: raw, pc: .max).isEmpty)
        }
    }
}
