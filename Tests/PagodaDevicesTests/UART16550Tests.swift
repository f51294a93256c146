import XCTest
@testable import PagodaDevices

final class UART16550Tests: XCTestCase {
    // Register offsets.
    private let rbr: UInt64 = 0, thr: UInt64 = 0, dll: UInt64 = 0, dlm: UInt64 = 1, ier: UInt64 = 1
    private let iir: UInt64 = 2, fcr: UInt64 = 2, lcr: UInt64 = 3, mcr: UInt64 = 4
    private let lsr: UInt64 = 5, msr: UInt64 = 6, scr: UInt64 = 7

    private var console = BufferConsole()
    private var line = RecordingInterruptLine()
    private var uart: UART16550!

    override func setUp() {
        console = BufferConsole()
        line = RecordingInterruptLine()
        uart = UART16550(console: console, interrupt: line)
    }

    private func read(_ offset: UInt64) -> UInt8 {
        UInt8(uart.read(offset: offset, size: 1)!)
    }

    private func write(_ offset: UInt64, _ value: UInt8) {
        XCTAssertTrue(uart.write(offset: offset, size: 1, value: UInt64(value)))
    }

    private var interruptHigh: Bool { line.isHigh(10) }

    // MARK: - Registers

    func testResetValues() {
        XCTAssertEqual(read(ier), 0)
        XCTAssertEqual(read(iir), 0x01)
        XCTAssertEqual(read(lcr), 0)
        XCTAssertEqual(read(mcr), 0x08)
        XCTAssertEqual(read(lsr), 0x60)
        XCTAssertEqual(read(msr), 0xB0)
        XCTAssertEqual(read(scr), 0)
        XCTAssertTrue(line.changes.isEmpty)
    }

    func testDivisorLatchAccess() {
        write(lcr, 0x83)
        write(dll, 0x34)
        write(dlm, 0x12)
        XCTAssertEqual(read(dll), 0x34)
        XCTAssertEqual(read(dlm), 0x12)
        XCTAssertEqual(read(lcr), 0x83)
        XCTAssertTrue(console.output.isEmpty, "DLL writes are not transmitted")
        XCTAssertEqual(read(ier), 0x12, "offset 1 is DLM while DLAB is set")

        write(lcr, 0x03)
        XCTAssertEqual(read(ier), 0)
        write(thr, 0x41)
        XCTAssertEqual(console.output, [0x41])
        write(lcr, 0x80)
        XCTAssertEqual(read(dll), 0x34, "the divisor survives DLAB being cleared")
        XCTAssertEqual(read(dlm), 0x12)
    }

    func testScratchRegister() {
        write(scr, 0xA5)
        XCTAssertEqual(read(scr), 0xA5)
        write(scr, 0x5A)
        XCTAssertEqual(read(scr), 0x5A)
    }

    func testInterruptEnableKeepsFourBits() {
        write(ier, 0xFF)
        XCTAssertEqual(read(ier), 0x0F)
    }

    func testModemControlKeepsFiveBits() {
        write(mcr, 0xFF)
        XCTAssertEqual(read(mcr), 0x1F)
    }

    func testTransmitGoesToConsoleAndLeavesTransmitterEmpty() {
        for byte in "hi\n".utf8 { write(thr, byte) }
        XCTAssertEqual(console.outputString, "hi\n")
        XCTAssertEqual(read(lsr) & 0x60, 0x60)
    }

    func testLineStatusAndModemStatusIgnoreWrites() {
        write(lsr, 0x1F)
        write(msr, 0x0F)
        XCTAssertEqual(read(lsr), 0x60)
        XCTAssertEqual(read(msr), 0xB0)
    }

    // MARK: - Access decoding

    func testAnyAccessSizeReachesOneRegister() {
        write(scr, 0x77)
        XCTAssertEqual(uart.read(offset: 4, size: 4), 0x08, "a word read at 4 returns MCR alone")
        XCTAssertTrue(uart.write(offset: 0, size: 8, value: 0x1234_5678_9ABC_DE41))
        XCTAssertEqual(console.output, [0x41], "a wide write transmits its low byte")
        XCTAssertEqual(uart.read(offset: 6, size: 2), 0xB0)
    }

    func testRejectsUndecodedAndMisalignedAccesses() {
        XCTAssertNil(uart.read(offset: 8, size: 1))
        XCTAssertNil(uart.read(offset: 0xFF, size: 1))
        XCTAssertFalse(uart.write(offset: 0x10, size: 1, value: 0))
        XCTAssertNil(uart.read(offset: 1, size: 2))
        XCTAssertNil(uart.read(offset: 4, size: 8))
        XCTAssertNil(uart.read(offset: 0, size: 3))
        XCTAssertFalse(uart.write(offset: 2, size: 4, value: 0))
        XCTAssertNil(uart.read(offset: 0x1_0000_0000, size: 1))
    }

    // MARK: - Receiver

    func testReceivesConsoleInputThroughLineStatusAndBuffer() {
        console.append(input: "ab")
        XCTAssertEqual(read(lsr) & 0x01, 0x01)
        XCTAssertEqual(read(rbr), UInt8(ascii: "a"))
        XCTAssertEqual(read(lsr) & 0x01, 0x01)
        XCTAssertEqual(read(rbr), UInt8(ascii: "b"))
        XCTAssertEqual(read(lsr) & 0x01, 0)
        XCTAssertEqual(read(rbr), 0, "an empty receiver reads 0")
    }

    func testReadingBufferPullsInputWithoutLineStatus() {
        console.append(input: "z")
        XCTAssertEqual(read(rbr), UInt8(ascii: "z"))
    }

    func testHoldingRegisterTakesOneByteWithoutFIFO() {
        console.append(input: "abc")
        uart.poll()
        XCTAssertEqual(console.pendingInputCount, 2)
        XCTAssertEqual(read(rbr), UInt8(ascii: "a"))
        XCTAssertEqual(read(rbr), UInt8(ascii: "b"))
        XCTAssertEqual(read(rbr), UInt8(ascii: "c"))
        XCTAssertEqual(read(lsr) & 0x03, 0, "console input never overruns")
    }

    func testFIFOTakesSixteenBytes() {
        write(fcr, 0x01)
        console.append(input: Array(0..<20))
        uart.poll()
        XCTAssertEqual(console.pendingInputCount, 4, "the rest waits in the console")
        for expected in UInt8(0)..<20 {
            XCTAssertEqual(read(lsr) & 0x01, 0x01)
            XCTAssertEqual(read(rbr), expected)
        }
        XCTAssertEqual(read(lsr) & 0x03, 0)
    }

    func testFIFOOverrunKeepsContentsAndSetsOverrunUntilLineStatusIsRead() {
        write(fcr, 0x01)
        for byte in UInt8(0)..<17 { uart.receive(byte) }
        XCTAssertEqual(read(lsr) & 0x03, 0x03)
        XCTAssertEqual(read(lsr) & 0x03, 0x01, "reading LSR clears OE")
        for expected in UInt8(0)..<16 { XCTAssertEqual(read(rbr), expected) }
        XCTAssertEqual(read(lsr) & 0x01, 0, "the overrunning byte is lost")
    }

    func testHoldingRegisterOverrunKeepsNewestByte() {
        uart.receive(1)
        uart.receive(2)
        XCTAssertEqual(read(lsr) & 0x03, 0x03)
        XCTAssertEqual(read(rbr), 2)
        XCTAssertEqual(read(lsr) & 0x03, 0)
    }

    func testFIFOControlClearsReceiverAndIdentificationShowsFIFOs() {
        write(fcr, 0x01)
        XCTAssertEqual(read(iir), 0xC1)
        uart.receive(7)
        uart.receive(8)
        write(fcr, 0x03)
        XCTAssertEqual(read(lsr) & 0x01, 0)
        XCTAssertEqual(read(iir), 0xC1)
        uart.receive(9)
        write(fcr, 0x00)
        XCTAssertEqual(read(iir), 0x01)
        XCTAssertEqual(read(lsr) & 0x01, 0, "turning the FIFOs off clears them")
    }

    // MARK: - Loopback

    func testLoopbackReturnsTransmittedBytes() {
        write(mcr, 0x10)
        console.append(input: "x")
        write(thr, 0x51)
        XCTAssertTrue(console.output.isEmpty, "nothing reaches the console in loopback")
        XCTAssertEqual(read(lsr) & 0x61, 0x61)
        XCTAssertEqual(read(rbr), 0x51)
        XCTAssertEqual(read(lsr) & 0x01, 0, "console input does not reach the receiver in loopback")
        write(mcr, 0x00)
        XCTAssertEqual(read(rbr), UInt8(ascii: "x"))
    }

    func testLoopbackOverrun() {
        write(fcr, 0x01)
        write(mcr, 0x10)
        for byte in UInt8(0)..<17 { write(thr, byte) }
        XCTAssertEqual(read(lsr) & 0x03, 0x03)
    }

    func testLoopbackDrivesModemStatusFromModemControl() {
        write(mcr, 0x1A)  // loop, OUT2, RTS: the check Linux's 8250 driver makes
        XCTAssertEqual(read(msr) & 0xF0, 0x90)
        write(mcr, 0x15)  // loop, OUT1, DTR
        XCTAssertEqual(read(msr) & 0xF0, 0x60)
        write(mcr, 0x1F)
        XCTAssertEqual(read(msr) & 0xF0, 0xF0)
    }

    func testModemStatusDeltasAndTrailingEdgeOfRing() {
        write(mcr, 0x1F)  // all inputs rise from DCD|DSR|CTS to all four: no CTS/DSR/DCD change
        XCTAssertEqual(read(msr), 0xF0)
        write(mcr, 0x1B)  // RI falls
        XCTAssertEqual(read(msr), 0xB4)
        XCTAssertEqual(read(msr), 0xB0, "reading MSR clears the deltas")
        write(mcr, 0x10)  // CTS, DSR, DCD fall
        XCTAssertEqual(read(msr), 0x0B)
    }

    // MARK: - Interrupts

    func testReceivedDataInterrupt() {
        write(ier, 0x01)
        XCTAssertFalse(interruptHigh)
        console.append(input: "k")
        uart.poll()
        XCTAssertTrue(interruptHigh)
        XCTAssertEqual(read(iir), 0x04)
        XCTAssertEqual(read(rbr), UInt8(ascii: "k"))
        XCTAssertFalse(interruptHigh)
        XCTAssertEqual(read(iir), 0x01)
    }

    func testReceivedDataInterruptWaitsForTriggerLevelOrTimeout() {
        write(fcr, 0x81)  // FIFOs on, trigger at 8 bytes
        write(ier, 0x01)
        for byte in UInt8(0)..<3 { uart.receive(byte) }
        XCTAssertFalse(interruptHigh, "below the trigger level while characters are arriving")
        uart.poll()
        XCTAssertTrue(interruptHigh, "the sender went quiet: character timeout")
        XCTAssertEqual(read(iir), 0xCC)
        for byte in UInt8(3)..<8 { uart.receive(byte) }
        XCTAssertEqual(read(iir), 0xC4, "trigger level reached")
        for _ in 0..<8 { _ = read(rbr) }
        XCTAssertFalse(interruptHigh)
    }

    func testTransmitterEmptyInterruptRaisedAndCleared() {
        write(ier, 0x02)
        XCTAssertTrue(interruptHigh, "enabling ETBEI with THR empty interrupts")
        XCTAssertEqual(read(iir), 0x02)
        XCTAssertFalse(interruptHigh, "reading IIR that reports THRE clears it")
        XCTAssertEqual(read(iir), 0x01)
        write(thr, 0x20)
        XCTAssertTrue(interruptHigh, "THR empties again straight after a write")
        write(ier, 0x00)
        XCTAssertFalse(interruptHigh)
        XCTAssertEqual(line.changes.map(\.high), [true, false, true, false])
        XCTAssertTrue(line.changes.allSatisfy { $0.source == 10 })
    }

    func testReceiverLineStatusInterrupt() {
        write(ier, 0x04)
        uart.receive(1)
        XCTAssertFalse(interruptHigh)
        uart.receive(2)
        XCTAssertTrue(interruptHigh)
        XCTAssertEqual(read(iir), 0x06)
        _ = read(lsr)
        XCTAssertFalse(interruptHigh)
    }

    func testModemStatusInterrupt() {
        write(ier, 0x08)
        write(mcr, 0x10)
        XCTAssertTrue(interruptHigh)
        XCTAssertEqual(read(iir), 0x00)
        _ = read(msr)
        XCTAssertFalse(interruptHigh)
    }

    func testInterruptPriorities() {
        write(ier, 0x0F)
        uart.receive(1)
        uart.receive(2)
        write(mcr, 0x18)
        XCTAssertEqual(read(iir), 0x06)
        _ = read(lsr)
        XCTAssertEqual(read(iir), 0x04)
        _ = read(rbr)
        XCTAssertEqual(read(iir), 0x02)
        XCTAssertEqual(read(iir), 0x00)
        _ = read(msr)
        XCTAssertEqual(read(iir), 0x01)
        XCTAssertFalse(interruptHigh)
    }

    func testCustomSourceAndNoInterruptLine() {
        let recorder = RecordingInterruptLine()
        let other = UART16550(console: console, interrupt: recorder, source: 3)
        XCTAssertTrue(other.write(offset: 1, size: 1, value: 2))
        XCTAssertTrue(recorder.isHigh(3))

        let unwired = UART16550(console: console, interrupt: nil)
        XCTAssertTrue(unwired.write(offset: 1, size: 1, value: 2))
        XCTAssertTrue(unwired.interruptAsserted)
    }
}
