import ArgumentParser
import Foundation
import PagodaDevices
import PagodaMachine

/// Options for the virtio devices: disk images and the entropy source.
struct DeviceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Attach a disk image as a virtio block device: file=PATH[,readonly=on][,snapshot=on] (snapshot: writes stay in memory, the file is not changed). Repeatable: virtio-mmio slots 0, 1, ... in order; at most 7 with the entropy device, 8 without.",
        valueName: "spec"))
    var drive: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "The virtio entropy device's source: seeded (the same bytes every run, the default), seed=N, host (/dev/urandom) or none (no device).",
        valueName: "source"))
    var rng: String = "seeded"

    @Option(name: .long, help: ArgumentHelp(
        "How the PLIC turns device interrupt lines into requests: qemu (the default: a request each time a device raises its line, none on completion, as QEMU 7.2's virt PLIC) or spec (the PLIC specification's level gateway: a completion makes a new request while the line is still high).",
        valueName: "qemu|spec"))
    var plicGateway: PLIC.Gateway = .qemu

    func validate() throws {
        for text in drive {
            do { _ = try DriveSpec.parse(text) } catch { throw ValidationError(error.description) }
        }
        guard let source = RNGSpec.parse(rng) else {
            throw ValidationError("--rng takes seeded, seed=N, host or none (got '\(rng)')")
        }
        let slots = VirtMemoryMap.virtioSlots - (source == nil ? 0 : 1)
        guard drive.count <= slots else {
            throw ValidationError("at most \(slots) --drive options \(source == nil ? "" : "with the entropy device (--rng none frees its slot) ")(got \(drive.count))")
        }
    }

    /// Puts the drives and the entropy source in `configuration`. Every image must open
    /// (for writing unless readonly or snapshot): one line on standard error and exit 66 if not.
    func apply(to configuration: inout MachineConfiguration) throws {
        configuration.drives = drive.compactMap { try? DriveSpec.parse($0) }
        configuration.rng = RNGSpec.parse(rng) ?? .seeded(EntropySource.defaultSeed)
        configuration.plicGateway = plicGateway
        for drive in configuration.drives {
            do {
                _ = try DiskImage.open(drive)
            } catch {
                FileHandle.standardError.write("pagoda: drive \(error)\n".data(using: .utf8)!)
                throw ExitCode(ExitStatus.missingKernel)
            }
        }
    }
}

extension PLIC.Gateway: ExpressibleByArgument {}
