#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a disk image cannot be used.
public struct DiskImageError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

/// A disk image file, read and written in place with positioned I/O (pread/pwrite):
/// the file is never loaded whole. With `snapshot`, writes go to an in-memory overlay of
/// 512-byte sectors and the file is opened read-only and never changed.
///
/// The capacity is the file size rounded down to whole sectors; `unusedTailBytes` says
/// how many bytes that left out.
public final class DiskImage {
    public static let sectorSize = 512
    public let path: String
    public let readOnly: Bool
    public let snapshot: Bool
    /// Whole 512-byte sectors.
    public let capacity: UInt64
    /// Bytes past the last whole sector (not visible to the guest).
    public let unusedTailBytes: Int
    private var descriptor: Int32
    /// Snapshot mode: sectors written so far.
    private var overlay: [UInt64: [UInt8]] = [:]

    /// Opens the drive's file: read-only for `readOnly` or `snapshot` drives, for reading
    /// and writing otherwise.
    public static func open(_ drive: DriveConfiguration) throws(DiskImageError) -> DiskImage {
        let writable = !drive.readOnly && !drive.snapshot
        let fd = openFile(drive.path, writable ? O_RDWR : O_RDONLY)
        guard fd >= 0 else {
            let why = String(cString: strerror(errno))
            throw DiskImageError(path: drive.path, reason: writable ? "cannot open for reading and writing (\(why))" : "cannot open for reading (\(why))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG || (info.st_mode & S_IFMT) == S_IFBLK else {
            close(fd)
            throw DiskImageError(path: drive.path, reason: "not a regular file")
        }
        var size = UInt64(info.st_size)
        if (info.st_mode & S_IFMT) == S_IFBLK {
            let end = lseek(fd, 0, SEEK_END)
            size = end > 0 ? UInt64(end) : 0
        }
        return DiskImage(path: drive.path, descriptor: fd, size: size, readOnly: drive.readOnly, snapshot: drive.snapshot)
    }

    private init(path: String, descriptor: Int32, size: UInt64, readOnly: Bool, snapshot: Bool) {
        self.path = path
        self.descriptor = descriptor
        self.readOnly = readOnly
        self.snapshot = snapshot
        capacity = size / UInt64(Self.sectorSize)
        unusedTailBytes = Int(size % UInt64(Self.sectorSize))
    }

    deinit {
        if descriptor >= 0 {
            _ = flush()
            close(descriptor)
        }
    }

    /// Whether the byte range `[offset, offset + length)` lies inside the capacity.
    public func contains(offset: UInt64, length: UInt64) -> Bool {
        let end = capacity * UInt64(Self.sectorSize)
        return offset <= end && length <= end - offset
    }

    /// Reads `buffer.count` bytes at byte `offset` (inside the capacity); false on a host I/O error.
    public func read(offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard contains(offset: offset, length: UInt64(buffer.count)) else { return false }
        if overlay.isEmpty { return readFile(offset: offset, into: buffer) }
        var done = 0
        while done < buffer.count {
            let position = offset + UInt64(done)
            let sector = position / UInt64(Self.sectorSize)
            let within = Int(position % UInt64(Self.sectorSize))
            let length = min(Self.sectorSize - within, buffer.count - done)
            let piece = UnsafeMutableRawBufferPointer(rebasing: buffer[done..<(done + length)])
            if let data = overlay[sector] {
                data.withUnsafeBytes { piece.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[within..<(within + length)])) }
            } else if !readFile(offset: position, into: piece) {
                return false
            }
            done += length
        }
        return true
    }

    /// Writes `buffer` at byte `offset` (inside the capacity): to the file, or to the
    /// overlay in snapshot mode. False for a read-only image or a host I/O error.
    public func write(offset: UInt64, from buffer: UnsafeRawBufferPointer) -> Bool {
        guard !readOnly, contains(offset: offset, length: UInt64(buffer.count)) else { return false }
        guard snapshot else {
            return transferAll(count: buffer.count) { done in
                pwrite(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            }
        }
        var done = 0
        while done < buffer.count {
            let position = offset + UInt64(done)
            let sector = position / UInt64(Self.sectorSize)
            let within = Int(position % UInt64(Self.sectorSize))
            let length = min(Self.sectorSize - within, buffer.count - done)
            var data: [UInt8]
            if let existing = overlay[sector] {
                data = existing
            } else {
                data = [UInt8](repeating: 0, count: Self.sectorSize)
                let ok = data.withUnsafeMutableBytes { readFile(offset: sector * UInt64(Self.sectorSize), into: $0) }
                guard ok else { return false }
            }
            data.withUnsafeMutableBytes { dst in
                UnsafeMutableRawBufferPointer(rebasing: dst[within..<(within + length)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[done..<(done + length)]))
            }
            overlay[sector] = data
            done += length
        }
        return true
    }

    /// Makes every write so far durable (fsync); nothing to do for read-only and
    /// snapshot images. False on a host error.
    @discardableResult
    public func flush() -> Bool {
        guard !readOnly, !snapshot else { return true }
        return fsync(descriptor) == 0
    }

    /// Sectors held in the snapshot overlay.
    public var overlaySectors: Int { overlay.count }

    private func readFile(offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        transferAll(count: buffer.count) { done in
            pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
        }
    }

    /// Repeats a positioned transfer (`step` moves bytes from `done` on and returns how
    /// many, or -1) until `count` bytes are moved: retried on EINTR, false on an error or
    /// end of file.
    private func transferAll(count: Int, _ step: (_ done: Int) -> Int) -> Bool {
        var done = 0
        while done < count {
            let n = step(done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }
}

/// open(2), named apart from `DiskImage.open`.
private func openFile(_ path: String, _ flags: Int32) -> Int32 { open(path, flags) }
