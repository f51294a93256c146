@testable import PagodaMachine
import XCTest

final class ModelTLBTests: XCTestCase {
    let pteRWX: UInt64 = 0xCF  // V R W X A D

    func testHitMissAndLRUEviction() {
        let tlb = ModelTLB(TLBConfiguration(entries: 2, ways: 2, policy: .lru))
        XCTAssertNil(tlb.lookup(0x1000, asid: 0))
        tlb.insert(va: 0x1000, level: 0, asid: 0, pte: pteRWX, pteAddress: 0)
        tlb.insert(va: 0x2000, level: 0, asid: 0, pte: pteRWX, pteAddress: 0)
        XCTAssertNotNil(tlb.lookup(0x1ABC, asid: 0))          // 0x1000 becomes most recent
        let evicted = tlb.insert(va: 0x3000, level: 0, asid: 0, pte: pteRWX, pteAddress: 0)
        XCTAssertEqual(evicted?.virtualBase, 0x2000)           // the least recently used goes
        XCTAssertNil(tlb.lookup(0x2000, asid: 0))
        XCTAssertEqual(tlb.lookups, 3)
        XCTAssertEqual(tlb.misses, 2)
    }

    func testFIFOIgnoresUse() {
        let tlb = ModelTLB(TLBConfiguration(entries: 2, ways: 2, policy: .fifo))
        tlb.insert(va: 0x1000, level: 0, asid: 0, pte: pteRWX, pteAddress: 0)
        tlb.insert(va: 0x2000, level: 0, asid: 0, pte: pteRWX, pteAddress: 0)
        _ = tlb.lookup(0x1000, asid: 0)
        XCTAssertEqual(tlb.insert(va: 0x3000, level: 0, asid: 0, pte: pteRWX, pteAddress: 0)?.virtualBase, 0x1000)
    }

    func testSuperpagesCoverTheirRange() {
        let tlb = ModelTLB(TLBConfiguration(entries: 8, ways: 2))
        tlb.insert(va: 0x4020_0000, level: 1, asid: 1, pte: pteRWX, pteAddress: 0)
        XCTAssertEqual(tlb.lookup(0x403F_FFF8, asid: 1)?.level, 1)
        XCTAssertNil(tlb.lookup(0x4040_0000, asid: 1))
        tlb.insert(va: 0x8000_0000, level: 2, asid: 1, pte: pteRWX, pteAddress: 0)
        XCTAssertEqual(tlb.lookup(0xBFFF_F000, asid: 1)?.level, 2)
    }

    func testASIDsAndGlobalEntries() {
        let tlb = ModelTLB(TLBConfiguration(entries: 4, ways: 4))
        tlb.insert(va: 0x1000, level: 0, asid: 1, pte: pteRWX, pteAddress: 0)
        tlb.insert(va: 0x2000, level: 0, asid: 1, pte: pteRWX | 0x20, pteAddress: 0)  // global
        XCTAssertNil(tlb.lookup(0x1000, asid: 2))
        XCTAssertNotNil(tlb.lookup(0x2000, asid: 2))
        tlb.flush(va: nil, asid: 1)                    // sfence.vma x0, asid: globals stay
        XCTAssertNil(tlb.lookup(0x1000, asid: 1))
        XCTAssertNotNil(tlb.lookup(0x2000, asid: 1))
        tlb.flush(va: 0x2000, asid: nil)               // sfence.vma va, x0: globals go too
        XCTAssertNil(tlb.lookup(0x2000, asid: 1))
    }

    func testShapeParsing() {
        XCTAssertEqual(TLBConfiguration(parsing: "64:4:fifo"), TLBConfiguration(entries: 64, ways: 4, policy: .fifo))
        XCTAssertEqual(TLBConfiguration(parsing: "32")?.ways, 32)
        XCTAssertEqual(TLBConfiguration(parsing: "0")?.entries, 0)
        XCTAssertNil(TLBConfiguration(parsing: "48:16"))   // 3 sets: not a power of two
        XCTAssertNil(TLBConfiguration(parsing: "10:4"))
        XCTAssertNil(TLBConfiguration(parsing: "x"))
    }
}

final class PMPTests: XCTestCase {
    func testNAPOTTORNA4AndPriority() {
        var pmp = PMP()
        XCTAssertTrue(pmp.allows(0x8000_0000, length: 4, access: .load, mode: .user), "no active entry: allowed")
        // Entry 0: NA4 at 0x8000_0000, no permissions. Entry 1: TOR [0x8000_0000, 0x8000_1000) R.
        // Entry 2: NAPOT 0x8000_0000/16 MiB RWX.
        pmp.writeAddress(0, value: 0x8000_0000 >> 2)
        pmp.writeAddress(1, value: 0x8000_1000 >> 2)
        pmp.writeAddress(2, value: (0x8000_0000 >> 2) | ((1 << 21) - 1))
        pmp.writeConfig(register: 0, value: 0x10 | (0x09 << 8) | (0x1F << 16))
        XCTAssertFalse(pmp.allows(0x8000_0000, length: 4, access: .load, mode: .supervisor))
        XCTAssertTrue(pmp.allows(0x8000_0004, length: 4, access: .load, mode: .supervisor))
        XCTAssertFalse(pmp.allows(0x8000_0004, length: 4, access: .store, mode: .supervisor))
        XCTAssertTrue(pmp.allows(0x8000_2000, length: 8, access: .store, mode: .user))
        XCTAssertFalse(pmp.allows(0x9000_0000, length: 1, access: .load, mode: .user), "no match in S/U: denied")
        XCTAssertTrue(pmp.allows(0x9000_0000, length: 1, access: .load, mode: .machine))
        XCTAssertTrue(pmp.allows(0x8000_0000, length: 4, access: .load, mode: .machine), "unlocked entries do not bind M")
        XCTAssertFalse(pmp.allows(0x8000_0FFC, length: 8, access: .load, mode: .supervisor), "partly covered: denied")
    }

    func testLockBindsMachineModeAndFreezesTheEntry() {
        var pmp = PMP()
        pmp.writeAddress(0, value: 0x8000_0000 >> 2)
        pmp.writeConfig(register: 0, value: 0x80 | 0x10 | 0x1)   // locked NA4, R only
        XCTAssertFalse(pmp.allows(0x8000_0000, length: 4, access: .store, mode: .machine))
        pmp.writeConfig(register: 0, value: 0x1F)
        pmp.writeAddress(0, value: 0)
        XCTAssertEqual(pmp.readConfig(register: 0) & 0xFF, 0x91)
        XCTAssertEqual(pmp.readAddress(0), 0x8000_0000 >> 2)
    }

    func testReservedWriteOnlyPermissionIsNotStored() {
        var pmp = PMP()
        pmp.writeConfig(register: 0, value: 0x18 | 0x2)          // W without R
        XCTAssertEqual(pmp.readConfig(register: 0) & 0x3, 0)
    }
}
