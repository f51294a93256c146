import XCTest
import PagodaDevices
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// HostConsole on pipes: no terminal, so no raw mode, but the same reading, writing and
/// escape handling.
final class HostConsoleTests: XCTestCase {
    private var input: (read: Int32, write: Int32) = (-1, -1)
    private var output: (read: Int32, write: Int32) = (-1, -1)

    override func setUpWithError() throws {
        input = try makePipe()
        output = try makePipe()
    }

    override func tearDown() {
        for descriptor in [input.read, input.write, output.read, output.write] where descriptor >= 0 {
            close(descriptor)
        }
    }

    private func makePipe() throws -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { throw XCTSkip("pipe(2) failed") }
        return (descriptors[0], descriptors[1])
    }

    private func send(_ bytes: [UInt8]) {
        XCTAssertEqual(bytes.withUnsafeBytes { write(input.write, $0.baseAddress, $0.count) }, bytes.count)
    }

    private func received() -> [UInt8] {
        var request = pollfd(fd: output.read, events: Int16(POLLIN), revents: 0)
        guard poll(&request, 1, 0) > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { read(output.read, $0.baseAddress, $0.count) }
        return count > 0 ? Array(buffer[..<count]) : []
    }

    private func readAll(_ console: HostConsole) -> [UInt8] {
        var bytes: [UInt8] = []
        while let byte = console.read() { bytes.append(byte) }
        return bytes
    }

    func testReadsWithoutBlocking() {
        let console = HostConsole(input: input.read, output: output.write)
        XCTAssertNil(console.read(), "nothing typed yet")
        XCTAssertTrue(console.mayReceiveInput, "an open pipe may still bring input")
        Thread.sleep(forTimeInterval: 0.005)
        send(Array("abc".utf8))
        XCTAssertEqual(readAll(console), Array("abc".utf8))
    }

    func testEscapeCommands() {
        let console = HostConsole(input: input.read, output: output.write)
        send([0x61, 0x01, 0x01, 0x62, 0x01, 0x7A, 0x63])
        XCTAssertEqual(readAll(console), [0x61, 0x01, 0x62, 0x63], "C-a C-a sends C-a; C-a z is dropped")
        XCTAssertFalse(console.quitRequested)
        Thread.sleep(forTimeInterval: 0.005)
        send([0x01, 0x78])
        XCTAssertEqual(readAll(console), [])
        XCTAssertTrue(console.quitRequested)
    }

    func testEscapesCanBeTurnedOff() {
        let console = HostConsole(input: input.read, output: output.write, escapeCommands: false)
        send([0x01, 0x78])
        XCTAssertEqual(readAll(console), [0x01, 0x78])
        XCTAssertFalse(console.quitRequested)
    }

    func testOutputIsFlushedAtNewlineAndOnRequest() {
        let console = HostConsole(input: input.read, output: output.write)
        for byte in "line\n".utf8 { console.write(byte) }
        XCTAssertEqual(received(), Array("line\n".utf8))
        for byte in "prompt> ".utf8 { console.write(byte) }
        console.flush()
        XCTAssertEqual(received(), Array("prompt> ".utf8))
        console.write(0x21)
        console.restore()
        XCTAssertEqual(received(), [0x21])
    }

    func testEndOfInput() {
        let console = HostConsole(input: input.read, output: output.write)
        send([0x41])
        close(input.write)
        input.write = -1
        XCTAssertTrue(console.mayReceiveInput)
        XCTAssertEqual(console.read(), 0x41)
        Thread.sleep(forTimeInterval: 0.005)
        XCTAssertNil(console.read())
        XCTAssertNil(console.read())
        XCTAssertFalse(console.mayReceiveInput)
    }
}
