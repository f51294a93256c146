import XCTest
import PagodaDevices

final class CLINTTests: XCTestCase {
    private var time = ManualTime()
    private var clint: CLINT!

    override func setUp() {
        time = ManualTime()
        clint = CLINT(harts: 2, time: time)
    }

    func testSoftwareInterruptKeepsBitZeroOnly() {
        XCTAssertTrue(clint.write(offset: 4, size: 4, value: 0xFFFF_FFFF))
        XCTAssertEqual(clint.read(offset: 4, size: 4), 1)
        XCTAssertTrue(clint.softwareInterruptPending(hart: 1))
        XCTAssertFalse(clint.softwareInterruptPending(hart: 0))
        XCTAssertTrue(clint.write(offset: 4, size: 4, value: 2))
        XCTAssertEqual(clint.read(offset: 4, size: 4), 0)
        XCTAssertFalse(clint.softwareInterruptPending(hart: 1))
    }

    func testSoftwareInterruptRegistersTakeWordsOnly() {
        XCTAssertNil(clint.read(offset: 0, size: 8))
        XCTAssertNil(clint.read(offset: 0, size: 1))
        XCTAssertFalse(clint.write(offset: 0, size: 2, value: 1))
        XCTAssertFalse(clint.softwareInterruptPending(hart: 0))
    }

    func testAbsentHartsReadZeroAndIgnoreWrites() {
        XCTAssertTrue(clint.write(offset: 8, size: 4, value: 1))
        XCTAssertEqual(clint.read(offset: 8, size: 4), 0)
        XCTAssertTrue(clint.write(offset: 0x4010, size: 8, value: 5))
        XCTAssertEqual(clint.read(offset: 0x4010, size: 8), 0)
        XCTAssertFalse(clint.softwareInterruptPending(hart: 2))
        XCTAssertFalse(clint.timerInterruptPending(hart: -1))
        XCTAssertEqual(clint.mtimecmp(hart: 7), .max)
    }

    func testTimeCompareStartsAllOnes() {
        XCTAssertEqual(clint.read(offset: 0x4000, size: 8), .max)
        XCTAssertEqual(clint.mtimecmp(hart: 1), .max)
        time.mtime = 1 << 40
        XCTAssertFalse(clint.timerInterruptPending(hart: 0))
        XCTAssertNil(clint.nextTimerDeadline())
    }

    func testTimeCompareWholeAndHalves() {
        XCTAssertTrue(clint.write(offset: 0x4008, size: 8, value: 0x1122_3344_5566_7788))
        XCTAssertEqual(clint.mtimecmp(hart: 1), 0x1122_3344_5566_7788)
        XCTAssertEqual(clint.read(offset: 0x4008, size: 4), 0x5566_7788)
        XCTAssertEqual(clint.read(offset: 0x400C, size: 4), 0x1122_3344)

        XCTAssertTrue(clint.write(offset: 0x400C, size: 4, value: 0xAABB_CCDD))
        XCTAssertEqual(clint.mtimecmp(hart: 1), 0xAABB_CCDD_5566_7788)
        XCTAssertTrue(clint.write(offset: 0x4008, size: 4, value: 0x0102_0304))
        XCTAssertEqual(clint.mtimecmp(hart: 1), 0xAABB_CCDD_0102_0304)
        XCTAssertEqual(clint.mtimecmp(hart: 0), .max, "hart 0 untouched")
    }

    func testTimeCompareRejectsNarrowAccesses() {
        XCTAssertNil(clint.read(offset: 0x4000, size: 2))
        XCTAssertFalse(clint.write(offset: 0x4000, size: 1, value: 0))
        XCTAssertEqual(clint.mtimecmp(hart: 0), .max)
    }

    func testTimeReadsAndWritesTheTimeSource() {
        time.mtime = 0x0000_0001_FFFF_FFF0
        XCTAssertEqual(clint.read(offset: 0xBFF8, size: 8), 0x0000_0001_FFFF_FFF0)
        XCTAssertEqual(clint.read(offset: 0xBFF8, size: 4), 0xFFFF_FFF0)
        XCTAssertEqual(clint.read(offset: 0xBFFC, size: 4), 0x0000_0001)

        XCTAssertTrue(clint.write(offset: 0xBFF8, size: 8, value: 1000))
        XCTAssertEqual(time.mtime, 1000)
        XCTAssertTrue(clint.write(offset: 0xBFFC, size: 4, value: 2))
        XCTAssertEqual(time.mtime, 0x0000_0002_0000_03E8)
        XCTAssertTrue(clint.write(offset: 0xBFF8, size: 4, value: 5))
        XCTAssertEqual(time.mtime, 0x0000_0002_0000_0005)
    }

    func testTimerPendingFollowsTimeAndCompare() {
        XCTAssertTrue(clint.write(offset: 0x4000, size: 8, value: 500))
        time.mtime = 499
        XCTAssertFalse(clint.timerInterruptPending(hart: 0))
        time.mtime = 500
        XCTAssertTrue(clint.timerInterruptPending(hart: 0))
        XCTAssertFalse(clint.timerInterruptPending(hart: 1))
        XCTAssertTrue(clint.write(offset: 0x4000, size: 8, value: 900))
        XCTAssertFalse(clint.timerInterruptPending(hart: 0), "a later compare value clears MTIP")
    }

    func testNextTimerDeadlineIsTheEarliestCompare() {
        XCTAssertTrue(clint.write(offset: 0x4008, size: 8, value: 700))
        XCTAssertEqual(clint.nextTimerDeadline(), 700)
        XCTAssertTrue(clint.write(offset: 0x4000, size: 8, value: 300))
        XCTAssertEqual(clint.nextTimerDeadline(), 300)
    }

    func testOutsideTheTimerBlockIsNotDecoded() {
        XCTAssertNil(clint.read(offset: 0xC000, size: 4))
        XCTAssertFalse(clint.write(offset: 0xFFF8, size: 8, value: 0))
        XCTAssertNil(clint.read(offset: 0x1_0000, size: 4))
        XCTAssertNil(clint.read(offset: 0x4004, size: 8), "misaligned")
    }
}
