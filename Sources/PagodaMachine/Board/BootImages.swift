import PagodaDevices
import PagodaLoader

/// What `pagoda run` boots, QEMU's way: M-mode firmware (`--bios`), an S-mode kernel
/// (`--kernel`) and an initial ramdisk (`--initrd`), each optional.
///
/// The boot ROM enters the firmware at RAM base in M-mode with a0 = hart id, a1 = the
/// device tree and a2 = a `FirmwareDynamicInfo` naming the kernel's entry, as QEMU's
/// `virt` board does for OpenSBI. Without firmware the ROM enters the kernel itself, in
/// M-mode.
public struct BootImages: Sendable {
    /// M-mode firmware: its file and, for firmware that asks for it (Pagoda's own), the
    /// bytes at RAM base it keeps for itself, reserved (`no-map`) in the device tree.
    public struct Firmware: Sendable {
        public var file: BootFile
        public var reservedSize: UInt64?
        public init(file: BootFile, reservedSize: UInt64? = nil) {
            self.file = file
            self.reservedSize = reservedSize
        }
    }

    public var firmware: Firmware?
    public var kernel: BootFile?
    public var initrd: [UInt8]?

    public init(firmware: Firmware?, kernel: BootFile?, initrd: [UInt8]? = nil) {
        self.firmware = firmware
        self.kernel = kernel
        self.initrd = initrd
    }
}

/// Why boot images cannot be placed in RAM: one line, naming what does not fit.
public struct BootError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Where each boot image goes: the result of checking the images against the board.
struct BootLayout {
    /// Bytes to put at an address, with `zeroLength` bytes cleared there first
    /// (an ELF segment's memory size, bss included).
    struct Placement {
        var address: UInt64
        var data: [UInt8]
        var zeroLength: UInt64
    }

    var placements: [Placement] = []
    /// Where the boot ROM jumps.
    var entry: UInt64
    /// The record passed in a2, when a kernel (or firmware) is booted the QEMU way.
    var dynamicInfo: FirmwareDynamicInfo?
    /// The initial ramdisk's bytes in memory, first to last.
    var initrd: ClosedRange<UInt64>?
    /// Firmware memory the kernel must leave alone (`/reserved-memory`, `no-map`).
    var reserved: [ClosedRange<UInt64>] = []

    /// The kernel's load address for a raw binary or an Image without firmware's room.
    static let kernelOffset: UInt64 = 2 << 20

    /// Lays out `images` in RAM `[base, base + size)`; `deviceTreeAt` gives where the
    /// device tree will go once the layout is known (it is placed last, at the top).
    static func make(_ images: BootImages, ramBase base: UInt64, ramSize size: UInt64,
                     deviceTree: (BootLayout) -> ClosedRange<UInt64>?) throws(BootError) -> BootLayout {
        let ramEnd = base + size  // the machine keeps RAM well below 2^64
        var layout = BootLayout(entry: base)
        // The ranges taken so far, with a name for messages.
        var taken: [(name: String, range: ClosedRange<UInt64>)] = []

        func place(_ name: String, at address: UInt64, bytes: [UInt8], extent: UInt64) throws(BootError) -> ClosedRange<UInt64> {
            let length = max(extent, UInt64(bytes.count), 1)
            guard address >= base, address < ramEnd, length <= ramEnd - address else {
                throw BootError("\(name) does not fit in RAM: \(length) bytes at 0x\(hex(address)), RAM is 0x\(hex(base))-0x\(hex(ramEnd - 1)) (raise --memory)")
            }
            let range = address...(address + length - 1)
            if let other = taken.first(where: { $0.range.overlaps(range) }) {
                throw BootError("\(name) at 0x\(hex(range.lowerBound))-0x\(hex(range.upperBound)) overlaps \(other.name) at 0x\(hex(other.range.lowerBound))-0x\(hex(other.range.upperBound))")
            }
            taken.append((name, range))
            layout.placements.append(Placement(address: address, data: bytes, zeroLength: extent))
            return range
        }

        /// Places a boot file; returns its entry point.
        func placeFile(_ name: String, _ file: BootFile, rawAddress: UInt64) throws(BootError) -> UInt64 {
            switch file {
            case .elf(let image):
                for segment in image.segments where segment.memorySize > 0 {
                    _ = try place(name, at: segment.physicalAddress, bytes: segment.data, extent: segment.memorySize)
                }
                return image.entry
            case .linux(let header, let bytes):
                let (address, overflow) = base.addingReportingOverflow(header.textOffset)
                guard !overflow else { throw BootError("\(name): text_offset 0x\(hex(header.textOffset)) is outside RAM") }
                _ = try place(name, at: address, bytes: bytes, extent: max(header.imageSize, UInt64(bytes.count)))
                return address
            case .raw(let bytes):
                _ = try place(name, at: rawAddress, bytes: bytes, extent: UInt64(bytes.count))
                return rawAddress
            }
        }

        var firmwareEntry: UInt64?
        if let firmware = images.firmware {
            let reserve = firmware.reservedSize ?? 0
            switch firmware.file {
            case .raw(let bytes), .linux(_, let bytes):
                // At RAM base; memory it reserves for itself (stacks, data) starts out zeroed.
                let range = try place("the firmware", at: base, bytes: bytes, extent: max(reserve, UInt64(bytes.count)))
                if reserve > 0 { layout.reserved.append(range) }
                firmwareEntry = base
            case .elf:
                firmwareEntry = try placeFile("the firmware", firmware.file, rawAddress: base)
                if reserve > 0 {
                    guard reserve <= size else {
                        throw BootError("the firmware's reserved memory (\(reserve) bytes at 0x\(hex(base))) does not fit in RAM (raise --memory)")
                    }
                    let region = base...(base + reserve - 1)
                    taken.append(("the firmware", region))
                    layout.reserved.append(region)
                }
            }
        }

        var kernelEntry: UInt64?
        if let kernel = images.kernel {
            kernelEntry = try placeFile("the kernel", kernel, rawAddress: images.firmware == nil ? base : base + kernelOffset)
        }

        let nextStage = kernelEntry ?? base + kernelOffset
        if let firmwareEntry {
            layout.entry = firmwareEntry
            layout.dynamicInfo = FirmwareDynamicInfo(nextAddress: nextStage, nextMode: .supervisor)
        } else if let kernelEntry {
            layout.entry = kernelEntry
            layout.dynamicInfo = FirmwareDynamicInfo(nextAddress: kernelEntry, nextMode: .machine)
        }

        if let initrd = images.initrd {
            // As QEMU's riscv_load_initrd: half-way into RAM on small machines, else 128 MiB
            // above the kernel, far enough that the kernel does not overwrite it early.
            let start = nextStage + min(size / 2, 128 << 20)
            guard !initrd.isEmpty else { throw BootError("the initrd is empty") }
            layout.initrd = try place("the initrd", at: start, bytes: initrd, extent: UInt64(initrd.count))
        }

        if let tree = deviceTree(layout), let other = taken.first(where: { $0.range.overlaps(tree) }) {
            throw BootError("\(other.name) overlaps the device tree at 0x\(hex(tree.lowerBound))-0x\(hex(tree.upperBound)) (raise --memory)")
        }
        return layout
    }

    private static func hex(_ value: UInt64) -> String { String(value, radix: 16) }
}
