#if canImport(Glibc)
import Glibc
#endif
import PagodaDevices
import PagodaDeviceTree
import PagodaLoader

/// The board: RAM, the boot ROM, the devices of the virt memory map, and the harts,
/// run in one host thread.
public final class Machine: TimeSource {
    public let configuration: MachineConfiguration
    public let bus: Bus
    public let plic: PLIC
    public let uart: UART16550
    public private(set) var clint: CLINT!
    public private(set) var testDevice: SiFiveTest!
    public private(set) var harts: [Hart] = []
    public let console: ConsoleIO

    /// Why the machine stopped, once it has.
    public private(set) var stopReason: StopReason?
    /// The image loaded, kept for resets and for debugging (symbols).
    public private(set) var image: ELFImage?
    public private(set) var deviceTreeAddress: UInt64 = 0
    public private(set) var deviceTree: [UInt8] = []
    var htif: HTIF?
    /// Instructions retired by every hart since power-on.
    public internal(set) var instructionsExecuted: UInt64 = 0

    /// Every this many instructions (in all), `onInterval` is called: the statistics time series.
    public var statisticsInterval: UInt64? = nil
    public var onInterval: ((Machine) -> Void)? = nil
    private var nextIntervalMark: UInt64 = 0

    /// Cycles per mtime tick (clock frequency over the 10 MHz timebase).
    let cyclesPerTick: UInt64
    /// mtime minus the time derived from cycles, after software wrote mtime.
    private var mtimeOffset: UInt64 = 0

    public init(configuration: MachineConfiguration, console: ConsoleIO) {
        precondition(configuration.harts >= 1 && configuration.harts <= 64, "1 to 64 harts")
        self.configuration = configuration
        self.console = console
        cyclesPerTick = max(1, configuration.clockFrequency / MachineConfiguration.timebaseFrequency)
        let ram = MemoryRegion(base: VirtMemoryMap.ram, size: configuration.memorySize, writable: true)
        let rom = MemoryRegion(base: VirtMemoryMap.bootROM, size: VirtMemoryMap.bootROMSize, writable: false)
        bus = Bus(ram: ram, rom: rom)
        plic = PLIC(harts: configuration.harts)
        uart = UART16550(console: console, interrupt: plic, source: VirtMemoryMap.uartInterrupt)
        clint = CLINT(harts: configuration.harts, time: self)
        testDevice = SiFiveTest { [unowned self] request in self.powerRequest(request) }
        bus.attach(testDevice, at: VirtMemoryMap.testDevice)
        bus.attach(clint, at: VirtMemoryMap.clint)
        bus.attach(plic, at: VirtMemoryMap.plic)
        bus.attach(uart, at: VirtMemoryMap.uart)
        harts = (0..<configuration.harts).map { Hart(id: $0, machine: self, bus: bus) }
        for hart in harts { hart.mmu.updatesAccessedDirty = configuration.hardwareAccessedDirty }
    }

    // MARK: Time

    /// mtime: modelled cycles of hart 0 divided down to the 10 MHz timebase, so guest
    /// time depends only on what the guest executed.
    public var mtime: UInt64 {
        get { harts[0].cycles / cyclesPerTick &+ mtimeOffset }
        set { mtimeOffset = newValue &- harts[0].cycles / cyclesPerTick }
    }

    // MARK: Loading

    /// The board description the device tree is generated from.
    public var board: VirtBoard {
        VirtBoard(harts: configuration.harts, memoryBase: bus.ram.base, memorySize: configuration.memorySize,
                  bootargs: configuration.bootargs, isa: "rv64imac_zicsr_zifencei_sstc")
    }

    /// The physical ranges an image may occupy.
    public var loadableRegions: [ClosedRange<UInt64>] {
        [bus.ram.base...(bus.ram.base + bus.ram.size - 1), bus.rom.base...(bus.rom.base + bus.rom.size - 1)]
    }

    /// Loads an ELF image, builds the device tree and the boot ROM, and resets every hart
    /// to the reset vector.
    public func load(_ image: ELFImage) {
        self.image = image
        let tohost = image.symbol(named: "tohost")?.value
        htif = tohost.map { HTIF(tohost: $0, fromhost: image.symbol(named: "fromhost")?.value) }
        bus.watchedAddress = tohost ?? .max
        bus.onWatchedStore = { [unowned self] value in self.htifStore(value) }
        for hart in harts { hart.mmu.watchedPage = tohost.map { $0 & ~0xFFF } ?? .max }
        reset()
    }

    /// Puts the machine in its power-on state with the loaded image in memory.
    public func reset() {
        bus.ram.zero(bus.ram.base, length: bus.ram.size)
        bus.rom.zero(bus.rom.base, length: bus.rom.size)
        let board = self.board
        deviceTree = board.deviceTreeBlob()
        deviceTreeAddress = board.deviceTreeAddress(blobSize: deviceTree.count) ?? bus.ram.base
        bus.ram.copy(deviceTree, to: deviceTreeAddress)
        let entry = image?.entry ?? bus.ram.base
        bus.rom.copy(BootROM.image(entry: entry, dtbAddress: deviceTreeAddress), to: BootROM.base)
        if let image {
            for segment in image.segments {
                guard let region = bus.memory(containing: segment.physicalAddress, length: max(segment.memorySize, 1)) else { continue }
                region.zero(segment.physicalAddress, length: segment.memorySize)
                region.copy(segment.data, to: segment.physicalAddress)
            }
        }
        for hart in harts { hart.reset(pc: VirtMemoryMap.bootROM) }
        stopReason = nil
    }

    // MARK: Running

    /// Runs until the guest powers off, an instruction limit is reached, or nothing can
    /// ever run again.
    public func run() -> StopReason {
        var batches = 0
        while stopReason == nil {
            var ranAny = false
            for hart in harts {
                if hart.waitingForInterrupt {
                    guard hart.wakeUpPending else { continue }
                    hart.waitingForInterrupt = false
                }
                hart.takeInterruptIfAny()
                var budget = configuration.quantum
                if let limit = configuration.maxInstructions {
                    guard instructionsExecuted < limit else { stopReason = .instructionLimit; break }
                    budget = Int(min(UInt64(budget), limit - instructionsExecuted))
                }
                if let deadline = nextDeadline(), deadline > mtime {
                    let cycles = (deadline - mtime) &* cyclesPerTick
                    if cycles < UInt64(budget) { budget = Int(cycles) }
                }
                if let interval = statisticsInterval {
                    if nextIntervalMark == 0 { nextIntervalMark = interval }
                    budget = Int(min(UInt64(budget), nextIntervalMark &- instructionsExecuted))
                }
                instructionsExecuted &+= UInt64(hart.run(budget: max(budget, 1)))
                if let interval = statisticsInterval, instructionsExecuted >= nextIntervalMark {
                    onInterval?(self)
                    nextIntervalMark = (instructionsExecuted / interval + 1) * interval
                }
                ranAny = true
                if stopReason != nil { break }
            }
            batches &+= 1
            if batches & 15 == 0 || !ranAny { pollDevices() }
            if !ranAny && stopReason == nil { idle() }
        }
        return stopReason!
    }

    /// Every hart waits: let time pass to the next timer deadline, or for console input.
    private func idle() {
        if harts.contains(where: { $0.wakeUpPending }) { return }
        if let deadline = nextDeadline(), deadline > mtime {
            let cycles = (deadline - mtime) &* cyclesPerTick
            for hart in harts { hart.cyclesBase &+= cycles }
            return
        }
        if nextDeadline() != nil { return }
        if console.mayReceiveInput {
            usleepForInput()
        } else {
            stopReason = .deadlock
        }
    }

    private func usleepForInput() {
        var request = timespec(tv_sec: 0, tv_nsec: 1_000_000)
        nanosleep(&request, nil)
    }

    /// The earliest time at which a timer interrupt can become pending for a hart that
    /// has it enabled.
    private func nextDeadline() -> UInt64? {
        var earliest: UInt64?
        for hart in harts {
            if hart.mie & Interrupt.machineTimer.mask != 0 {
                let t = clint.mtimecmp(hart: hart.id)
                if t != .max { earliest = min(earliest ?? .max, t) }
            }
            if hart.sstcEnabled && hart.mie & Interrupt.supervisorTimer.mask != 0 && hart.stimecmp != .max {
                earliest = min(earliest ?? .max, hart.stimecmp)
            }
        }
        return earliest
    }

    private func pollDevices() {
        uart.poll()
        if let host = console as? HostConsole, host.quitRequested { stopReason = .quit }
    }

    // MARK: Events from devices and harts

    private func powerRequest(_ request: PowerRequest) {
        switch request {
        case .pass: stopReason = .passed
        case .fail(let code): stopReason = .failed(code: code)
        case .reset: reset()
        }
        for hart in harts { hart.batchMustEnd = true }
    }

    private func htifStore(_ value: UInt64) {
        guard let htif else { return }
        switch htif.handle(value, bus: bus, console: { [console] in console.write($0) }) {
        case .none: break
        case .exit(let code): stopReason = code == 0 ? .passed : .failed(code: code)
        }
        for hart in harts { hart.batchMustEnd = true }
    }

    /// A store by `hart` breaks other harts' reservations on the same 8-byte granule.
    func noteStore(by hart: Hart, physical: UInt64, length: UInt64) {
        guard harts.count > 1 else { return }
        for other in harts where other !== hart && other.reservation != .max {
            if other.reservation & ~7 <= physical &+ length &- 1 && physical <= other.reservation | 7 {
                other.reservation = .max
            }
        }
    }

    /// Called on every trap (hart, cause as in mcause, tval, epc): the tracer hooks in here.
    public var onTrap: ((Hart, UInt64, UInt64, UInt64) -> Void)? = nil

    func traceTrap(hart: Hart, cause: UInt64, value: UInt64, epc: UInt64) {
        onTrap?(hart, cause, value, epc)
    }

    func pollDevicesNow() { pollDevices() }
    func idleNow() { idle() }
}
