import Foundation
import PagodaDevices
import PagodaMachine

/// Virtio devices a guest asks for in its `PAGODA-FLAGS:` line:
///
/// - `--drive test-pattern[,readonly=on][,snapshot=on]`: a fresh temporary disk image of
///   `testDiskSectors` sectors whose byte i of sector s is `(s * 31 + i) & 0xFF`
///   (`pattern_byte` in guests/common/virtio.h), so the XCTest can check the file afterwards;
/// - `--rng seeded|host|none|seed=N`.
enum GuestDevices {
    static let testDiskSectors = 64

    /// The byte of the test pattern at `offset` in the image.
    static func patternByte(at offset: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: (offset / 512) * 31 + offset % 512)
    }

    static func patternImage(sectors: Int = testDiskSectors) -> [UInt8] {
        (0..<(sectors * 512)).map(patternByte(at:))
    }

    /// Applies the device flags of `words` to `configuration`; returns the test disks made.
    static func apply(_ words: [String], to configuration: inout MachineConfiguration) throws -> [URL] {
        var disks: [URL] = []
        var i = 0
        while i < words.count {
            defer { i += 1 }
            guard i + 1 < words.count else { break }
            switch words[i] {
            case "--drive":
                let options = words[i + 1].split(separator: ",").map(String.init)
                guard options.first == "test-pattern" else { continue }
                let url = FileManager.default.temporaryDirectory.appendingPathComponent("pagoda-guest-disk-\(UUID().uuidString).img")
                try Data(patternImage()).write(to: url)
                disks.append(url)
                configuration.drives.append(DriveConfiguration(path: url.path, readOnly: options.contains("readonly=on"),
                                                               snapshot: options.contains("snapshot=on")))
                i += 1
            case "--rng":
                switch words[i + 1] {
                case "none": configuration.rng = nil
                case "host": configuration.rng = .host
                case let text where text.hasPrefix("seed="): configuration.rng = UInt64(text.dropFirst(5)).map { .seeded($0) }
                default: configuration.rng = .seeded(EntropySource.defaultSeed)
                }
                i += 1
            default: break
            }
        }
        return disks
    }
}
