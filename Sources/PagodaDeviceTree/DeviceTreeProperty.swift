/// A property of a device tree node: a name and a value of raw bytes.
///
/// Values are encoded as the Devicetree Specification v0.4 section 2.2.4.2
/// ("Property Values") describes them: 32- and 64-bit integers big-endian
/// (`<u32>`, `<u64>`), strings NUL-terminated (`<string>`), string lists as
/// concatenated strings (`<stringlist>`), and phandles as `<u32>` cells.
public struct DeviceTreeProperty: Sendable, Equatable {
    /// The property name, at most 31 characters from `[0-9a-zA-Z,._+?#-]` (section 2.2.4.1).
    public var name: String
    /// The encoded value, exactly as it goes into the structure block.
    public var value: [UInt8]

    public init(_ name: String, bytes: [UInt8]) {
        self.name = name
        self.value = bytes
    }

    /// A property with an empty value, true by its presence (`interrupt-controller;`).
    public static func empty(_ name: String) -> Self {
        Self(name, bytes: [])
    }

    /// One `<u32>` cell.
    public static func u32(_ name: String, _ value: UInt32) -> Self {
        cells(name, [value])
    }

    /// A list of `<u32>` cells, each big-endian.
    public static func cells(_ name: String, _ values: [UInt32]) -> Self {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4 * values.count)
        for value in values {
            bytes.appendBigEndian(value)
        }
        return Self(name, bytes: bytes)
    }

    /// One `<u64>`: two cells, most significant first.
    public static func u64(_ name: String, _ value: UInt64) -> Self {
        u64s(name, [value])
    }

    /// A list of `<u64>` values, each as two cells; with `#address-cells` and
    /// `#size-cells` of 2 this is a `reg` of (address, size) pairs.
    public static func u64s(_ name: String, _ values: [UInt64]) -> Self {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 * values.count)
        for value in values {
            bytes.appendBigEndian(value)
        }
        return Self(name, bytes: bytes)
    }

    /// A `<string>`: the UTF-8 bytes and a terminating NUL.
    public static func string(_ name: String, _ value: String) -> Self {
        strings(name, [value])
    }

    /// A `<stringlist>`: each string NUL-terminated, one after another.
    public static func strings(_ name: String, _ values: [String]) -> Self {
        var bytes: [UInt8] = []
        for value in values {
            bytes.append(contentsOf: value.utf8)
            bytes.append(0)
        }
        return Self(name, bytes: bytes)
    }

    /// A `<prop-encoded-array>` of raw bytes.
    public static func bytes(_ name: String, _ value: [UInt8]) -> Self {
        Self(name, bytes: value)
    }

    /// The node's own `phandle` (section 2.3.3): the number other nodes use to refer to it.
    public static func phandle(_ value: UInt32) -> Self {
        u32("phandle", value)
    }

    /// A list of cells that holds phandles, possibly mixed with their arguments
    /// (`interrupt-parent`, `interrupts-extended`, `regmap`).
    public static func phandles(_ name: String, _ values: [UInt32]) -> Self {
        cells(name, values)
    }
}
