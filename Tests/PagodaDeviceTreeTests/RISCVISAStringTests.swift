import XCTest
@testable import PagodaDeviceTree

final class RISCVISAStringTests: XCTestCase {
    func testDefaultISA() throws {
        let isa = try XCTUnwrap(RISCVISAString("rv64imac_zicsr_zifencei"))
        XCTAssertEqual(isa.xlen, 64)
        XCTAssertEqual(isa.base, "rv64i")
        XCTAssertEqual(isa.extensions, ["i", "m", "a", "c", "zicsr", "zifencei"])
    }

    func testGExpandsAndDuplicatesCollapse() {
        XCTAssertEqual(RISCVISAString("rv64gc_zicsr_sstc")?.extensions,
                       ["i", "m", "a", "f", "d", "zicsr", "zifencei", "c", "sstc"])
    }

    func testMultiLetterExtensionRightAfterTheLetters() {
        XCTAssertEqual(RISCVISAString("RV64IMAZicsr_Zifencei")?.extensions, ["i", "m", "a", "zicsr", "zifencei"])
    }

    func testEmbeddedBase() {
        XCTAssertEqual(RISCVISAString("rv32ec")?.base, "rv32e")
    }

    func testMalformedStrings() {
        for text in ["", "rv", "rv64", "rv128i", "rv64mac", "rv64i_", "rv64i__zicsr", "rv64i_z", "rv64i_foo",
                     "rv64i2p1", "rv64i_zicsr2", "x86_64", "rv64i_zïcsr"] {
            XCTAssertNil(RISCVISAString(text), text)
        }
    }
}
