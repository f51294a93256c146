import PagodaDevices
@testable import PagodaMachine
import XCTest

/// Sv39 walks against page tables written into guest RAM by the test.
final class Sv39Tests: XCTestCase {
    var machine: Machine!
    var hart: Hart { machine.harts[0] }
    let root: UInt64 = 0x8010_0000

    override func setUp() {
        var c = MachineConfiguration()
        c.memorySize = 16 << 20
        machine = Machine(configuration: c, console: BufferConsole(input: []))
        machine.reset()
    }

    func write(_ pa: UInt64, _ value: UInt64) { machine.bus.write(pa, size: 8, value: value) }
    func pte(_ pa: UInt64, _ flags: UInt64) -> UInt64 { ((pa >> 12) << 10) | flags }

    /// Maps va 0x4000_0000 + 0x1000 -> pa 0x8020_3000 with 4 KiB pages (flags of the leaf given).
    func map4K(_ flags: UInt64) {
        let l1: UInt64 = 0x8010_1000, l0: UInt64 = 0x8010_2000
        write(root + 1 * 8, pte(l1, 0x1))
        write(l1 + 0 * 8, pte(l0, 0x1))
        write(l0 + 1 * 8, pte(0x8020_3000, flags))
        hart.mmu.writeSATP((8 << 60) | (5 << 44) | (root >> 12))
    }

    func translate(_ va: UInt64, _ access: AccessType, mode: PrivilegeMode = .supervisor, sum: Bool = false, mxr: Bool = false) -> MMU.Result {
        hart.mmu.translate(va, access: access, mode: mode, sum: sum, mxr: mxr)
    }

    func testWalkSetsAccessedAndDirty() {
        map4K(0x7)  // V R W, A and D clear
        let r = translate(0x4000_1234, .load)
        XCTAssertNil(r.fault)
        XCTAssertEqual(r.physical, 0x8020_3234)
        XCTAssertEqual(machine.bus.read(0x8010_2008, size: 8)! & 0xC0, 0x40, "A set by the load")
        XCTAssertNil(translate(0x4000_1234, .store).fault)
        XCTAssertEqual(machine.bus.read(0x8010_2008, size: 8)! & 0xC0, 0xC0, "D set by the store")
        XCTAssertEqual(hart.mmu.statistics.pageWalks, 2, "a load walk, then a re-walk to set D")
        XCTAssertEqual(hart.mmu.statistics.pteReads, 6)
        XCTAssertNil(translate(0x4000_1000, .load).fault)
        XCTAssertEqual(hart.mmu.statistics.pageWalks, 2, "TLB hit: no walk")
        XCTAssertEqual(hart.mmu.dtlb.misses, 1)
    }

    func testSvadeFaultsInsteadOfSetting() {
        hart.mmu.updatesAccessedDirty = false
        map4K(0x7)
        XCTAssertEqual(translate(0x4000_1000, .load).fault, .loadPageFault)
    }

    func testPermissionsSUMAndMXR() {
        map4K(0xD9)  // V X U A D: execute-only user page
        XCTAssertNil(translate(0x4000_1000, .fetch, mode: .user).fault)
        XCTAssertEqual(translate(0x4000_1000, .load, mode: .user).fault, .loadPageFault)
        XCTAssertNil(translate(0x4000_1000, .load, mode: .user, mxr: true).fault, "MXR makes X readable")
        XCTAssertEqual(translate(0x4000_1000, .fetch, mode: .supervisor, sum: true).fault, .instructionPageFault, "S never executes U pages")
        XCTAssertEqual(translate(0x4000_1000, .load, mode: .supervisor, mxr: true).fault, .loadPageFault, "U page from S needs SUM")
        XCTAssertNil(translate(0x4000_1000, .load, mode: .supervisor, sum: true, mxr: true).fault)
    }

    func testInvalidEntriesAndNonCanonicalAddresses() {
        map4K(0x5 | 0xC0)  // V W without R: reserved
        XCTAssertEqual(translate(0x4000_1000, .load).fault, .loadPageFault)
        map4K(0xCF | (1 << 63))  // N bit without Svnapot
        hart.mmu.fence(va: nil, asid: nil)
        XCTAssertEqual(translate(0x4000_1000, .store).fault, .storePageFault)
        XCTAssertEqual(translate(0x0000_0040_0000_0000, .load).fault, .loadPageFault, "bit 38 clear, bit 39 set")
        XCTAssertEqual(translate(0xFFFF_FFC0_0000_0000, .fetch).fault, .instructionPageFault, "canonical, but unmapped")
    }

    func testPointerPTEsWithADOrUFault() {
        for bit: UInt64 in [0x10, 0x40, 0x80] {  // U, A, D: reserved in a non-leaf PTE
            map4K(0xCF)
            write(0x8010_1000, pte(0x8010_2000, 0x1 | bit))
            hart.mmu.fence(va: nil, asid: nil)
            XCTAssertEqual(translate(0x4000_1000, .load).fault, .loadPageFault, "pointer with bit \(bit)")
            write(0x8010_1000, pte(0x8010_2000, 0x1))
            write(root + 1 * 8, pte(0x8010_1000, 0x1 | bit))
            hart.mmu.fence(va: nil, asid: nil)
            XCTAssertEqual(translate(0x4000_1000, .store).fault, .storePageFault, "root pointer with bit \(bit)")
        }
        map4K(0xCF)
        hart.mmu.fence(va: nil, asid: nil)
        XCTAssertNil(translate(0x4000_1000, .load).fault, "a plain pointer")
    }

    func testMisalignedSuperpageFaults() {
        write(root + 1 * 8, pte(0x8020_1000, 0xCF))   // 1 GiB leaf with a PPN not 1 GiB aligned
        hart.mmu.writeSATP((8 << 60) | (root >> 12))
        XCTAssertEqual(translate(0x4000_0000, .load).fault, .loadPageFault)
        write(root + 2 * 8, pte(0x8000_0000, 0xCF))   // aligned gigapage at va 0x8000_0000
        XCTAssertEqual(translate(0x8765_4321, .load).physical, 0x8765_4321)
    }

    func testBaseLimit() {
        hart.mmu.sbase = 0x8040_0000
        hart.mmu.sbound = 0x2000
        hart.mmu.writeSATP(14 << 60)
        XCTAssertEqual(translate(0x1FFF, .load, mode: .user).physical, 0x8040_1FFF)
        XCTAssertEqual(translate(0x2000, .store, mode: .user).fault, .storePageFault)
        XCTAssertEqual(hart.mmu.statistics.baseLimitFaults, 1)
        XCTAssertEqual(translate(0x2000, .load, mode: .machine).physical, 0x2000, "M-mode is untranslated")
    }

    func testUnsupportedSATPModesAreIgnored() {
        hart.mmu.writeSATP(9 << 60)  // Sv48: not supported, WARL keeps the old value
        XCTAssertEqual(hart.mmu.satp, 0)
    }
}
