@testable import PagodaDebug
import PagodaMachine
import XCTest

/// The stub's answers to packets, without a socket; and a fuzz test that throws random
/// and malformed packets at it.
final class GDBStubTests: XCTestCase {
    var machine: Machine!
    var control: RunControl!
    var stub: GDBStub!

    override func setUp() {
        machine = TestMachines.make(TestMachines.counterLoop, harts: 2)
        control = RunControl(machine: machine)
        stub = GDBStub(machine: machine, control: control)
    }

    func reply(_ packet: String) -> String {
        guard case .reply(let bytes) = stub.handle(Array(packet.utf8)) else {
            XCTFail("\(packet): not a single reply")
            return ""
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func testSupportedFeatures() {
        let features = reply("qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;xmlRegisters=i386")
        for feature in ["PacketSize=4000", "qXfer:features:read+", "swbreak+", "hwbreak+", "vContSupported+", "QStartNoAckMode+"] {
            XCTAssertTrue(features.contains(feature), feature)
        }
        XCTAssertEqual(reply("vCont?"), "vCont;c;C;s;S")
        XCTAssertEqual(stub.handle(Array("QStartNoAckMode".utf8)), .startNoAckMode)
    }

    func testTargetDescriptionIsReadInPieces() {
        var document = ""
        var offset = 0
        while true {
            let piece = reply("qXfer:features:read:target.xml:\(String(offset, radix: 16)),200")
            XCTAssertTrue(piece.hasPrefix("m") || piece.hasPrefix("l"))
            document += piece.dropFirst()
            offset += piece.count - 1
            if piece.hasPrefix("l") { break }
        }
        XCTAssertTrue(document.contains("<feature name=\"org.gnu.gdb.riscv.cpu\">"))
        XCTAssertTrue(document.contains("<reg name=\"zero\" bitsize=\"64\" regnum=\"0\""))
        XCTAssertTrue(document.contains("<reg name=\"pc\" bitsize=\"64\" regnum=\"32\""))
        XCTAssertTrue(document.contains("<reg name=\"mstatus\" bitsize=\"64\" regnum=\"\(65 + 0x300)\""))
        XCTAssertTrue(document.contains("<reg name=\"satp\""))
        XCTAssertTrue(document.contains("<feature name=\"org.gnu.gdb.riscv.virtual\">"))
        XCTAssertTrue(document.contains("<reg name=\"priv\""))
        XCTAssertEqual(reply("qXfer:features:read:other.xml:0,100"), "E00")
    }

    func testRegisters() {
        let hart = machine.harts[0]
        hart.setRegister(10, 0x1122_3344_5566_7788)
        let g = reply("g")
        XCTAssertEqual(g.count, 33 * 16)
        XCTAssertEqual(String(g.dropFirst(10 * 16).prefix(16)), "8877665544332211")
        XCTAssertEqual(String(g.suffix(16)), "0010000000000000", "pc = 0x1000, the reset vector")
        XCTAssertEqual(reply("p20"), "0010000000000000")
        XCTAssertEqual(reply("P20=0400008000000000"), "OK")
        XCTAssertEqual(hart.pc, 0x8000_0004)
        XCTAssertEqual(reply("P0=0100000000000000"), "OK", "x0 writes are accepted and ignored")
        XCTAssertEqual(hart.register(0), 0)
        XCTAssertEqual(reply("p\(String(65 + 0xF14, radix: 16))"), "0000000000000000", "mhartid")
        XCTAssertEqual(reply("p\(String(65 + 4096, radix: 16))"), "0300000000000000", "priv: M")
        XCTAssertEqual(reply("P\(String(65 + 4096, radix: 16))=0100000000000000"), "OK")
        XCTAssertEqual(hart.privilege, .supervisor)
        XCTAssertEqual(reply("P\(String(65 + 4096, radix: 16))=0200000000000000"), "E02", "no privilege 2")
        XCTAssertEqual(reply("p\(String(65 + 0x7C0, radix: 16))"), "E01", "a CSR the hart lacks")
        XCTAssertEqual(reply("Hg2"), "OK")
        XCTAssertEqual(reply("p\(String(65 + 0xF14, radix: 16))"), "0100000000000000", "mhartid of hart 1")
        XCTAssertEqual(reply("Hg9"), "E01")
        var registers = ""
        for i in 0..<33 { registers += Hex.register(i == 32 ? 0x8000_0000 : UInt64(i * 3)).map { String(UnicodeScalar($0)) }.joined() }
        XCTAssertEqual(reply("G" + registers), "OK")
        XCTAssertEqual(machine.harts[1].register(5), 15)
        XCTAssertEqual(machine.harts[1].pc, 0x8000_0000)
    }

    func testMemory() {
        XCTAssertEqual(reply("m80000000,4"), "97120000", "auipc t0, 1")
        XCTAssertEqual(reply("M80001000,4:deadbeef"), "OK")
        XCTAssertEqual(reply("m80001000,4"), "deadbeef")
        XCTAssertEqual(reply("X80001000,2:}\u{03}}\u{04}"), "OK", "escaped # and $")
        XCTAssertEqual(reply("m80001000,2"), "2324")
        XCTAssertEqual(reply("X80001000,0:"), "OK", "GDB's probe for X")
        XCTAssertEqual(reply("m0,4"), "E01", "nothing mapped at 0")
        XCTAssertEqual(reply("m80fffffe,4"), "0000", "a partial read ends at the end of RAM")
        XCTAssertEqual(reply("M80001000,4:dead"), "E01", "length mismatch")
    }

    func testThreads() {
        XCTAssertEqual(reply("qfThreadInfo"), "m1,2")
        XCTAssertEqual(reply("qsThreadInfo"), "l")
        XCTAssertEqual(reply("qC"), "QC1")
        XCTAssertEqual(reply("T2"), "OK")
        XCTAssertEqual(reply("T3"), "E01")
        XCTAssertEqual(reply("qAttached"), "1")
        let info = String(decoding: Hex.decode(Array(reply("qThreadExtraInfo,1").utf8)) ?? [], as: UTF8.self)
        XCTAssertEqual(info, "hart 0 M-mode bare")
        let held = String(decoding: Hex.decode(Array(reply("qThreadExtraInfo,2").utf8)) ?? [], as: UTF8.self)
        XCTAssertEqual(held, "hart 1 held")
        XCTAssertEqual(reply("?"), "T05thread:01;")
    }

    func testBreakpointsAndResumeActions() {
        XCTAssertEqual(reply("Z0,80000008,4"), "OK")
        XCTAssertEqual(reply("Z1,8000000c,4"), "OK")
        XCTAssertEqual(reply("Z2,80001000,8"), "OK")
        XCTAssertEqual(control.softwareBreakpoints, [0x8000_0008])
        XCTAssertEqual(control.hardwareBreakpoints, [0x8000_000C])
        XCTAssertEqual(control.watchpoints, [Watchpoint(kind: .write, address: 0x8000_1000, length: 8)])
        XCTAssertEqual(reply("z0,80000008,4"), "OK")
        XCTAssertEqual(reply("Z9,0,0"), "")
        XCTAssertEqual(reply("Z0,zz,4"), "E01")
        XCTAssertEqual(stub.handle(Array("vCont;s:2;c".utf8)), .resume([.run, .step]))
        XCTAssertEqual(stub.handle(Array("vCont;s:1".utf8)), .resume([.step, .stop]))
        XCTAssertEqual(stub.handle(Array("vCont;c".utf8)), .resume([.run, .run]))
        XCTAssertEqual(stub.handle(Array("vCont;c:-1".utf8)), .resume([.run, .run]))
        XCTAssertEqual(stub.handle(Array("c".utf8)), .resume([.run, .run]))
        XCTAssertEqual(stub.handle(Array("s".utf8)), .resume([.step, .stop]))
        XCTAssertEqual(stub.handle(Array("vCont;t".utf8)), .reply([]))
        XCTAssertEqual(stub.handle(Array("vCont;s:7".utf8)), .reply(Array("E01".utf8)))
        XCTAssertEqual(stub.handle(Array("D".utf8)), .detach)
        XCTAssertEqual(stub.handle(Array("k".utf8)), .kill(acknowledge: false))
    }

    func testMonitorCommandsComeBackAsConsoleOutput() {
        guard case .replies(let packets) = stub.handle(Array(("qRcmd," + String(decoding: Hex.encode("translate 80001000"), as: UTF8.self)).utf8)) else {
            return XCTFail("no output")
        }
        XCTAssertEqual(packets.last, Array("OK".utf8))
        let text = packets.dropLast().map { String(decoding: Hex.decode($0.dropFirst()) ?? [], as: UTF8.self) }.joined()
        XCTAssertTrue(text.contains("load:  [bare] pa 0x0000000080001000"), text)
        XCTAssertEqual(reply("qRcmd,zz"), "E01")
    }

    func testStopReplies() {
        let hart = machine.harts[1]
        XCTAssertEqual(String(decoding: stub.stopReply(for: .breakpoint(hart, hardware: false)), as: UTF8.self), "T05thread:02;swbreak:;")
        XCTAssertEqual(reply("?"), "T05thread:02;swbreak:;")
        XCTAssertEqual(reply("qC"), "QC2", "the stopped hart becomes the selected thread")
        XCTAssertEqual(String(decoding: stub.stopReply(for: .watchpoint(hart, .access, address: 0x8000_1000)), as: UTF8.self),
                       "T05thread:02;awatch:80001000;")
        XCTAssertEqual(String(decoding: stub.stopReply(for: .exited(.passed)), as: UTF8.self), "W00")
        XCTAssertEqual(String(decoding: stub.stopReply(for: .exited(.failed(code: 0x307))), as: UTF8.self), "W07")
    }

    /// Random packets, truncated packets, huge lengths and addresses: always an answer,
    /// never a trap. Resume responses are not acted on here.
    func testFuzzedPacketsNeverTrapTheStub() {
        var generator = SystemRandomNumberGenerator()
        let seeds = [
            "g", "G", "G00", "p", "p20", "pffffffffffffffffff", "P20=", "P=1", "Pfff=00", "m", "m80000000", "m,4", "mffffffffffffffff,ffffffffffffffff",
            "m80000000,ffffffffffffffff", "M80000000,ffffffffffffffff:00", "M80001000,1:0", "X80001000,ffffffff:", "X80001000,1", "X80001000,2:}",
            "Z", "Z0", "Z0,", "Z2,ffffffffffffffff,ffffffffffffffff", "Z4,0,0", "z3,1,1", "H", "Hg", "Hx1", "Hgp1.2", "Hcp-1.-1", "T", "Tffffffffffffffffffff",
            "qXfer:features:read:target.xml:", "qXfer:features:read:target.xml:ffffffffffff,1", "qXfer:features:read:target.xml:0,ffffffffffffffff",
            "qXfer:features:read::0,1", "qThreadExtraInfo,", "qThreadExtraInfo,ffff", "qRcmd,", "qRcmd,7", "qRcmd,74726e736c617465",
            "qRcmd,746c622039393939", "qRcmd,7472616e736c61746520", "vCont", "vCont;", "vCont;s:", "vCont;x", "vCont;c:zz", "C", "Czz", "S05;zz", "c zz",
            "Q", "QStartNoAckModeX", "qSupported:", "v", "?", "!", "",
        ]
        for packet in seeds {
            _ = stub.handle(Array(packet.utf8))
        }
        let alphabet = Array("gGpPmMXZzHTqQvcsCSkD?;:,=.-pxl0123456789abcdefABCDEF}".utf8)
        for _ in 0..<20_000 {
            var packet = Array(seeds.randomElement(using: &generator)!.utf8)
            for _ in 0..<Int.random(in: 0...6, using: &generator) {
                let byte = Bool.random(using: &generator) ? alphabet.randomElement(using: &generator)! : UInt8.random(in: 0...255, using: &generator)
                if packet.isEmpty || Bool.random(using: &generator) {
                    packet.append(byte)
                } else {
                    packet[Int.random(in: 0..<packet.count, using: &generator)] = byte
                }
            }
            if Int.random(in: 0..<4, using: &generator) == 0 { packet = Array(packet.prefix(Int.random(in: 0...packet.count, using: &generator))) }
            let response = stub.handle(packet)
            if case .resume = response { continue }
        }
        // Still answering sensibly.
        XCTAssertEqual(reply("qC").prefix(2), "QC")
    }
}
