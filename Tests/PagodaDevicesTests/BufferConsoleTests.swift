import XCTest
import PagodaDevices

final class BufferConsoleTests: XCTestCase {
    func testReadsInputInOrderThenNothing() {
        let console = BufferConsole(input: "ok")
        XCTAssertEqual(console.pendingInputCount, 2)
        XCTAssertEqual(console.read(), UInt8(ascii: "o"))
        XCTAssertEqual(console.read(), UInt8(ascii: "k"))
        XCTAssertNil(console.read())
        XCTAssertEqual(console.pendingInputCount, 0)
        XCTAssertFalse(console.mayReceiveInput)
    }

    func testAppendedInputFollowsWhatIsWaiting() {
        let console = BufferConsole(input: [1, 2])
        XCTAssertEqual(console.read(), 1)
        XCTAssertFalse(console.mayReceiveInput, "what is buffered is already here: nothing more arrives by itself")
        console.append(input: [3])
        console.append(input: "\u{4}")
        XCTAssertEqual(console.pendingInputCount, 3)
        XCTAssertEqual(console.read(), 2)
        XCTAssertEqual(console.read(), 3)
        XCTAssertEqual(console.read(), 4)
        XCTAssertNil(console.read())
    }

    func testCollectsOutput() {
        let console = BufferConsole()
        for byte in "héllo\n".utf8 { console.write(byte) }
        XCTAssertEqual(console.outputString, "héllo\n")
        XCTAssertEqual(console.output.count, 7)
    }
}
