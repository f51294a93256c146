import Foundation
import Glibc
@testable import PagodaDebug

/// A minimal GDB-side client for the tests: connects over TCP, sends packets with
/// checksums, acknowledges and reads replies.
final class GDBClient {
    private let fd: Int32
    private var buffer: [UInt8] = []
    var acknowledging = true

    init?(port: UInt16) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            return nil
        }
    }

    deinit { Glibc.close(fd) }

    func close() { shutdown(fd, Int32(SHUT_RDWR)) }

    func sendRaw(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Sends a packet and returns the reply's payload (nil if the connection ended).
    func request(_ payload: String) -> String? {
        send(payload)
        return receive()
    }

    func send(_ payload: String) {
        sendRaw(RemotePacket.frame(Array(payload.utf8)))
        if acknowledging { _ = readByte() }  // '+'
    }

    /// The next packet's payload, acknowledged.
    func receive() -> String? {
        while true {
            guard let b = readByte() else { return nil }
            if b == UInt8(ascii: "$") { break }
        }
        var payload: [UInt8] = []
        while true {
            guard let b = readByte() else { return nil }
            if b == UInt8(ascii: "#") { break }
            payload.append(b)
        }
        guard readByte() != nil, readByte() != nil else { return nil }
        if acknowledging { sendRaw([UInt8(ascii: "+")]) }
        return String(decoding: payload, as: UTF8.self)
    }

    private func readByte() -> UInt8? {
        if buffer.isEmpty {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return nil }
            buffer = Array(chunk[0..<n])
        }
        return buffer.removeFirst()
    }
}
