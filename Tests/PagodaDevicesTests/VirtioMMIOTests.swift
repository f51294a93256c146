import XCTest
@testable import PagodaDevices

/// The virtio-mmio register file (virtio 1.2, 4.2.2), the block device behind it, and
/// DEVICE_NEEDS_RESET reporting.
final class VirtioMMIOTests: XCTestCase {
    let memory = TestMemory()
    let clock = TestClock()
    let line = RecordingInterruptLine()
    var messages: [String] = []
    var image: URL!

    override func setUpWithError() throws {
        image = FileManager.default.temporaryDirectory.appendingPathComponent("pagoda-mmio-\(UUID().uuidString).img")
        try Data((0..<(16 * 512)).map { UInt8(truncatingIfNeeded: $0 / 512) }).write(to: image)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: image) }

    private func slot(_ device: VirtioDevice?) -> VirtioMMIO {
        VirtioMMIO(base: 0x1000_1000, device: device, memory: memory, clock: clock, interrupt: line, source: 1) { [unowned self] in
            self.messages.append($0)
        }
    }

    private func block(readOnly: Bool = false) throws -> VirtioBlock {
        VirtioBlock(disk: try DiskImage.open(DriveConfiguration(path: image.path, readOnly: readOnly)), serial: "pagoda-vd0")
    }

    private func reg(_ s: VirtioMMIO, _ offset: UInt64) -> UInt64 { s.read(offset: offset, size: 4) ?? 0xDEAD }
    private func set(_ s: VirtioMMIO, _ offset: UInt64, _ value: UInt64) { XCTAssertTrue(s.write(offset: offset, size: 4, value: value)) }

    func testEmptySlot() {
        let s = slot(nil)
        XCTAssertEqual(reg(s, 0x000), 0x7472_6976)
        XCTAssertEqual(reg(s, 0x004), 2)
        XCTAssertEqual(reg(s, 0x008), 0)
        XCTAssertEqual(reg(s, 0x00C), 0x554D_4551)
        set(s, 0x070, 7)
        XCTAssertEqual(reg(s, 0x070), 0)
        XCTAssertEqual(reg(s, 0x034), 0)
        XCTAssertEqual(s.read(offset: 0x100, size: 4), 0)
        XCTAssertNil(s.read(offset: 0x2, size: 4), "misaligned")
        XCTAssertNil(s.read(offset: 0x1000, size: 4), "outside the window")
    }

    /// Sets the device up with queue 0 of 8 entries at fixed addresses, features as given.
    private func start(_ s: VirtioMMIO, features: UInt64) {
        set(s, 0x070, 1); set(s, 0x070, 3)
        set(s, 0x024, 0); set(s, 0x020, features & 0xFFFF_FFFF)
        set(s, 0x024, 1); set(s, 0x020, features >> 32)
        set(s, 0x070, 11)
        XCTAssertEqual(reg(s, 0x070), 11)
        set(s, 0x030, 0); set(s, 0x038, 8)
        set(s, 0x080, 0x8000_0000); set(s, 0x090, 0x8000_1000); set(s, 0x0A0, 0x8000_2000)
        set(s, 0x044, 1)
        set(s, 0x070, 15)
    }

    /// A request: 16-byte header split 8 + 8 over two descriptors, data, status.
    private func request(type: UInt32, sector: UInt64, length: UInt32, dataFlags: UInt16 = VirtQueue.flagWrite, index: UInt16 = 1) {
        let header: UInt64 = 0x8000_3000
        memory.store(type, at: header)
        memory.store(UInt32(0), at: header + 4)
        memory.store(sector, at: header + 8)
        memory.descriptor(0x8000_0000, 0, address: header, length: 8, flags: VirtQueue.flagNext, next: 1)
        memory.descriptor(0x8000_0000, 1, address: header + 8, length: 8, flags: VirtQueue.flagNext, next: 2)
        memory.descriptor(0x8000_0000, 2, address: 0x8000_4000, length: length, flags: dataFlags | VirtQueue.flagNext, next: 3)
        memory.descriptor(0x8000_0000, 3, address: 0x8000_3100, length: 1, flags: VirtQueue.flagWrite)
        memory.store(UInt16(0), at: 0x8000_1004 + 2 * UInt64((index - 1) % 8))
        memory.store(index, at: 0x8000_1002)
    }

    func testBlockRequestCompletesAfterItsLatency() throws {
        let s = slot(try block())
        start(s, features: VirtioFeature.version1)
        request(type: VirtioBlock.RequestType.read, sector: 3, length: 1024)
        set(s, 0x050, 0)
        XCTAssertEqual(memory.load(0x8000_2002, as: UInt16.self), 0, "not done at once")
        let due = VirtioBlock.requestLatency + 2 * VirtioBlock.sectorLatency
        clock.advance(to: due - 1)
        XCTAssertEqual(memory.load(0x8000_2002, as: UInt16.self), 0)
        XCTAssertFalse(line.isHigh(1))
        clock.advance(to: due)
        XCTAssertEqual(memory.load(0x8000_2002, as: UInt16.self), 1)
        XCTAssertEqual(memory.load(0x8000_2008, as: UInt32.self), 1025)
        XCTAssertEqual(memory.load(0x8000_3100, as: UInt8.self), 0)
        XCTAssertEqual(memory.bytes(0x8000_4000, count: 1024), [UInt8](repeating: 3, count: 512) + [UInt8](repeating: 4, count: 512))
        XCTAssertTrue(line.isHigh(1))
        XCTAssertEqual(reg(s, 0x060), 1)
        set(s, 0x064, 1)
        XCTAssertFalse(line.isHigh(1))
    }

    /// A guest may move mtime to its very end: completions saturate there, never wrap.
    func testCompletionTimeSaturates() throws {
        let s = slot(try block())
        start(s, features: VirtioFeature.version1)
        clock.mtime = .max - 10
        request(type: VirtioBlock.RequestType.read, sector: 0, length: 512)
        set(s, 0x050, 0)
        clock.advance(to: .max)
        XCTAssertEqual(memory.load(0x8000_2002, as: UInt16.self), 1)
    }

    func testRequestsAreServedOneAtATime() throws {
        let s = slot(try block())
        start(s, features: VirtioFeature.version1)
        request(type: VirtioBlock.RequestType.flush, sector: 0, length: 0, index: 1)
        memory.store(UInt16(0), at: 0x8000_1006)
        memory.store(UInt16(2), at: 0x8000_1002)
        set(s, 0x050, 0)
        XCTAssertEqual(clock.pendingCount, 2)
        clock.advance(to: VirtioBlock.requestLatency)
        XCTAssertEqual(memory.load(0x8000_2002, as: UInt16.self), 1)
        clock.advance(to: 2 * VirtioBlock.requestLatency)
        XCTAssertEqual(memory.load(0x8000_2002, as: UInt16.self), 2)
    }

    func testResetDropsRequestsInFlight() throws {
        let s = slot(try block())
        start(s, features: VirtioFeature.version1)
        request(type: VirtioBlock.RequestType.read, sector: 0, length: 512)
        let writes = memory.writes
        set(s, 0x050, 0)
        set(s, 0x070, 0)
        clock.advance(to: 10_000)
        XCTAssertEqual(memory.load(0x8000_2002, as: UInt16.self), 0, "a reset device writes nothing")
        XCTAssertEqual(memory.writes, writes)
    }

    func testFeaturesOKNeedsOfferedFeaturesOnly() throws {
        let s = slot(try block())
        set(s, 0x070, 3)
        set(s, 0x024, 0); set(s, 0x020, 1 << 12)  // MQ: not offered
        set(s, 0x024, 1); set(s, 0x020, 1)
        set(s, 0x070, 11)
        XCTAssertEqual(reg(s, 0x070), 3, "FEATURES_OK refused")
        set(s, 0x024, 0); set(s, 0x020, 0)
        set(s, 0x024, 1); set(s, 0x020, 0)  // VERSION_1 left out: accepted, as on QEMU
        set(s, 0x070, 11)
        XCTAssertEqual(reg(s, 0x070), 11)
        set(s, 0x014, 1)
        XCTAssertEqual(reg(s, 0x010), 1, "VERSION_1")
        set(s, 0x014, 0)
        XCTAssertEqual(reg(s, 0x010) & (1 << 5), 0, "no RO for a writable image")
        XCTAssertEqual(slot(try block(readOnly: true)).read(offset: 0x10, size: 4)! & (1 << 5), 1 << 5)
    }

    func testBrokenQueueReportsOnceUntilReset() throws {
        let s = slot(try block())
        start(s, features: VirtioFeature.version1)
        request(type: VirtioBlock.RequestType.read, sector: 0, length: 512, dataFlags: 0)
        set(s, 0x050, 0)
        XCTAssertEqual(reg(s, 0x070) & 0x40, 0x40)
        XCTAssertEqual(reg(s, 0x060), 2, "configuration change")
        XCTAssertTrue(line.isHigh(1))
        set(s, 0x070, reg(s, 0x070) | 4)
        XCTAssertEqual(reg(s, 0x070) & 0x40, 0x40, "the driver cannot clear NEEDS_RESET")
        set(s, 0x050, 0)
        XCTAssertEqual(messages.count, 1)
        XCTAssertEqual(messages.first, "virtio-blk@0x10001000: wrong buffer direction: device-readable data buffers for a request the device writes; the device needs a reset")
        set(s, 0x070, 0)
        XCTAssertFalse(line.isHigh(1))
        start(s, features: VirtioFeature.version1)
        request(type: VirtioBlock.RequestType.write, sector: 0, length: 512, dataFlags: VirtQueue.flagWrite)
        set(s, 0x050, 0)
        XCTAssertEqual(messages.count, 2, "reported again after the reset")
    }

    func testConfigurationSpace() throws {
        let s = slot(try block())
        XCTAssertEqual(s.read(offset: 0x100, size: 8), 16)
        XCTAssertEqual(s.read(offset: 0x100, size: 4), 16)
        XCTAssertEqual(s.read(offset: 0x104, size: 4), 0)
        XCTAssertEqual(s.read(offset: 0x10C, size: 4), 254)
        XCTAssertEqual(s.read(offset: 0x114, size: 4), 512)
        XCTAssertEqual(s.read(offset: 0x115, size: 1), 2)
        XCTAssertEqual(s.read(offset: 0x200, size: 4), 0, "past the configuration space")
        XCTAssertEqual(s.read(offset: 0x070, size: 1), 0, "registers take 4-byte accesses")
    }

    func testQueueRegistersIgnoreWritesWhileReady() throws {
        let s = slot(try block())
        start(s, features: VirtioFeature.version1)
        set(s, 0x038, 4)
        set(s, 0x080, 0x8000_8000)
        XCTAssertEqual(reg(s, 0x038), 8)
        XCTAssertEqual(reg(s, 0x080), 0x8000_0000)
        set(s, 0x030, 5)
        XCTAssertEqual(reg(s, 0x034), 0, "no queue 5")
    }
}
