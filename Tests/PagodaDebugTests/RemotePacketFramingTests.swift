@testable import PagodaDebug
import XCTest

/// Framing: `$payload#cs`, acknowledgments, interrupts, escapes; and that no input,
/// however malformed, traps the decoder.
final class RemotePacketFramingTests: XCTestCase {
    func testFramesAndDecodesAPacket() {
        let frame = RemotePacket.frame(Array("qSupported".utf8))
        XCTAssertEqual(String(decoding: frame, as: UTF8.self), "$qSupported#37")
        var decoder = RemotePacketDecoder()
        XCTAssertEqual(decoder.feed(frame), [.packet(Array("qSupported".utf8))])
    }

    func testPacketsSplitAcrossReadsAndMixedWithAcksAndInterrupts() {
        var decoder = RemotePacketDecoder()
        let stream = Array("+$g#67".utf8) + [0x03] + Array("-$m80000000,4#55junk".utf8)
        var events: [RemotePacketDecoder.Event] = []
        for b in stream { events += decoder.feed([b]) }
        XCTAssertEqual(events, [.ack, .packet(Array("g".utf8)), .interrupt, .nak, .packet(Array("m80000000,4".utf8))])
    }

    func testBadChecksumsAreReported() {
        var decoder = RemotePacketDecoder()
        XCTAssertEqual(decoder.feed(Array("$g#00".utf8)), [.checksumError])
        XCTAssertEqual(decoder.feed(Array("$g#zz".utf8)), [.checksumError])
        XCTAssertEqual(decoder.feed(Array("$g#67".utf8)), [.packet([UInt8(ascii: "g")])], "recovers afterwards")
    }

    func testADollarInsideAPacketStartsAgain() {
        var decoder = RemotePacketDecoder()
        XCTAssertEqual(decoder.feed(Array("$qSupp$g#67".utf8)), [.packet([UInt8(ascii: "g")])])
    }

    func testOversizedPacketsAreRejectedAndDoNotGrowMemoryWithoutEnd() {
        var decoder = RemotePacketDecoder()
        let huge = [UInt8](repeating: UInt8(ascii: "a"), count: RemotePacketDecoder.maximumPayload * 3)
        var events = decoder.feed([UInt8(ascii: "$")] + huge + Array("#00".utf8))
        XCTAssertEqual(events, [.checksumError])
        events = decoder.feed(RemotePacket.frame(Array("?".utf8)))
        XCTAssertEqual(events, [.packet([UInt8(ascii: "?")])])
    }

    func testEscapesRoundTrip() {
        let data: [UInt8] = [0x23, 0x24, 0x7D, 0x2A, 0x00, 0xFF, 0x41]
        let escaped = RemotePacket.escape(data)
        XCTAssertFalse(escaped.contains(0x23) || escaped.contains(0x24) || escaped.contains(0x2A))
        XCTAssertEqual(RemotePacket.unescape(escaped), data)
        XCTAssertNil(RemotePacket.unescape([0x41, 0x7D]), "a dangling escape")
    }

    func testHexHelpers() {
        XCTAssertEqual(Hex.number(Array("80000000".utf8)), 0x8000_0000)
        XCTAssertEqual(Hex.number(Array("0000000000000000ffffffffffffffff".utf8)), .max)
        XCTAssertNil(Hex.number(Array("1ffffffffffffffff".utf8)), "wider than 64 bits")
        XCTAssertNil(Hex.number(Array("".utf8)))
        XCTAssertNil(Hex.number(Array("12g".utf8)))
        XCTAssertEqual(String(decoding: Hex.register(0x8000_0000), as: UTF8.self), "0000008000000000")
        XCTAssertEqual(Hex.registerValue(Array("0000008000000000".utf8)), 0x8000_0000)
        XCTAssertNil(Hex.decode(Array("abc".utf8)))
    }

    /// Random bytes, random pieces of valid packets, corrupted checksums: the decoder
    /// always comes back with events and stays usable.
    func testFuzzedStreamsNeverTrapTheDecoder() {
        var generator = SystemRandomNumberGenerator()
        var decoder = RemotePacketDecoder()
        let alphabet = Array("$#}+-*0123456789abcdefgmMXZzqQvH:,;".utf8) + [0x03, 0x00, 0xFF]
        for round in 0..<2_000 {
            let count = Int.random(in: 0...200, using: &generator)
            let bytes: [UInt8] = (0..<count).map { _ in
                round % 2 == 0 ? UInt8.random(in: 0...255, using: &generator) : alphabet.randomElement(using: &generator)!
            }
            _ = decoder.feed(bytes)
        }
        // Still in sync after a packet boundary.
        _ = decoder.feed(Array("#00".utf8))
        XCTAssertEqual(decoder.feed(RemotePacket.frame(Array("g".utf8))).last, .packet([UInt8(ascii: "g")]))
    }
}
