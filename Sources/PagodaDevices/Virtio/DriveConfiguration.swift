/// A disk image the machine attaches as a virtio block device (`--drive`).
public struct DriveConfiguration: Equatable, Sendable {
    /// The image file.
    public var path: String
    /// The guest may not write: the device offers VIRTIO_BLK_F_RO and fails writes.
    public var readOnly: Bool
    /// Writes stay in memory (a per-sector overlay) and the file is never written.
    public var snapshot: Bool

    public init(path: String, readOnly: Bool = false, snapshot: Bool = false) {
        self.path = path
        self.readOnly = readOnly
        self.snapshot = snapshot
    }
}

/// Where the virtio entropy device's bytes come from (`--rng`).
public enum EntropySource: Equatable, Sendable {
    /// A deterministic generator (splitmix64) started from `seed`: the same bytes every run.
    case seeded(UInt64)
    /// The host's /dev/urandom.
    case host

    /// The seed `--rng seeded` uses: "Pagoda" in ASCII.
    public static let defaultSeed: UInt64 = 0x5061_676F_6461
}
