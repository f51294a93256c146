import Glibc

/// A TCP socket listening for the debugger (POSIX sockets).
final class SocketListener {
    private var descriptor: Int32
    /// The port actually bound (useful when asked for port 0).
    let port: UInt16
    let host: String

    /// Binds `host:port` (an IPv4 or IPv6 address or a host name) and listens.
    init(host: String, port: UInt16) throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Self.streamType
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw DebugSetupError(message: "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = DebugSetupError(message: "no address to listen on for \(host)")
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, Self.streamType, 0)
            guard fd >= 0 else { lastError = DebugSetupError("socket"); continue }
            var on: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
            guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
                lastError = DebugSetupError("cannot listen on \(host):\(port)")
                _ = systemClose(fd)
                continue
            }
            guard listen(fd, 1) == 0 else {
                lastError = DebugSetupError("listen")
                _ = systemClose(fd)
                continue
            }
            descriptor = fd
            self.host = host
            self.port = Self.boundPort(fd) ?? port
            return
        }
        throw lastError
    }

    deinit { close() }

    func close() {
        if descriptor >= 0 {
            _ = systemClose(descriptor)
            descriptor = -1
        }
    }

    /// Waits for the debugger to connect.
    func accept() throws -> SocketConnection {
        while true {
            let fd = systemAccept(descriptor, nil, nil)
            if fd >= 0 {
                var on: Int32 = 1
                _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
                return SocketConnection(descriptor: fd)
            }
            if errno != EINTR { throw DebugSetupError("accept") }
        }
    }

    private static var streamType: Int32 { Int32(SOCK_STREAM.rawValue) }

    private static func boundPort(_ fd: Int32) -> UInt16? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) } }
        case AF_INET6:
            return withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) } }
        default:
            return nil
        }
    }
}

/// A connected stream socket: blocking reads with an optional timeout, writes that never
/// raise SIGPIPE, and a closed flag once the peer hangs up.
final class SocketConnection {
    private var descriptor: Int32
    private(set) var isClosed = false

    init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close() }

    func close() {
        if descriptor >= 0 {
            _ = systemClose(descriptor)
            descriptor = -1
        }
        isClosed = true
    }

    /// Reads what is available, waiting up to `timeout` milliseconds (-1: forever). Returns
    /// an empty array on timeout; nil when the peer closed the connection or it failed.
    func read(timeout: Int32 = -1) -> [UInt8]? {
        guard !isClosed else { return nil }
        var fds = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&fds, 1, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                close()
                return nil
            }
            if ready == 0 { return [] }
            break
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if n > 0 { return Array(buffer[0..<n]) }
            if n < 0 && errno == EINTR { continue }
            close()
            return nil
        }
    }

    /// Sends every byte; false if the connection is gone.
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        guard !isClosed else { return false }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                close()
                return false
            }
            offset += n
        }
        return true
    }
}

// The C functions whose names the classes above shadow.
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
private func systemAccept(_ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>?, _ length: UnsafeMutablePointer<socklen_t>?) -> Int32 {
    accept(fd, address, length)
}
