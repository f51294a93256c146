import Foundation
import PagodaDevices
import PagodaLoader
import PagodaMachine
import XCTest

/// Runs guest programs built from guests/ (by `make -C guests`) on an in-process machine.
enum GuestRunner {
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    static let buildDirectory = repositoryRoot.appendingPathComponent("guests/build")

    /// The ELF files of one guest directory (isa, priv, ...), sorted by name.
    static func guests(in directory: String) throws -> [URL] {
        let dir = buildDirectory.appendingPathComponent(directory)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else {
            throw XCTSkip("guests not built: run `make -C guests` first")
        }
        return names.filter { $0.hasSuffix(".elf") }.sorted().map { dir.appendingPathComponent($0) }
    }

    struct Outcome {
        let reason: StopReason
        let output: String
        let machine: Machine
        /// Test disks made for `--drive test-pattern` (GuestDevices), in slot order.
        var disks: [URL] = []
        /// The one-line messages devices reported (a broken virtqueue ...).
        var deviceMessages: [String] = []
    }

    static func run(_ elf: URL, input: String = "", configure: (inout MachineConfiguration) -> Void = { _ in }) throws -> Outcome {
        try execute(elf, input: input, configure: configure) { machine in
            machine.load(try ELFLoader.load(path: elf.path, allowedRegions: machine.loadableRegions))
        }
    }

    /// Boots `kernel` the QEMU way (`--kernel`), under `bios`: "pagoda" (Pagoda's SBI
    /// firmware), "none" (the kernel is entered in M-mode), or a firmware file's path.
    /// PAGODA-FLAGS lines in the kernel's source apply as for `run`.
    static func runKernel(_ kernel: URL, bios: String = "pagoda", initrd: URL? = nil, input: String = "",
                          configure: (inout MachineConfiguration) -> Void = { _ in }) throws -> Outcome {
        try execute(kernel, input: input, configure: configure) { machine in
            let firmware: BootImages.Firmware?
            switch bios {
            case "none": firmware = nil
            case "pagoda": firmware = try BootImages.Firmware.pagoda()
            default: firmware = BootImages.Firmware(file: try BootFile.load(path: bios, allowedRegions: machine.ramRegion))
            }
            let images = BootImages(firmware: firmware,
                                    kernel: try BootFile.load(path: kernel.path, allowedRegions: machine.ramRegion),
                                    initrd: try initrd.map { try BootFile.contents(of: $0.path) })
            try machine.boot(images)
        }
    }

    /// Builds a machine as `program`'s PAGODA-FLAGS line and `configure` say, puts the
    /// program in it with `load`, runs it to the end and flushes its drives.
    private static func execute(_ program: URL, input: String, configure: (inout MachineConfiguration) -> Void,
                                load: (Machine) throws -> Void) throws -> Outcome {
        var configuration = MachineConfiguration()
        configuration.maxInstructions = 2_000_000_000
        Self.configure(&configuration, for: program)
        let disks = try GuestDevices.apply(flags(for: program), to: &configuration)
        configure(&configuration)
        let console = BufferConsole(input: Array(input.utf8))
        let machine = Machine(configuration: configuration, console: console)
        var messages: [String] = []
        machine.onDeviceMessage = { messages.append($0) }
        try load(machine)
        let reason = machine.run()
        machine.flushDrives()
        return Outcome(reason: reason, output: console.outputString, machine: machine, disks: disks, deviceMessages: messages)
    }

    /// What a guest is expected to end with: `exit_codeN` guests fail with N on purpose.
    static func expectedReason(for elf: URL) -> StopReason {
        let name = elf.deletingPathExtension().lastPathComponent
        if name.hasPrefix("exit_code"), let code = Int(name.dropFirst("exit_code".count)) {
            return .failed(code: code)
        }
        return .passed
    }

    /// The source file a guest was built from.
    static func source(for elf: URL) -> URL? {
        let name = elf.deletingPathExtension().lastPathComponent
        let dir = repositoryRoot.appendingPathComponent("guests").appendingPathComponent(elf.deletingLastPathComponent().lastPathComponent)
        for ext in ["c", "S"] {
            let url = dir.appendingPathComponent("\(name).\(ext)")
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        return nil
    }

    /// The command-line flags a guest asks for with a `PAGODA-FLAGS: ...` line in its
    /// source, applied to a machine configuration (--harts N, --svade, --boot-all-harts, --quantum N, --plic-gateway G,
    /// --timing on|off).
    static func configure(_ configuration: inout MachineConfiguration, for elf: URL) {
        let words = flags(for: elf)
        var i = 0
        while i < words.count {
            switch words[i] {
            case "--harts": i += 1; configuration.harts = Int(words[i]) ?? 1
            case "--svade": configuration.hardwareAccessedDirty = false
            case "--boot-all-harts": configuration.bootAllHarts = true
            case "--quantum": i += 1; configuration.quantum = Int(words[i]) ?? configuration.quantum
            case "--plic-gateway": i += 1; configuration.plicGateway = PLIC.Gateway(rawValue: words[i]) ?? .qemu
            case "--timing": i += 1; configuration.timing = words[i] == "on"
            default: break
            }
            i += 1
        }
    }

    /// The words of the guest's `PAGODA-FLAGS:` line, if it has one.
    static func flags(for elf: URL) -> [String] {
        guard let url = source(for: elf), let text = try? String(contentsOf: url, encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.contains("PAGODA-FLAGS:") })
        else { return [] }
        return line.split(separator: "PAGODA-FLAGS:")[1].split(separator: " ").map(String.init)
    }

    /// Console input a guest expects.
    static func input(for elf: URL) -> String {
        elf.deletingPathExtension().lastPathComponent == "uart_input" ? "hello\n" : ""
    }
}
