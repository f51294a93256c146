@testable import PagodaDebug
import PagodaISA
import PagodaMachine
import XCTest

/// `monitor tlb`, `translate`, `stats` and `reset`.
final class MonitorCommandsTests: XCTestCase {
    var machine: Machine!
    var monitor: MonitorCommands!
    var hart: Hart { machine.harts[0] }

    override func setUp() {
        machine = TestMachines.make(TestMachines.counterLoop, harts: 2)
        monitor = MonitorCommands(machine: machine)
    }

    private func store(_ pa: UInt64, _ value: UInt64) {
        XCTAssertTrue(hart.debugWrite(pa, bytes: (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }))
    }

    func testTranslateBare() {
        let text = monitor.run("translate 0x80001000", hart: 0)
        XCTAssertTrue(text.hasPrefix("hart 0: 0x0000000080001000, M-mode, satp mode bare\n"), text)
        XCTAssertTrue(text.contains("  load:  [bare] pa 0x0000000080001000\n"), text)
    }

    func testTranslateBaseLimit() {
        XCTAssertTrue(hart.debugWriteCSR(CSRAddress.sbase, 0x8010_0000))
        XCTAssertTrue(hart.debugWriteCSR(CSRAddress.sbound, 0x1000))
        XCTAssertTrue(hart.debugWriteCSR(CSRAddress.satp, 14 << 60))
        hart.debugSetPrivilege(.supervisor)
        let inside = monitor.run("translate 10", hart: 0)
        XCTAssertTrue(inside.contains("  base/limit: sbase 0x0000000080100000, sbound 0x0000000000001000\n"), inside)
        XCTAssertTrue(inside.contains("  store: [base-limit] pa 0x0000000080100010\n"), inside)
        let outside = monitor.run("translate 2000", hart: 0)
        XCTAssertTrue(outside.contains("  load:  [base-limit] fault: load page fault\n"), outside)
    }

    func testTranslateWalksSv39() {
        let root: UInt64 = 0x8010_0000, l1: UInt64 = 0x8010_1000, l0: UInt64 = 0x8010_2000
        func pte(_ pa: UInt64, _ flags: UInt64) -> UInt64 { (pa >> 12) << 10 | flags }
        store(root + 1 * 8, pte(l1, 0x1))
        store(l1, pte(l0, 0x1))
        store(l0 + 1 * 8, pte(0x8020_3000, 0xC7))  // D A W R V: no X
        XCTAssertTrue(hart.debugWriteCSR(CSRAddress.satp, 8 << 60 | 5 << 44 | root >> 12))
        hart.debugSetPrivilege(.supervisor)
        let text = monitor.run("translate 40001234", hart: 0)
        XCTAssertTrue(text.contains("  sv39: root table 0x0000000080100000, asid 0x0005\n"), text)
        XCTAssertTrue(text.contains("  level 2: pte at 0x0000000080100008 = 0x0000000020040401 -------V -> table 0x0000000080101000\n"), text)
        XCTAssertTrue(text.contains("  level 0: pte at 0x0000000080102008 = 0x0000000020080cc7 DA---WRV leaf 4K page 0x0000000080203000\n"), text)
        XCTAssertTrue(text.contains("  fetch: [sv39] fault: instruction page fault\n"), text)
        XCTAssertTrue(text.contains("  load:  [sv39] pa 0x0000000080203234\n"), text)
        let unmapped = monitor.run("translate 0x1000", hart: 0)
        XCTAssertTrue(unmapped.contains("  level 2: pte at 0x0000000080100000 = 0x0000000000000000 -------- invalid\n"), unmapped)
        XCTAssertTrue(monitor.run("translate 0x1000 1", hart: 0).contains("[bare]"), "hart 1 is in M-mode")
    }

    func testTLBListsValidEntries() {
        hart.mmu.dtlb.insert(va: 0x7F_FFFF_F000, level: 0, asid: 3, pte: 0x2008_0CC7, pteAddress: 0x8010_2008)
        hart.mmu.itlb.insert(va: 0x8000_0000, level: 2, asid: 0, pte: 0x2000_00EF, pteAddress: 0x8010_0010)
        let text = monitor.run("tlb", hart: 0)
        XCTAssertTrue(text.contains("ITLB (32 entries, 32-way, lru): 1 valid\n"
            + "  va 0x0000000080000000-0x00000000bfffffff 1G asid 0x0000 G pte DAG-XWRV pa 0x0000000080000000\n"), text)
        XCTAssertTrue(text.contains("DTLB (32 entries, 32-way, lru): 1 valid\n"
            + "  va 0xfffffffffffff000-0xffffffffffffffff 4K asid 0x0003 - pte DA---WRV pa 0x0000000080203000\n"), text)
        XCTAssertTrue(text.contains("L2 TLB: none\n"), text)
        XCTAssertTrue(monitor.run("tlb 1", hart: 0).contains("DTLB (32 entries, 32-way, lru): 0 valid\n"))
        XCTAssertEqual(monitor.run("tlb 2", hart: 0), "usage: monitor tlb [HART]\n")
    }

    func testStatsResetHelpAndMistakes() {
        XCTAssertTrue(monitor.run("stats", hart: 0).contains("\"instructions_executed\""))
        hart.setPC(0x8000_0000)
        XCTAssertTrue(monitor.run("reset", hart: 0).hasPrefix("machine reset"))
        XCTAssertEqual(hart.pc, 0x1000)
        XCTAssertEqual(monitor.run("", hart: 0), MonitorCommands.help)
        XCTAssertTrue(monitor.run("frobnicate", hart: 0).hasPrefix("unknown monitor command 'frobnicate'"))
        XCTAssertEqual(monitor.run("translate", hart: 0), "usage: monitor translate VA [HART]\n")
        XCTAssertEqual(monitor.run("translate xyz", hart: 0), "usage: monitor translate VA [HART]\n")
    }
}
