import XCTest
import PagodaDevices

final class SiFiveTestTests: XCTestCase {
    private var requests: [PowerRequest] = []
    private var device: SiFiveTest!

    override func setUp() {
        requests = []
        device = SiFiveTest { [unowned self] in requests.append($0) }
    }

    func testPassFailAndReset() {
        XCTAssertTrue(device.write(offset: 0, size: 4, value: 0x5555))
        XCTAssertTrue(device.write(offset: 0, size: 4, value: 0x0003_3333))
        XCTAssertTrue(device.write(offset: 0, size: 4, value: 0x7777))
        XCTAssertTrue(device.write(offset: 0, size: 4, value: 0xFFFF_3333))
        XCTAssertEqual(requests, [.pass, .fail(code: 3), .reset, .fail(code: 0xFFFF)])
    }

    func testOtherValuesAndOffsetsAreIgnored() {
        XCTAssertTrue(device.write(offset: 0, size: 4, value: 0x1234))
        XCTAssertTrue(device.write(offset: 0, size: 4, value: 0x5556))
        XCTAssertTrue(device.write(offset: 4, size: 4, value: 0x5555))
        XCTAssertTrue(requests.isEmpty)
    }

    func testHalfwordWriteCarriesNoCode() {
        XCTAssertTrue(device.write(offset: 0, size: 2, value: 0x0005_3333))
        XCTAssertEqual(requests, [.fail(code: 0)])
    }

    func testUpperBitsOfADoublewordValueAreNotWritten() {
        XCTAssertTrue(device.write(offset: 0, size: 4, value: 0x1_0000_5555))
        XCTAssertEqual(requests, [.pass])
    }

    func testReadsReturnZero() {
        XCTAssertEqual(device.read(offset: 0, size: 4), 0)
        XCTAssertEqual(device.read(offset: 2, size: 2), 0)
    }

    func testByteAndDoublewordAccessesFault() {
        XCTAssertNil(device.read(offset: 0, size: 1))
        XCTAssertNil(device.read(offset: 0, size: 8))
        XCTAssertFalse(device.write(offset: 0, size: 1, value: 0x55))
        XCTAssertFalse(device.write(offset: 0, size: 8, value: 0x5555))
        XCTAssertFalse(device.write(offset: 0x1000, size: 4, value: 0x5555))
        XCTAssertTrue(requests.isEmpty)
    }
}
