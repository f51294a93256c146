import XCTest
@testable import PagodaDevices

/// Split-virtqueue parsing (virtio 1.2, 2.7): well-formed chains, and every way a
/// driver can break one, each a thrown error rather than a bad access.
final class VirtQueueTests: XCTestCase {
    let memory = TestMemory()
    let table: UInt64 = 0x8000_0000
    let avail: UInt64 = 0x8000_1000
    let used: UInt64 = 0x8000_2000
    let data: UInt64 = 0x8000_4000

    private func queue(size: UInt32 = 8) -> VirtQueue {
        var q = VirtQueue(maxSize: 256)
        q.size = size
        q.descriptorTable = table
        q.driverArea = avail
        q.deviceArea = used
        q.ready = true
        return q
    }

    /// Makes `head` available as entry `slot` and sets the available index to `index`.
    private func offer(_ head: UInt16, slot: Int = 0, index: UInt16 = 1) {
        memory.store(head, at: avail + 4 + 2 * UInt64(slot))
        memory.store(index, at: avail + 2)
    }

    private func pop(_ q: inout VirtQueue, indirect: Bool = true, eventIndex: Bool = false) throws(VirtQueueError) -> DescriptorChain? {
        try q.popAvailable(memory, indirect: indirect, eventIndex: eventIndex)
    }

    private func assertThrows(_ expected: VirtQueueError, indirect: Bool = true, size: UInt32 = 8,
                              file: StaticString = #filePath, line: UInt = #line) {
        var q = queue(size: size)
        do {
            _ = try pop(&q, indirect: indirect)
            XCTFail("no error; expected \(expected)", file: file, line: line)
        } catch {
            XCTAssertEqual(error, expected, file: file, line: line)
        }
    }

    func testChainOfReadableThenWritableBuffers() throws {
        memory.descriptor(table, 0, address: data, length: 16, flags: VirtQueue.flagNext, next: 3)
        memory.descriptor(table, 3, address: data + 16, length: 512, flags: VirtQueue.flagNext | VirtQueue.flagWrite, next: 5)
        memory.descriptor(table, 5, address: data + 528, length: 1, flags: VirtQueue.flagWrite)
        offer(0)
        var q = queue()
        let chain = try XCTUnwrap(try pop(&q))
        XCTAssertEqual(chain.head, 0)
        XCTAssertEqual(chain.readable, [GuestBuffer(address: data, length: 16)])
        XCTAssertEqual(chain.writable, [GuestBuffer(address: data + 16, length: 512), GuestBuffer(address: data + 528, length: 1)])
        XCTAssertNil(try pop(&q), "nothing more is available")
        XCTAssertEqual(q.lastAvailable, 1)
    }

    func testEventIndexPublishesAvailEvent() throws {
        memory.descriptor(table, 2, address: data, length: 4, flags: VirtQueue.flagWrite)
        offer(2)
        var q = queue()
        _ = try pop(&q, eventIndex: true)
        XCTAssertEqual(memory.load(used + 4 + 8 * 8, as: UInt16.self), 1)
    }

    func testAvailableRingWrapsAround() throws {
        memory.descriptor(table, 1, address: data, length: 4, flags: VirtQueue.flagWrite)
        var q = queue()
        for n in 0..<20 {
            offer(1, slot: n % 8, index: UInt16(n + 1))
            XCTAssertEqual(try pop(&q)?.head, 1)
            XCTAssertTrue(q.pushUsed(memory, head: 1, length: 4, eventIndex: false) || true)
        }
        XCTAssertEqual(q.usedIndex, 20)
        XCTAssertEqual(memory.load(used + 2, as: UInt16.self), 20)
        XCTAssertEqual(memory.load(used + 4 + 8 * 3, as: UInt32.self), 1, "entry 19 goes to slot 3")
    }

    func testSelfLoopAndLongerLoop() {
        memory.descriptor(table, 0, address: data, length: 16, flags: VirtQueue.flagNext, next: 0)
        offer(0)
        assertThrows(.loop(index: 0))
        memory.descriptor(table, 0, address: data, length: 16, flags: VirtQueue.flagNext, next: 4)
        memory.descriptor(table, 4, address: data, length: 16, flags: VirtQueue.flagNext, next: 7)
        memory.descriptor(table, 7, address: data, length: 16, flags: VirtQueue.flagNext, next: 4)
        assertThrows(.loop(index: 4))
    }

    func testIndexOutOfRange() {
        offer(8)
        assertThrows(.indexOutOfRange(8))
        memory.descriptor(table, 0, address: data, length: 16, flags: VirtQueue.flagNext, next: 0xFFFF)
        offer(0)
        assertThrows(.indexOutOfRange(0xFFFF))
    }

    func testBuffersMustBeInRAM() {
        offer(0)
        memory.descriptor(table, 0, address: 0x1000_0000, length: 16)
        assertThrows(.bufferOutsideRAM(address: 0x1000_0000, length: 16))
        // Running off the end of RAM, and wrapping around the address space.
        let end = memory.base + UInt64(memory.bytes.count)
        memory.descriptor(table, 0, address: end - 8, length: 16)
        assertThrows(.bufferOutsideRAM(address: end - 8, length: 16))
        memory.descriptor(table, 0, address: UInt64.max - 3, length: 16)
        assertThrows(.bufferOutsideRAM(address: UInt64.max - 3, length: 16))
        // A zero-length buffer names no memory and is allowed anywhere.
        memory.descriptor(table, 0, address: 0, length: 0, flags: VirtQueue.flagWrite)
        var q = queue()
        XCTAssertEqual(try pop(&q)?.writable, [GuestBuffer(address: 0, length: 0)])
    }

    func testReadableAfterWritable() {
        memory.descriptor(table, 0, address: data, length: 1, flags: VirtQueue.flagWrite | VirtQueue.flagNext, next: 1)
        memory.descriptor(table, 1, address: data, length: 16)
        offer(0)
        assertThrows(.readableAfterWritable)
    }

    func testIndirectTable() throws {
        let indirect = data + 0x1000
        memory.descriptor(indirect, 0, address: data, length: 16, flags: VirtQueue.flagNext, next: 2)
        memory.descriptor(indirect, 2, address: data + 16, length: 100, flags: VirtQueue.flagWrite | VirtQueue.flagNext, next: 1)
        memory.descriptor(indirect, 1, address: data + 116, length: 1, flags: VirtQueue.flagWrite)
        // The WRITE flag of the descriptor pointing at the table is ignored (2.7.5.3.2).
        memory.descriptor(table, 6, address: indirect, length: 48, flags: VirtQueue.flagIndirect | VirtQueue.flagWrite)
        offer(6)
        var q = queue()
        let chain = try XCTUnwrap(try pop(&q))
        XCTAssertEqual(chain.head, 6)
        XCTAssertEqual(chain.readable.count, 1)
        XCTAssertEqual(chain.writable, [GuestBuffer(address: data + 16, length: 100), GuestBuffer(address: data + 116, length: 1)])
    }

    func testIndirectTableRules() {
        let indirect = data + 0x1000
        offer(0)
        memory.descriptor(table, 0, address: indirect, length: 32, flags: VirtQueue.flagIndirect)
        assertThrows(.badIndirect("INDIRECT without VIRTIO_F_INDIRECT_DESC"), indirect: false)
        memory.descriptor(table, 0, address: indirect, length: 32, flags: VirtQueue.flagIndirect | VirtQueue.flagNext, next: 1)
        assertThrows(.badIndirect("INDIRECT together with NEXT"))
        memory.descriptor(table, 0, address: indirect, length: 0, flags: VirtQueue.flagIndirect)
        assertThrows(.badIndirect("table length 0 is not a positive multiple of 16"))
        memory.descriptor(table, 0, address: indirect, length: 40, flags: VirtQueue.flagIndirect)
        assertThrows(.badIndirect("table length 40 is not a positive multiple of 16"))
        memory.descriptor(table, 0, address: 0x4000_0000, length: 32, flags: VirtQueue.flagIndirect)
        assertThrows(.bufferOutsideRAM(address: 0x4000_0000, length: 32))
        memory.descriptor(indirect, 0, address: indirect, length: 16, flags: VirtQueue.flagIndirect)
        memory.descriptor(table, 0, address: indirect, length: 16, flags: VirtQueue.flagIndirect)
        assertThrows(.badIndirect("INDIRECT inside an indirect table"))
        // A loop inside the table.
        memory.descriptor(indirect, 0, address: data, length: 16, flags: VirtQueue.flagNext, next: 1)
        memory.descriptor(indirect, 1, address: data, length: 16, flags: VirtQueue.flagNext, next: 0)
        memory.descriptor(table, 0, address: indirect, length: 32, flags: VirtQueue.flagIndirect)
        assertThrows(.loop(index: 0))
    }

    /// A chain may hold at most the queue size in descriptors, counting those of its
    /// indirect table; a table larger than that is refused before anything is read
    /// from it (so a huge table costs nothing).
    func testChainLengthLimit() throws {
        let indirect = data + 0x1000
        for i in 0..<8 {
            memory.descriptor(indirect, i, address: data, length: 1, flags: VirtQueue.flagWrite | (i < 7 ? VirtQueue.flagNext : 0), next: UInt16(i + 1))
        }
        memory.descriptor(table, 0, address: indirect, length: 8 * 16, flags: VirtQueue.flagIndirect)
        offer(0)
        var q = queue()
        XCTAssertEqual(try pop(&q)?.writable.count, 8)
        memory.descriptor(table, 1, address: data, length: 16, flags: VirtQueue.flagNext, next: 0)
        offer(1)
        assertThrows(.chainTooLong(limit: 8))
        memory.descriptor(table, 0, address: memory.base, length: 0x8000, flags: VirtQueue.flagIndirect)
        offer(0)
        assertThrows(.chainTooLong(limit: 8))
    }

    func testAvailableIndexJump() {
        offer(0, index: 9)
        assertThrows(.availableIndexJump(from: 0, to: 9))
    }

    func testQueueSizeAndPlacement() {
        for size: UInt32 in [0, 3, 6, 512] {
            XCTAssertThrowsError(try queue(size: size).validate(memory)) { XCTAssertEqual($0 as? VirtQueueError, .badQueueSize(size)) }
        }
        XCTAssertNoThrow(try queue(size: 1).validate(memory))
        XCTAssertNoThrow(try queue(size: 256).validate(memory))
        var q = queue()
        q.descriptorTable = table + 8
        XCTAssertThrowsError(try q.validate(memory)) { XCTAssertEqual($0 as? VirtQueueError, .ringOutsideRAM(part: "descriptor table", address: table + 8)) }
        q = queue()
        q.driverArea = avail + 1
        XCTAssertThrowsError(try q.validate(memory))
        q = queue()
        q.deviceArea = memory.base + UInt64(memory.bytes.count) - 8
        XCTAssertThrowsError(try q.validate(memory)) { XCTAssertEqual($0 as? VirtQueueError, .ringOutsideRAM(part: "used ring", address: q.deviceArea)) }
    }

    /// 2.7.7.2: vring_need_event in 16-bit arithmetic.
    func testNeedsEvent() {
        XCTAssertTrue(VirtQueue.needsEvent(0, new: 1, old: 0))
        XCTAssertFalse(VirtQueue.needsEvent(1, new: 1, old: 0))
        XCTAssertTrue(VirtQueue.needsEvent(1, new: 2, old: 1))
        XCTAssertTrue(VirtQueue.needsEvent(1, new: 3, old: 0), "passed within a batch")
        XCTAssertFalse(VirtQueue.needsEvent(5, new: 3, old: 0))
        XCTAssertTrue(VirtQueue.needsEvent(0xFFFF, new: 0, old: 0xFFFF), "across the wrap")
        XCTAssertFalse(VirtQueue.needsEvent(0, new: 0, old: 0xFFFF))
    }

    func testUsedNotificationsWithAndWithoutEventIndex() {
        var q = queue()
        memory.store(UInt16(0), at: avail)
        XCTAssertTrue(q.pushUsed(memory, head: 0, length: 1, eventIndex: false))
        memory.store(VirtQueue.availableNoInterrupt, at: avail)
        XCTAssertFalse(q.pushUsed(memory, head: 0, length: 1, eventIndex: false))
        q = queue()
        memory.store(UInt16(1), at: avail + 4 + 2 * 8)  // used_event = 1
        XCTAssertFalse(q.pushUsed(memory, head: 0, length: 1, eventIndex: true))
        XCTAssertTrue(q.pushUsed(memory, head: 0, length: 1, eventIndex: true))
        XCTAssertFalse(q.pushUsed(memory, head: 0, length: 1, eventIndex: true))
    }
}
