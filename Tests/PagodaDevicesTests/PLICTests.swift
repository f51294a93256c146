import XCTest
import PagodaDevices

final class PLICTests: XCTestCase {
    private var plic: PLIC!

    override func setUp() {
        plic = PLIC(harts: 2)
    }

    // MARK: - Helpers

    private func read(_ offset: UInt64) -> UInt32 {
        UInt32(plic.read(offset: offset, size: 4)!)
    }

    private func write(_ offset: UInt64, _ value: UInt32) {
        XCTAssertTrue(plic.write(offset: offset, size: 4, value: UInt64(value)))
    }

    private func setPriority(_ source: Int, _ priority: UInt32) {
        write(UInt64(4 * source), priority)
    }

    private func enable(_ sources: [Int], context: Int) {
        var words: [UInt64: UInt32] = [:]
        for source in sources { words[UInt64(source / 32), default: 0] |= 1 << UInt32(source % 32) }
        for (word, bits) in words { write(0x2000 + 0x80 * UInt64(context) + 4 * word, bits) }
    }

    private func setThreshold(_ threshold: UInt32, context: Int) {
        write(0x20_0000 + 0x1000 * UInt64(context), threshold)
    }

    private func claim(context: Int) -> UInt32 {
        read(0x20_0004 + 0x1000 * UInt64(context))
    }

    private func complete(_ source: UInt32, context: Int) {
        write(0x20_0004 + 0x1000 * UInt64(context), source)
    }

    private func pendingWord(_ word: UInt64) -> UInt32 {
        read(0x1000 + 4 * word)
    }

    // MARK: - Registers

    func testPriorityHoldsThreeBits() {
        setPriority(10, 0xFF)
        XCTAssertEqual(read(40), 7)
        setPriority(95, 3)
        XCTAssertEqual(read(4 * 95), 3)
        setPriority(0, 5)
        XCTAssertEqual(read(0), 0, "source 0 does not exist")
        write(4 * 96, 5)
        XCTAssertEqual(read(4 * 96), 0, "beyond the last source")
    }

    func testThresholdHoldsThreeBits() {
        setThreshold(0x1F, context: 3)
        XCTAssertEqual(read(0x20_3000), 7)
        XCTAssertEqual(read(0x20_0000), 0)
    }

    func testEnableBitsExistOnlyForRealSources() {
        write(0x2000, 0xFFFF_FFFF)
        XCTAssertEqual(read(0x2000), 0xFFFF_FFFE, "source 0 is hardwired to 0")
        write(0x2008, 0xFFFF_FFFF)
        XCTAssertEqual(read(0x2008), 0xFFFF_FFFF, "sources 64-95")
        write(0x200C, 0xFFFF_FFFF)
        XCTAssertEqual(read(0x200C), 0, "no sources 96 and up")
        write(0x2000 + 0x80 * 4, 0xFFFF_FFFF)
        XCTAssertEqual(read(0x2000 + 0x80 * 4), 0, "two harts have four contexts")
    }

    func testPendingBitsFollowLevelsAndAreReadOnly() {
        plic.setLevel(source: 10, true)
        plic.setLevel(source: 33, true)
        XCTAssertEqual(pendingWord(0), 1 << 10)
        XCTAssertEqual(pendingWord(1), 1 << 1)
        write(0x1000, 0)
        XCTAssertEqual(pendingWord(0), 1 << 10)
        plic.setLevel(source: 0, true)
        plic.setLevel(source: 96, true)
        plic.setLevel(source: -1, true)
        XCTAssertEqual(pendingWord(0), 1 << 10)
    }

    func testOnlyWordAccessesInsideTheWindow() {
        XCTAssertNil(plic.read(offset: 0x20_0004, size: 8))
        XCTAssertNil(plic.read(offset: 0x1000, size: 1))
        XCTAssertFalse(plic.write(offset: 4, size: 2, value: 1))
        XCTAssertNil(plic.read(offset: 0x400_0000, size: 4))
        XCTAssertEqual(plic.read(offset: 0x20_0008, size: 4), 0, "reserved word in a context block")
        XCTAssertEqual(plic.read(offset: 0x3FF_F000, size: 4), 0, "context that does not exist")
    }

    // MARK: - Claim and complete

    func testClaimReturnsHighestPriorityAboveThreshold() {
        setPriority(1, 1)
        setPriority(2, 5)
        setPriority(3, 3)
        enable([1, 2, 3], context: 0)
        for source in 1...3 { plic.setLevel(source: source, true) }
        XCTAssertTrue(plic.interruptPending(context: 0))
        XCTAssertEqual(claim(context: 0), 2)
        XCTAssertEqual(claim(context: 0), 3)
        setThreshold(1, context: 0)
        XCTAssertFalse(plic.interruptPending(context: 0), "priority 1 is not above threshold 1")
        XCTAssertEqual(claim(context: 0), 0)
        setThreshold(0, context: 0)
        XCTAssertEqual(claim(context: 0), 1)
        XCTAssertEqual(claim(context: 0), 0)
    }

    func testTiesGoToTheLowestId() {
        for source in [40, 7, 12] {
            setPriority(source, 4)
            plic.setLevel(source: source, true)
        }
        enable([40, 7, 12], context: 0)
        XCTAssertEqual(claim(context: 0), 7)
        XCTAssertEqual(claim(context: 0), 12)
        XCTAssertEqual(claim(context: 0), 40)
    }

    func testPriorityZeroNeverInterrupts() {
        enable([5], context: 0)
        plic.setLevel(source: 5, true)
        XCTAssertFalse(plic.interruptPending(context: 0))
        XCTAssertEqual(claim(context: 0), 0)
    }

    func testDisabledSourcesAreNotOffered() {
        setPriority(5, 1)
        plic.setLevel(source: 5, true)
        XCTAssertFalse(plic.interruptPending(context: 0))
        enable([5], context: 0)
        XCTAssertTrue(plic.interruptPending(context: 0))
    }

    func testClaimClearsPendingAndLevelCannotRependUntilComplete() {
        plic = PLIC(harts: 2, gateway: .specification)
        setPriority(10, 1)
        enable([10], context: 0)
        plic.setLevel(source: 10, true)
        XCTAssertEqual(claim(context: 0), 10)
        XCTAssertEqual(pendingWord(0), 0)
        XCTAssertFalse(plic.interruptPending(context: 0))

        plic.setLevel(source: 10, false)
        plic.setLevel(source: 10, true)
        XCTAssertEqual(pendingWord(0), 0, "no new request while in service")

        complete(10, context: 0)
        XCTAssertEqual(pendingWord(0), 1 << 10, "level still high: a new request")
        XCTAssertEqual(claim(context: 0), 10)
        plic.setLevel(source: 10, false)
        complete(10, context: 0)
        XCTAssertEqual(pendingWord(0), 0, "level low: no new request")
        XCTAssertFalse(plic.interruptPending(context: 0))
    }

    func testQEMUGatewayDoesNotLookAtTheLevelOnCompletion() {
        XCTAssertEqual(plic.gateway, .qemu, "the default")
        setPriority(10, 1)
        enable([10], context: 0)
        plic.setLevel(source: 10, true)
        XCTAssertEqual(claim(context: 0), 10)
        complete(10, context: 0)
        XCTAssertEqual(pendingWord(0), 0, "the level is still high, but no new request")
        XCTAssertEqual(claim(context: 0), 0)

        plic.setLevel(source: 10, true)
        XCTAssertEqual(pendingWord(0), 1 << 10, "the device raised its line again: a request")
        XCTAssertEqual(claim(context: 0), 10)
        complete(10, context: 0)
    }

    func testQEMUGatewayTakesARequestWhileInService() {
        setPriority(10, 1)
        enable([10], context: 0)
        plic.setLevel(source: 10, true)
        XCTAssertEqual(claim(context: 0), 10)
        plic.setLevel(source: 10, true)
        XCTAssertEqual(pendingWord(0), 1 << 10, "pending while the first is in service")
        XCTAssertFalse(plic.interruptPending(context: 0), "not offered until completed")
        XCTAssertEqual(claim(context: 0), 0)
        complete(10, context: 0)
        XCTAssertTrue(plic.interruptPending(context: 0))
        XCTAssertEqual(claim(context: 0), 10)
        plic.setLevel(source: 10, false)
        complete(10, context: 0)
        XCTAssertFalse(plic.interruptPending(context: 0))
    }

    func testFallingLevelWithdrawsAnUnclaimedRequest() {
        setPriority(10, 1)
        enable([10], context: 0)
        plic.setLevel(source: 10, true)
        plic.setLevel(source: 10, false)
        XCTAssertEqual(pendingWord(0), 0)
        XCTAssertFalse(plic.interruptPending(context: 0))
    }

    func testCompletionForASourceNotEnabledIsIgnored() {
        plic = PLIC(harts: 2, gateway: .specification)  // a completion shows as a new request
        setPriority(10, 1)
        enable([10], context: 0)
        plic.setLevel(source: 10, true)
        XCTAssertEqual(claim(context: 0), 10)
        complete(10, context: 1)
        XCTAssertEqual(pendingWord(0), 0, "context 1 does not enable source 10")
        complete(0, context: 0)
        complete(500, context: 0)
        complete(10, context: 0)
        XCTAssertEqual(pendingWord(0), 1 << 10)
    }

    func testContextsPerHart() {
        XCTAssertEqual(PLIC.machineContext(hart: 1), 2)
        XCTAssertEqual(PLIC.supervisorContext(hart: 1), 3)
        setPriority(10, 2)
        enable([10], context: PLIC.supervisorContext(hart: 1))
        plic.setLevel(source: 10, true)
        XCTAssertEqual((0..<4).map { plic.interruptPending(context: $0) }, [false, false, false, true])
        XCTAssertFalse(plic.interruptPending(context: 4))
        XCTAssertEqual(claim(context: 0), 0)
        XCTAssertEqual(claim(context: 3), 10)
    }

    func testAClaimedSourceIsHiddenFromOtherContexts() {
        setPriority(10, 2)
        enable([10], context: 0)
        enable([10], context: 1)
        plic.setLevel(source: 10, true)
        XCTAssertTrue(plic.interruptPending(context: 1))
        XCTAssertEqual(claim(context: 0), 10)
        XCTAssertFalse(plic.interruptPending(context: 1))
        XCTAssertEqual(claim(context: 1), 0)
    }

    func testQEMUVirtSizes() {
        let large = PLIC(harts: 64)
        XCTAssertEqual(large.contexts, 128)
        XCTAssertTrue(large.write(offset: 0x20_0000 + 0x1000 * 127, size: 4, value: 3))
        XCTAssertEqual(large.read(offset: 0x20_0000 + 0x1000 * 127, size: 4), 3)
        XCTAssertEqual(large.windowSize, 0x400_0000)
    }
}
