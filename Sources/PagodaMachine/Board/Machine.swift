#if canImport(Glibc)
import Glibc
#endif
import PagodaDevices
import PagodaDeviceTree
import PagodaLoader

/// The board: RAM, the boot ROM, the devices of the virt memory map, and the harts,
/// run in one host thread.
public final class Machine: TimeSource, HartControl {
    public let configuration: MachineConfiguration
    public let bus: Bus
    public let plic: PLIC
    public let uart: UART16550
    public private(set) var clint: CLINT!
    public private(set) var testDevice: SiFiveTest!
    public private(set) var mailbox: HartMailbox!
    public private(set) var harts: [Hart] = []
    /// The eight virtio-mmio slots (Machine+Virtio.swift).
    public internal(set) var virtio: [VirtioMMIO] = []
    /// Receives the one-line messages devices report (a broken virtqueue, a drive
    /// image that rounds down); nil writes them to standard error.
    public var onDeviceMessage: ((String) -> Void)? = nil
    /// Callbacks devices scheduled in modelled time (Machine+Events.swift).
    let deviceEvents = DeviceEvents()
    public let console: ConsoleIO
    /// The console as a terminal, if it is one (cast once: a cast per poll costs a conformance lookup).
    private let hostConsole: HostConsole?
    /// The L2 cache of the timing model, shared by every hart.
    let l2: CacheModel

    /// Why the machine stopped, once it has.
    public private(set) var stopReason: StopReason?
    /// The ELF image whose symbols describe the code (the kernel's, or a bare-metal
    /// program's), for debugging and HTIF.
    public private(set) var image: ELFImage?
    /// `--symbols`: further symbol tables naming the code translation costs are attributed to.
    public let attributionSymbols = AttributionSymbols()
    /// Where the boot images go, kept for resets.
    private var layout: BootLayout?
    public private(set) var deviceTreeAddress: UInt64 = 0
    public private(set) var deviceTree: [UInt8] = []
    var htif: HTIF?
    /// Instructions executed by every hart since power-on: retired, or ended by an
    /// exception. `--max-instructions` limits this count.
    public internal(set) var instructionsExecuted: UInt64 = 0

    /// `--check-tlb`: the stale-translation checker all harts share (nil when off).
    public let staleTranslationChecker: StaleTranslationChecker?
    /// `--shootdowns`: the TLB shootdown accounting (nil when off).
    public let shootdowns: ShootdownAccounting?

    /// Every this many instructions (in all), `onInterval` is called: the statistics time series.
    public var statisticsInterval: UInt64? = nil
    public var onInterval: ((Machine) -> Void)? = nil
    private var nextIntervalMark: UInt64 = 0
    /// The guest asked for a reset (test device 0x7777); done between batches.
    private var resetRequested = false

    /// Cycles per mtime tick (clock frequency over the 10 MHz timebase).
    let cyclesPerTick: UInt64
    /// mtime minus the time derived from cycles, after software wrote mtime.
    private var mtimeOffset: UInt64 = 0
    /// The hart running now, or whose interrupts are being looked at: time is its time.
    unowned(unsafe) var currentHart: Hart! = nil

    deinit { l2.deallocate() }

    public init(configuration: MachineConfiguration, console: ConsoleIO) {
        precondition(configuration.harts >= 1 && configuration.harts <= 64, "1 to 64 harts")
        self.configuration = configuration
        self.console = console
        hostConsole = console as? HostConsole
        staleTranslationChecker = configuration.checkTLB ? StaleTranslationChecker() : nil
        shootdowns = configuration.accountShootdowns
            ? ShootdownAccounting(harts: configuration.harts, window: configuration.shootdownWindow) : nil
        cyclesPerTick = max(1, configuration.profile.clockHz / MachineConfiguration.timebaseFrequency)
        let ram = MemoryRegion(base: VirtMemoryMap.ram, size: configuration.memorySize, writable: true)
        let rom = MemoryRegion(base: VirtMemoryMap.bootROM, size: VirtMemoryMap.bootROMSize, writable: false)
        bus = Bus(ram: ram, rom: rom)
        l2 = CacheModel(configuration.profile.l2)
        plic = PLIC(harts: configuration.harts, gateway: configuration.plicGateway)
        uart = UART16550(console: console, interrupt: plic, source: VirtMemoryMap.uartInterrupt)
        clint = CLINT(harts: configuration.harts, time: self)
        testDevice = SiFiveTest { [unowned self] request in self.powerRequest(request) }
        mailbox = HartMailbox(harts: configuration.harts, control: self)
        bus.attach(testDevice, at: VirtMemoryMap.testDevice)
        bus.attach(mailbox, at: VirtMemoryMap.hartMailbox)
        bus.attach(clint, at: VirtMemoryMap.clint)
        bus.attach(plic, at: VirtMemoryMap.plic)
        bus.attach(uart, at: VirtMemoryMap.uart)
        attachVirtioSlots()
        harts = (0..<configuration.harts).map { Hart(id: $0, machine: self, bus: bus, sharedL2: l2) }
        currentHart = harts[0]
        for hart in harts {
            hart.mmu.updatesAccessedDirty = configuration.hardwareAccessedDirty
            hart.mmu.checker = staleTranslationChecker
            hart.mmu.shootdowns = shootdowns
        }
        if let shootdowns {
            clint.onSoftwareInterruptRaised = { [unowned self] target in
                shootdowns.softwareInterruptRaised(by: self.currentHart.id, mode: self.currentHart.privilege.rawValue, target: target)
            }
        }
    }

    // MARK: Time

    /// mtime: modelled cycles divided down to the 10 MHz timebase, so guest time
    /// depends only on what the guests executed. Each hart keeps its own cycle count;
    /// the scheduler keeps them within a quantum of each other, and mtime is the time
    /// of the hart being run or looked at.
    public var mtime: UInt64 {
        get { currentHart.cycles / cyclesPerTick &+ mtimeOffset }
        set { mtimeOffset = newValue &- currentHart.cycles / cyclesPerTick }
    }

    /// Sets a hart's cycle count forward to `cycles` (it waited, or was held, meanwhile).
    private func catchUp(_ hart: Hart, to cycles: UInt64) {
        let now = hart.cycles
        if cycles > now { hart.cyclesBase &+= cycles - now }
    }

    // MARK: Releasing harts

    /// How each hart last started running (nil: held since the last reset).
    public private(set) var hartStarts: [HartStart?] = []

    public func isRunning(hart: Int) -> Bool { harts[hart].isRunning }

    /// Releases a held hart (the mailbox doorbell): M-mode at `start`, a0 = hart id, a1 = `argument`.
    public func release(hart id: Int, start: UInt64, argument: UInt64) {
        let hart = harts[id]
        guard !hart.isRunning else { return }
        hartStarts[id] = HartStart(how: .mailbox, byHart: currentHart.id, atInstruction: instructionsExecuted, address: start)
        hart.reset(pc: start)
        hart.setRegister(10, UInt64(id))
        hart.setRegister(11, argument)
        catchUp(hart, to: currentHart.cycles)
        hart.isRunning = true
    }

    // MARK: Loading

    /// The board description the device tree is generated from.
    public var board: VirtBoard {
        VirtBoard(harts: configuration.harts, memoryBase: bus.ram.base, memorySize: configuration.memorySize,
                  bootargs: configuration.bootargs, isa: "rv64imac_zicsr_zifencei_sstc_svpbmt",
                  initrd: layout?.initrd, reservedMemory: layout?.reserved ?? [])
    }

    /// The physical ranges an image may occupy.
    public var loadableRegions: [ClosedRange<UInt64>] {
        [bus.ram.base...(bus.ram.base + bus.ram.size - 1), bus.rom.base...(bus.rom.base + bus.rom.size - 1)]
    }

    /// The physical ranges an image booted with `boot(_:)` may occupy: RAM.
    public var ramRegion: [ClosedRange<UInt64>] { [bus.ram.base...(bus.ram.base + bus.ram.size - 1)] }

    /// Loads a bare-metal ELF image (entered in M-mode from the boot ROM), builds the
    /// device tree and the boot ROM, and resets every hart to the reset vector.
    public func load(_ image: ELFImage) {
        var layout = BootLayout(entry: image.entry)
        layout.placements = image.segments.map {
            BootLayout.Placement(address: $0.physicalAddress, data: $0.data, zeroLength: $0.memorySize)
        }
        install(layout, symbols: image)
    }

    /// Boots firmware, kernel and initrd the QEMU way (see `BootImages`). Throws only
    /// `BootError`, when the images do not fit in RAM or overlap each other.
    public func boot(_ images: BootImages) throws {
        var symbols: ELFImage?
        if case .elf(let image)? = images.kernel { symbols = image }
        else if case .elf(let image)? = images.firmware?.file { symbols = image }
        let layout = try BootLayout.make(images, ramBase: bus.ram.base, ramSize: bus.ram.size) { layout in
            var board = self.board
            board.initrd = layout.initrd
            board.reservedMemory = layout.reserved
            let size = board.deviceTreeBlob().count
            guard let address = board.deviceTreeAddress(blobSize: size) else { return nil }
            return address...(address + UInt64(size) - 1)
        }
        install(layout, symbols: symbols)
    }

    private func install(_ layout: BootLayout, symbols image: ELFImage?) {
        self.layout = layout
        self.image = image
        let tohost = image?.symbol(named: "tohost")?.value
        htif = tohost.map { HTIF(tohost: $0, fromhost: image?.symbol(named: "fromhost")?.value) }
        bus.watchedAddress = tohost ?? .max
        bus.onWatchedStore = { [unowned self] value in self.htifStore(value) }
        for hart in harts { hart.mmu.watchedPage = tohost.map { $0 & ~0xFFF } ?? .max }
        bus.ram.zero(bus.ram.base, length: bus.ram.size)
        reset()
    }

    /// Resets the machine: the boot ROM, the device tree and the images are loaded again
    /// and every hart goes back to its reset state. The rest of RAM keeps its contents,
    /// as on QEMU, so software can tell a reboot from a power-on.
    public func reset() {
        bus.rom.zero(bus.rom.base, length: bus.rom.size)
        let board = self.board
        deviceTree = board.deviceTreeBlob()
        deviceTreeAddress = board.deviceTreeAddress(blobSize: deviceTree.count) ?? bus.ram.base
        bus.ram.copy(deviceTree, to: deviceTreeAddress)
        let entry = layout?.entry ?? bus.ram.base
        var argument: UInt64 = 0
        if let info = layout?.dynamicInfo {
            bus.rom.copy(info.bytes, to: FirmwareDynamicInfo.address)
            argument = FirmwareDynamicInfo.address
        }
        bus.rom.copy(BootROM.image(entry: entry, dtbAddress: deviceTreeAddress, argument: argument), to: BootROM.base)
        for placement in layout?.placements ?? [] {
            let length = max(placement.zeroLength, UInt64(placement.data.count))
            guard let region = bus.memory(containing: placement.address, length: max(length, 1)) else { continue }
            region.zero(placement.address, length: length)
            region.copy(placement.data, to: placement.address)
        }
        mailbox.reset()
        resetVirtio()
        for hart in harts {
            hart.reset(pc: VirtMemoryMap.bootROM)
            hart.isRunning = hart.id == 0 || configuration.bootAllHarts
        }
        hartStarts = harts.map {
            $0.isRunning ? HartStart(how: .reset, byHart: nil, atInstruction: instructionsExecuted, address: VirtMemoryMap.bootROM) : nil
        }
        currentHart = harts[0]
        bus.reservedPages = []
        bus.codePages.dropAll()
        stopReason = nil
    }

    // MARK: Running

    /// Runs until the guest powers off, an instruction limit is reached, or nothing can
    /// ever run again.
    ///
    /// Harts are interleaved deterministically by modelled time: each turn goes to the
    /// running hart with the fewest cycles, for up to one quantum. Harts waiting in WFI
    /// keep up with the others' time and wake when an interrupt is pending.
    public func run() -> StopReason {
        var batches = 0
        var now = currentHart.cycles
        while stopReason == nil {
            var chosen: Hart?
            for hart in harts where hart.isRunning {
                if hart.waitingForInterrupt {
                    catchUp(hart, to: now)
                    currentHart = hart
                    guard hart.wakeUpPending else { continue }
                    hart.waitingForInterrupt = false
                }
                if chosen == nil || hart.cycles < chosen!.cycles { chosen = hart }
            }
            guard let hart = chosen else {
                pollDevices()
                idle()
                continue
            }
            now = hart.cycles
            currentHart = hart
            fireDueEvents()
            hart.takeInterruptIfAny()
            var budget = configuration.quantum
            if let limit = configuration.maxInstructions {
                guard instructionsExecuted < limit else { stopReason = .instructionLimit; break }
                budget = Int(min(UInt64(budget), limit - instructionsExecuted))
            }
            if let deadline = nextDeadline(for: hart), deadline > mtime {
                let cycles = (deadline - mtime) &* cyclesPerTick
                if cycles < UInt64(budget) { budget = Int(cycles) }
            }
            if let cycles = cyclesUntilNextEvent(), cycles < UInt64(budget) { budget = Int(cycles) }
            if let interval = statisticsInterval {
                if nextIntervalMark == 0 { nextIntervalMark = interval }
                budget = Int(min(UInt64(budget), nextIntervalMark &- instructionsExecuted))
            }
            instructionsExecuted &+= UInt64(hart.run(budget: max(budget, 1)))
            if performRequestedReset() {
                now = currentHart.cycles
                continue
            }
            if let interval = statisticsInterval, instructionsExecuted >= nextIntervalMark {
                onInterval?(self)
                let (mark, overflow) = (instructionsExecuted / interval + 1).multipliedReportingOverflow(by: interval)
                nextIntervalMark = overflow ? .max : mark
            }
            batches &+= 1
            if batches & 15 == 0 { pollDevices() }
        }
        return stopReason!
    }

    /// Every running hart waits: let time pass to the next timer deadline or device event,
    /// or for console input; with none of these, nothing can ever happen again.
    private func idle() {
        let running = harts.filter(\.isRunning)
        if running.isEmpty { stopReason = .deadlock; return }
        for hart in running {
            currentHart = hart
            if hart.wakeUpPending { return }
        }
        var earliest: (hart: Hart, deadline: UInt64)?
        for hart in running {
            currentHart = hart
            if let d = nextDeadline(for: hart), earliest == nil || d < earliest!.deadline { earliest = (hart, d) }
        }
        if let tick = deviceEvents.nextTick, earliest == nil || tick <= earliest!.deadline {
            passTime(untilEvent: tick, running: running)
            return
        }
        if let (hart, deadline) = earliest {
            currentHart = hart
            if deadline > mtime {
                // Everyone sleeps until then: move every waiting hart's clock to that time.
                let target = hart.cycles &+ (deadline - mtime) &* cyclesPerTick
                for h in running { catchUp(h, to: target) }
            }
            return
        }
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

    /// The earliest time at which a timer interrupt this hart has enabled can become pending.
    private func nextDeadline(for hart: Hart) -> UInt64? {
        var earliest: UInt64?
        if hart.mie & Interrupt.machineTimer.mask != 0 {
            let t = clint.mtimecmp(hart: hart.id)
            if t != .max { earliest = t }
        }
        if hart.sstcEnabled && hart.mie & Interrupt.supervisorTimer.mask != 0 && hart.stimecmp != .max {
            earliest = min(earliest ?? .max, hart.stimecmp)
        }
        return earliest
    }

    private func pollDevices() {
        uart.poll()
        if let host = hostConsole, host.quitRequested { stopReason = .quit }
    }

    // MARK: Events from devices and harts

    /// Carries out a reset the guest asked for, once the running batch has ended.
    func performRequestedReset() -> Bool {
        guard resetRequested else { return false }
        resetRequested = false
        reset()
        return true
    }

    private func powerRequest(_ request: PowerRequest) {
        switch request {
        case .pass: stopReason = .passed
        case .fail(let code): stopReason = .failed(code: code)
        case .reset: resetRequested = true  // at the end of the batch: a hart is mid-instruction
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

    // MARK: Reservations across harts

    /// A store by `hart` breaks other harts' reservations on the same 8-byte granule.
    func noteStore(by hart: Hart, physical: UInt64, length: UInt64) {
        guard !bus.reservedPages.isEmpty else { return }
        var broke = false
        for other in harts where other !== hart && other.reservation != .max {
            if other.reservation & ~7 <= physical &+ length &- 1 && physical <= other.reservation | 7 {
                other.reservation = .max
                broke = true
            }
        }
        if broke { reservationsChanged() }
    }

    /// `hart` reserved `physical` (LR). So that other harts' stores to that page are seen,
    /// their host TLB entries for the page go, and none is installed while it is reserved.
    func noteReservation(by hart: Hart, physical: UInt64) {
        guard harts.count > 1 else { return }
        let page = physical & ~0xFFF
        if bus.reservedPages.insert(page).inserted, let region = bus.memory(containing: page) {
            let host = region.hostAddress(page)
            for other in harts where other !== hart { other.mmu.storeTLB.flush(hostPage: host) }
        }
    }

    /// Recomputes the reserved pages after reservations were cleared.
    func reservationsChanged() {
        guard harts.count > 1 else { return }
        bus.reservedPages = Set(harts.compactMap { $0.reservation == .max ? nil : $0.reservation & ~0xFFF })
    }

    // MARK: Coherence of pre-decoded code

    /// A hart decoded `length` bytes at host address `host` into a block: their page
    /// becomes a code page, so no hart may keep a store host-TLB entry for it.
    func noteDecoded(host: UInt, length: UInt64) {
        let ram = bus.ram
        let offset = UInt64(host &- UInt(bitPattern: ram.host))
        guard offset < ram.size else { return }  // the boot ROM: only the debugger writes it
        let page = ram.host + Int(offset & ~0xFFF)
        if bus.codePages.mark(ram.base &+ offset, length: length) {
            for hart in harts { hart.mmu.storeTLB.flush(hostPage: page) }
        }
    }

    /// Devices that write guest RAM directly (DMA, e.g. virtio queues and buffers) call
    /// this after writing physical `[physical, physical + length)`: harts drop the
    /// pre-decoded code of those bytes, so code loaded by DMA runs as written. Writes
    /// through `Bus.write` need not call it.
    public func noteDMAWrite(physical: UInt64, length: UInt64) {
        if bus.codePages.noteWrite(physical, length: length) {
            for hart in harts { hart.batchMustEnd = true }
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
