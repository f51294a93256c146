import ArgumentParser
import Foundation
import PagodaDevices
import PagodaLoader
import PagodaMachine

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Boot a bare-metal program, or firmware and a kernel, on the emulated machine.",
        discussion: """
            pagoda run PROGRAM.elf: the program's PT_LOAD segments are placed at their \
            physical addresses; the boot ROM at 0x1000 enters it in M-mode with a0 = hart \
            id and a1 = the device tree address.

            pagoda run --kernel FILE [--bios FILE|pagoda|none] [--initrd FILE] [--append TEXT]: \
            as QEMU's virt board. The firmware (default: Pagoda's own SBI firmware) is \
            placed at RAM base (an ELF at its physical addresses) and entered in M-mode \
            with a0 = hart id, a1 = the device tree and a2 = an OpenSBI fw_dynamic_info \
            naming the kernel's entry. The kernel is a RISC-V Linux Image (placed at RAM \
            base + its text_offset), an ELF, or a raw binary (at RAM base + 2 MiB, or at \
            RAM base with --bios none, when the kernel is entered in M-mode itself).

            Console output goes to standard output; standard input feeds the UART \
            (Ctrl-A x quits when it is a terminal).

            Exit status: the guest's own (0 on success, the low byte of its failure code), \
            or: 64 bad command line, 65 an image that cannot be loaded (not a loadable \
            RISC-V ELF, or too large for RAM, or overlapping another; a --symbols file that is \
            not a RISC-V executable with symbols), 66 an image file \
            (or a --drive disk image, or a --symbols file) missing or unreadable, 124 instruction limit reached, 125 deadlock (every hart \
            waits for an interrupt that cannot come), 130 quit from the console.
            """
    )

    @Option(name: .long, help: ArgumentHelp("RAM size, e.g. 128M or 1G (4 KiB multiple, 1 MiB to 16 GiB).", valueName: "size"))
    var memory: ByteSize = ByteSize(argument: "128M")!

    @Option(name: .long, help: ArgumentHelp("Number of harts (1 to 64).", valueName: "n"))
    var harts: Int = 1

    @Flag(name: .long, help: "Start every hart at the reset vector (as on QEMU's virt board) instead of holding harts 1...N-1 until the hart mailbox releases them.")
    var bootAllHarts = false

    @Option(name: .long, help: ArgumentHelp("Instructions a hart runs per turn when harts are interleaved (1 to 1000000). Default 2000.", valueName: "n"))
    var quantum: Int = 2_000

    @Option(name: .long, help: ArgumentHelp("Stop after this many instructions in all (exit status 124).", valueName: "n"))
    var maxInstructions: UInt64?

    @Option(name: .long, help: ArgumentHelp("An S-mode kernel: a RISC-V Linux Image, an ELF or a raw binary, started by the firmware.", valueName: "file"))
    var kernel: String?

    @Option(name: .long, help: ArgumentHelp("M-mode firmware run before the kernel: an ELF or raw binary at RAM base, 'pagoda' (Pagoda's SBI firmware, the default with --kernel) or 'none' (the boot ROM enters the kernel in M-mode).", valueName: "file|pagoda|none"))
    var bios: String?

    @Option(name: .long, help: ArgumentHelp("An initial ramdisk, placed as QEMU places it and named in /chosen (linux,initrd-start and -end).", valueName: "file"))
    var initrd: String?

    @Option(name: [.customLong("append"), .customLong("bootargs")], help: ArgumentHelp("Kernel command line for the device tree's /chosen/bootargs (--bootargs is another name for it).", valueName: "text"))
    var append: String = ""

    @Option(name: .long, help: ArgumentHelp("Write statistics as JSON to this file when the machine stops.", valueName: "file"))
    var stats: String?

    @Option(name: .long, help: ArgumentHelp("With --stats: also write a time series, one JSON object per line every N instructions, to the stats file with the extension .jsonl.", valueName: "n"))
    var statsInterval: UInt64?

    @Option(name: .long, help: ArgumentHelp("Instruction TLB of each hart: ENTRIES[:WAYS[:lru|fifo|random]] (WAYS defaults to ENTRIES: fully associative). Default 32.", valueName: "shape"))
    var itlb: String = "32"

    @Option(name: .long, help: ArgumentHelp("Data TLB of each hart, as --itlb. Default 32.", valueName: "shape"))
    var dtlb: String = "32"

    @Option(name: .long, help: ArgumentHelp("Second-level TLB shared by each hart's ITLB and DTLB, as --itlb; 0 for none. Default 0.", valueName: "shape"))
    var l2tlb: String = "0"

    @Option(name: .long, help: ArgumentHelp("Modelled cycles per page-table entry read during a walk. Default 20.", valueName: "n"))
    var walkCycles: UInt64 = 20

    @Flag(name: .long, help: "Raise a page fault when a walk finds A clear (or D clear on a store) instead of setting it (Svade).")
    var svade = false

    @Flag(name: .long, help: "Warn (on stderr, and in --stats) when a modelled TLB hit uses a translation that no longer matches the page tables in memory and no sfence.vma covered the change: once per ASID and page, with the pc of the use and of the store that changed the PTE. Slow: every access takes the translation slow path.")
    var checkTLB = false

    @Flag(name: .long, help: "With --stats: break TLB accesses, misses, walks, PTE reads, walk cycles and page faults down by hart, privilege mode, ASID, pc and function (the booted ELF's symbols, and those of --symbols).")
    var attribute = false

    @Flag(name: .long, help: "With --stats: account for TLB shootdowns (SBI RFENCE calls, and IPIs followed by sfence.vma on the target): per initiating and target hart, the count, the form of fence, the entries removed and the refill misses that followed, with their walk cycles.")
    var shootdowns = false

    @Option(name: .long, help: ArgumentHelp("Refill misses count within N instructions retired by the target after its fence (implies --shootdowns). Default 100000.", valueName: "n"))
    var shootdownWindow: UInt64?

    @Option(name: .long, help: ArgumentHelp("With --attribute: another ELF whose symbols name the functions costs are attributed to (repeatable). FILE@ASID applies it only under that ASID (a user program; decimal or 0x hex), FILE@FIRST-LAST under those ASIDs; FILE@+OFFSET or FILE@-OFFSET shifts its symbols by OFFSET (code running away from its link address). A Linux vmlinux needs no suffix when booting its Image. Exit status 66 if the file is missing, 65 if it is not a RISC-V executable with symbols, 64 for a bad suffix.", valueName: "file[@asid[-asid]|@+offset]"))
    var symbols: [String] = []

    @Option(name: .long, help: ArgumentHelp("The cycle-approximate timing model: on, or off for the fastest, purely functional mode (one cycle per instruction). Default on.", valueName: "on|off"))
    var timing: Toggle = .on

    @Option(name: .long, help: ArgumentHelp("Machine profile for the timing model (JSON; tools/machine-profile.json is the default, written out).", valueName: "file"))
    var profile: String?

    @OptionGroup(title: "Devices")
    var deviceOptions: DeviceOptions

    @OptionGroup(title: "Debugging")
    var debugOptions: DebugOptions

    @Argument(help: ArgumentHelp("A bare-metal ELF64 RISC-V program to boot in M-mode (instead of --kernel/--bios).", valueName: "program"))
    var program: String?

    func validate() throws {
        let size = memory.bytes
        guard size % 4096 == 0, size >= 1 << 20, size <= 16 << 30 else {
            throw ValidationError("--memory must be a multiple of 4 KiB between 1M and 16G (got \(size) bytes)")
        }
        guard (1...64).contains(harts) else { throw ValidationError("--harts must be between 1 and 64 (got \(harts))") }
        for (name, shape) in [("--itlb", itlb), ("--dtlb", dtlb), ("--l2tlb", l2tlb)] where TLBConfiguration(parsing: shape) == nil {
            throw ValidationError("\(name) must be ENTRIES[:WAYS[:lru|fifo|random]] with ENTRIES a multiple of WAYS and a power-of-two number of sets (got '\(shape)')")
        }
        if statsInterval != nil && stats == nil { throw ValidationError("--stats-interval needs --stats FILE") }
        if !symbols.isEmpty && !attribute { throw ValidationError("--symbols needs --attribute") }
        if let n = statsInterval, n == 0 { throw ValidationError("--stats-interval must be at least 1") }
        guard (1...1_000_000).contains(quantum) else { throw ValidationError("--quantum must be between 1 and 1000000 (got \(quantum))") }
        if let n = shootdownWindow, n == 0 { throw ValidationError("--shootdown-window must be at least 1") }
        if let n = maxInstructions, n == 0 { throw ValidationError("--max-instructions must be at least 1") }
        if program != nil && (kernel != nil || bios != nil || initrd != nil) {
            throw ValidationError("give either a bare-metal PROGRAM or --kernel/--bios/--initrd, not both")
        }
        if program == nil && kernel == nil && bios == nil {
            throw ValidationError("nothing to boot: give a bare-metal PROGRAM.elf, or --kernel FILE (and optionally --bios, --initrd)")
        }
        if initrd != nil && kernel == nil { throw ValidationError("--initrd needs --kernel FILE") }
        if bios == "none" && kernel == nil { throw ValidationError("--bios none needs --kernel FILE") }
    }

    func run() throws {
        var configuration = MachineConfiguration()
        configuration.memorySize = memory.bytes
        configuration.maxInstructions = maxInstructions
        configuration.bootargs = append
        configuration.harts = harts
        configuration.bootAllHarts = bootAllHarts
        configuration.quantum = quantum
        configuration.itlb = TLBConfiguration(parsing: itlb)!
        configuration.dtlb = TLBConfiguration(parsing: dtlb)!
        configuration.l2tlb = TLBConfiguration(parsing: l2tlb)!
        configuration.walkCyclesPerLevel = walkCycles
        configuration.timing = timing == .on
        if let path = profile {
            do {
                configuration.profile = try MachineProfile.load(path: path)
            } catch {
                FileHandle.standardError.write("pagoda: \(error)\n".data(using: .utf8)!)
                throw ExitCode(ExitStatus.usage)
            }
        }
        configuration.hardwareAccessedDirty = !svade
        configuration.checkTLB = checkTLB
        configuration.attributeTranslation = attribute
        configuration.accountShootdowns = shootdowns || shootdownWindow != nil
        if let n = shootdownWindow { configuration.shootdownWindow = n }
        try deviceOptions.apply(to: &configuration)

        let tables = try symbolTables()
        let console = HostConsole()
        let machine = Machine(configuration: configuration, console: console)
        tables.forEach(machine.attributionSymbols.add)
        do {
            if let program {
                machine.load(try ELFLoader.load(path: program, allowedRegions: machine.loadableRegions))
            } else {
                try machine.boot(try bootImages(for: machine))
            }
        } catch let error as LoaderError {
            console.restore()
            FileHandle.standardError.write("pagoda: \(error.message)\n".data(using: .utf8)!)
            throw ExitCode(error.kind == .fileUnreadable ? ExitStatus.missingKernel : ExitStatus.badKernel)
        } catch let error as BootError {
            console.restore()
            FileHandle.standardError.write("pagoda: \(error.message)\n".data(using: .utf8)!)
            throw ExitCode(ExitStatus.badKernel)
        }
        machine.staleTranslationChecker?.onFinding = { finding in
            FileHandle.standardError.write((finding.message + "\n").data(using: .utf8)!)
        }
        var series: FileHandle?
        if let interval = statsInterval, let path = stats {
            let seriesPath = (path as NSString).deletingPathExtension + ".jsonl"
            guard FileManager.default.createFile(atPath: seriesPath, contents: nil), let handle = FileHandle(forWritingAtPath: seriesPath) else {
                console.restore()
                FileHandle.standardError.write("pagoda: cannot write the statistics series to \(seriesPath)\n".data(using: .utf8)!)
                throw ExitCode(ExitStatus.usage)
            }
            series = handle
            machine.statisticsInterval = interval
            machine.onInterval = { machine in
                if let line = try? StatisticsReport(machine: machine).json(pretty: false) {
                    handle.write(line)
                    handle.write(Data([0x0A]))
                }
            }
        }
        let reason = try debugOptions.run(machine)
        machine.flushDrives()
        try? series?.close()
        console.flush()
        console.restore()
        if let path = stats {
            do {
                try StatisticsReport(machine: machine).json().write(to: URL(fileURLWithPath: path))
            } catch {
                FileHandle.standardError.write("pagoda: cannot write statistics to \(path): \(error)\n".data(using: .utf8)!)
            }
        }
        switch reason {
        case .passed: throw ExitCode(ExitStatus.guestPassed)
        case .failed(let code): throw ExitCode(ExitStatus.guestFailed(code))
        case .instructionLimit:
            FileHandle.standardError.write("pagoda: \(reason)\n".data(using: .utf8)!)
            throw ExitCode(ExitStatus.instructionLimit)
        case .deadlock:
            FileHandle.standardError.write("pagoda: \(reason)\n".data(using: .utf8)!)
            throw ExitCode(ExitStatus.deadlock)
        case .quit: throw ExitCode(ExitStatus.quit)
        }
    }
}

extension RunCommand {
    /// The `--symbols` tables, read; a bad one ends the run with one line on stderr.
    func symbolTables() throws -> [SymbolTable] {
        do throws(SymbolsSpec.Failure) {
            return try symbols.map { argument throws(SymbolsSpec.Failure) in try SymbolsSpec.parse(argument).load() }
        } catch {
            FileHandle.standardError.write("pagoda: \(error.message)\n".data(using: .utf8)!)
            throw ExitCode(error.status)
        }
    }

    /// The firmware, kernel and initrd files the options name, read and recognised.
    /// Throws `LoaderError` (a file missing, unreadable or malformed) or `BootError`.
    func bootImages(for machine: Machine) throws -> BootImages {
        let ram = machine.ramRegion
        var firmware: BootImages.Firmware?
        switch bios ?? "pagoda" {
        case "none": firmware = nil
        case "pagoda": firmware = try BootImages.Firmware.pagoda()
        case let path: firmware = BootImages.Firmware(file: try BootFile.load(path: path, allowedRegions: ram))
        }
        let kernelFile = try kernel.map { try BootFile.load(path: $0, allowedRegions: ram) }
        let initrdBytes = try initrd.map { try BootFile.contents(of: $0) }
        return BootImages(firmware: firmware, kernel: kernelFile, initrd: initrdBytes)
    }
}

/// An on/off option value.
enum Toggle: String, ExpressibleByArgument, CaseIterable {
    case on, off
}
