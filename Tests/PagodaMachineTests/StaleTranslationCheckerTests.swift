@testable import PagodaMachine
import XCTest

/// The stale-translation checker's comparison and bookkeeping, without a guest.
final class StaleTranslationCheckerUnitTests: XCTestCase {
    private let leafA = MMU.Leaf(pte: (0x81000 << 10) | 0xC7, level: 0, pteAddress: 0x8000_8000)

    func testAccessedAndDirtyChangesAreNotStale() {
        let c = StaleTranslationChecker()
        let clearedAD = MMU.Leaf(pte: leafA.pte & ~0xC0, level: 0, pteAddress: leafA.pteAddress)
        c.check(hart: 0, pc: 0x100, instret: 1, access: .load, asid: 1, va: 0x4000_0000, cached: leafA, fresh: clearedAD, walkAddresses: [])
        XCTAssertTrue(c.findings.isEmpty)
    }

    func testPermissionPageSizeOrInvalidationIsStaleOncePerPage() {
        let c = StaleTranslationChecker()
        let readOnly = MMU.Leaf(pte: leafA.pte & ~MMU.PTE.w, level: 0, pteAddress: leafA.pteAddress)
        c.check(hart: 0, pc: 0x100, instret: 1, access: .load, asid: 1, va: 0x4000_0008, cached: leafA, fresh: readOnly, walkAddresses: [])
        c.check(hart: 0, pc: 0x104, instret: 2, access: .store, asid: 1, va: 0x4000_0010, cached: leafA, fresh: readOnly, walkAddresses: [])
        XCTAssertEqual(c.findings.count, 1, "once per (ASID, page)")
        c.check(hart: 0, pc: 0x108, instret: 3, access: .load, asid: 2, va: 0x4000_0000, cached: leafA, fresh: nil, walkAddresses: [])
        XCTAssertEqual(c.findings.count, 2, "another ASID is another report")
        XCTAssertNil(c.findings[1].currentPTE)
        let mega = MMU.Leaf(pte: leafA.pte, level: 1, pteAddress: leafA.pteAddress)
        c.check(hart: 0, pc: 0x10c, instret: 4, access: .load, asid: 3, va: 0x4000_1000, cached: leafA, fresh: mega, walkAddresses: [])
        XCTAssertEqual(c.findings.count, 3, "a different page size is a different translation")
    }

    func testLatestStoreOnTheWalkPathIsNamed() {
        let c = StaleTranslationChecker()
        c.noteStore(hart: 1, pc: 0x50, instret: 7, physical: 0x8000_8000, length: 8)
        XCTAssertTrue(c.findings.isEmpty)
        c.noteTableRead(0x8000_8000)
        c.noteTableRead(0x8000_9000)
        c.noteStore(hart: 1, pc: 0x60, instret: 8, physical: 0x8000_9010, length: 8)  // the level-1 PTE
        c.noteStore(hart: 0, pc: 0x70, instret: 9, physical: 0x8000_8004, length: 4)  // upper half of the leaf
        c.noteStore(hart: 0, pc: 0x80, instret: 10, physical: 0x8000_8100, length: 8) // another PTE
        c.check(hart: 0, pc: 0x100, instret: 11, access: .fetch, asid: 0, va: 0x4000_0000, cached: leafA, fresh: nil,
                walkAddresses: [0x8000_a000, 0x8000_9010])
        XCTAssertEqual(c.findings.first?.store?.pc, 0x70)
        XCTAssertEqual(c.findings.first?.store?.pteAddress, 0x8000_8000)
    }
}
