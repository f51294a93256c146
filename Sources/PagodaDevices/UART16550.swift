/// The 16550A UART of QEMU's `virt` board: eight byte-wide registers one byte apart
/// (`reg-shift = 0`), its interrupt wired to PLIC source 10.
///
/// Register map (PC16550D data sheet, "Summary of Registers"):
///
///     offset  DLAB  read                        write
///     0       0     RBR receiver buffer         THR transmitter holding
///     1       0     IER interrupt enable        IER
///     0       1     DLL divisor latch, low      DLL
///     1       1     DLM divisor latch, high     DLM
///     2       -     IIR interrupt ident.        FCR FIFO control
///     3       -     LCR line control            LCR (bit 7 is DLAB)
///     4       -     MCR modem control           MCR
///     5       -     LSR line status             (ignored)
///     6       -     MSR modem status            (ignored)
///     7       -     SCR scratch                 SCR
///
/// Emulation choices:
/// - Transmission is instantaneous: a byte written to THR goes straight to the console
///   (or, in loopback mode, to the receiver), so THRE and TEMT always read as set.
/// - Access sizes: as in QEMU's memory-mapped 16550, an access of any size (1, 2, 4, 8)
///   reaches only the register at its offset; reads zero-extend the register's byte,
///   writes take the low byte. Offsets 8 and up are not decoded (the access faults), as
///   on QEMU where the device's region is 8 bytes long.
/// - Input is pulled from the console, never pushed: `poll()` and every read of RBR or
///   LSR move waiting console bytes into the receiver FIFO, up to its capacity (16 bytes
///   with FIFOs enabled, the single holding register without). Bytes that do not fit
///   wait in the console, so console input never overruns; `receive(_:)` models a byte
///   arriving on the line regardless of room and can.
/// - The character timeout (PC16550D, "FIFO Interrupt Mode Operation": data below the
///   trigger level and no new character for four character times) has no clock to run
///   on; here it is "the console had nothing more to give at the last pull". The FIFO
///   then reports IIR = 0xC as soon as the sender goes quiet, and data below the
///   trigger level is never stranded.
/// - Modem status: the host end of the line holds CTS, DSR and DCD asserted. In
///   loopback mode MCR drives the inputs and, as on the chip, changes set the MSR delta
///   bits and can raise the modem status interrupt (QEMU shows no deltas there).
/// - Parity, framing errors and breaks never happen; LSR bits 2-4 and 7 read 0.
public final class UART16550: MMIODevice {
    public let windowSize: UInt64 = 0x100

    private let console: ConsoleIO
    private let interrupt: InterruptLine?
    private let source: Int

    /// Baud-rate divisor, DLM:DLL. QEMU's reset value, 12, is 9600 baud at 1.8432 MHz.
    private var divisor: UInt16 = 12
    private var interruptEnable: UInt8 = 0
    private var lineControl: UInt8 = 0
    private var modemControl: UInt8 = MCR.out2
    private var scratch: UInt8 = 0
    /// The FCR bits that stick: FIFO enable, DMA mode and the receiver trigger level.
    private var fifoControl: UInt8 = 0
    private var receiveFIFO: [UInt8] = []
    private var overrun = false
    /// No character is arriving: the console ran dry at the last pull.
    private var receiverIdle = true
    /// The THR-empty interrupt condition, set when THR empties and cleared by an IIR
    /// read that reports it (PC16550D, "Interrupt Control Functions").
    private var transmitterEmptyPending = false
    /// MSR bits 4-7: the modem status inputs CTS, DSR, RI and DCD.
    private var modemInputs: UInt8 = MSR.cts | MSR.dsr | MSR.dcd
    /// MSR bits 0-3: changes of the inputs since MSR was last read.
    private var modemDeltas: UInt8 = 0
    /// The level last driven on the interrupt line.
    public private(set) var interruptAsserted = false
    /// The interrupt IIR reported when the line was last updated.
    private var lastIdentification = InterruptIdentification.none

    /// A UART that writes to and reads from `console`, raising `source` on `interrupt`.
    public init(console: ConsoleIO, interrupt: InterruptLine?, source: Int = 10) {
        self.console = console
        self.interrupt = interrupt
        self.source = source
    }

    // MARK: - Bus interface

    public func read(offset: UInt64, size: Int) -> UInt64? {
        guard MMIOAccess.isNaturallyAligned(offset: offset, size: size), offset < 8 else { return nil }
        return UInt64(readRegister(Int(offset)))
    }

    public func write(offset: UInt64, size: Int, value: UInt64) -> Bool {
        guard MMIOAccess.isNaturallyAligned(offset: offset, size: size), offset < 8 else { return false }
        writeRegister(Int(offset), UInt8(truncatingIfNeeded: value))
        return true
    }

    // MARK: - Host side

    /// Moves waiting console input into the receiver and updates the interrupt line.
    /// The machine calls this periodically.
    public func poll() {
        pullFromConsole()
        updateInterrupt()
    }

    /// A byte arriving on the serial line. If the receiver is full the byte is an
    /// overrun (LSR.OE): with FIFOs it is lost, without them it replaces the unread byte
    /// in the holding register (PC16550D, LSR bit 1, "Overrun Error").
    public func receive(_ byte: UInt8) {
        store(byte)
        updateInterrupt(event: true)
    }

    // MARK: - Registers

    private func readRegister(_ index: Int) -> UInt8 {
        switch index {
        case 0: return divisorLatchAccess ? UInt8(truncatingIfNeeded: divisor) : readReceiverBuffer()
        case 1: return divisorLatchAccess ? UInt8(truncatingIfNeeded: divisor >> 8) : interruptEnable
        case 2: return readInterruptIdentification()
        case 3: return lineControl
        case 4: return modemControl
        case 5: return readLineStatus()
        case 6: return readModemStatus()
        default: return scratch
        }
    }

    private func writeRegister(_ index: Int, _ byte: UInt8) {
        switch index {
        case 0:
            if divisorLatchAccess {
                divisor = divisor & 0xFF00 | UInt16(byte)
            } else {
                transmit(byte)
            }
        case 1:
            if divisorLatchAccess {
                divisor = divisor & 0x00FF | UInt16(byte) << 8
            } else {
                writeInterruptEnable(byte)
            }
        case 2: writeFIFOControl(byte)
        case 3: lineControl = byte
        case 4: writeModemControl(byte)
        case 5, 6: break  // LSR and MSR are read-only here (writable only for factory test)
        default: scratch = byte
        }
    }

    /// RBR: the oldest received byte, 0 when there is none.
    private func readReceiverBuffer() -> UInt8 {
        pullFromConsole()
        let byte = receiveFIFO.isEmpty ? 0 : receiveFIFO.removeFirst()
        updateInterrupt(event: true)
        return byte
    }

    /// IIR: the highest-priority pending interrupt, with bits 6-7 set while FIFOs are
    /// enabled. Reading it clears a THR-empty interrupt it reports.
    private func readInterruptIdentification() -> UInt8 {
        let identification = pendingInterrupt
        if identification == .transmitterEmpty {
            transmitterEmptyPending = false
            updateInterrupt(event: true)
        }
        return identification.rawValue | (fifosEnabled ? IIR.fifosEnabled : 0)
    }

    /// LSR: reading it clears the overrun error.
    private func readLineStatus() -> UInt8 {
        pullFromConsole()
        var status = LSR.transmitterHoldingEmpty | LSR.transmitterEmpty
        if !receiveFIFO.isEmpty { status |= LSR.dataReady }
        if overrun { status |= LSR.overrunError }
        overrun = false
        updateInterrupt()
        return status
    }

    /// MSR: reading it clears the delta bits.
    private func readModemStatus() -> UInt8 {
        let status = modemInputs | modemDeltas
        modemDeltas = 0
        updateInterrupt()
        return status
    }

    /// THR: the byte leaves at once, so THR is empty again straight away and the
    /// THR-empty interrupt condition returns, as after any transmission.
    private func transmit(_ byte: UInt8) {
        if loopback {
            store(byte)
        } else {
            console.write(byte)
        }
        transmitterEmptyPending = true
        updateInterrupt(event: true)
    }

    /// IER: bits 0-3. Turning ETBEI on while THR is empty (always, here) sets the
    /// THR-empty condition, so enabling it interrupts at once; turning it off clears the
    /// condition (as QEMU's 16550 does: the data sheet is silent). An unchanged IER
    /// changes nothing.
    private func writeInterruptEnable(_ byte: UInt8) {
        let enable = byte & 0x0F
        let changed = enable ^ interruptEnable
        interruptEnable = enable
        if changed & IER.transmitterEmpty != 0 {
            transmitterEmptyPending = enable & IER.transmitterEmpty != 0
        }
        updateInterrupt(event: changed != 0)
    }

    /// FCR: enabling or disabling the FIFOs clears them both (PC16550D, FCR bit 0); bit 1
    /// clears the receiver FIFO, bit 2 the (always empty) transmitter FIFO.
    private func writeFIFOControl(_ byte: UInt8) {
        var command = byte
        if (command ^ fifoControl) & FCR.enable != 0 {
            command |= FCR.clearReceiver | FCR.clearTransmitter
        }
        if command & FCR.clearReceiver != 0 {
            receiveFIFO.removeAll()
        }
        fifoControl = command & (FCR.enable | FCR.dmaMode | FCR.triggerLevelMask)
        updateInterrupt(event: true)
    }

    /// MCR: bits 0-4 (DTR, RTS, OUT1, OUT2, LOOP).
    private func writeModemControl(_ byte: UInt8) {
        modemControl = byte & 0x1F
        updateModemInputs()
        updateInterrupt()
    }

    // MARK: - Receiver

    private var divisorLatchAccess: Bool { lineControl & LCR.divisorLatchAccess != 0 }
    private var fifosEnabled: Bool { fifoControl & FCR.enable != 0 }
    private var loopback: Bool { modemControl & MCR.loopback != 0 }
    private var receiverCapacity: Int { fifosEnabled ? 16 : 1 }

    /// The receiver FIFO trigger level selected by FCR bits 6-7: 1, 4, 8 or 14 bytes.
    private var triggerLevel: Int {
        switch fifoControl & FCR.triggerLevelMask {
        case 0x00: return 1
        case 0x40: return 4
        case 0x80: return 8
        default: return 14
        }
    }

    /// Moves console bytes into the receiver while there is room. In loopback mode the
    /// receiver is cut off from the line (PC16550D, MCR bit 4) and nothing arrives.
    private func pullFromConsole() {
        guard !loopback else {
            receiverIdle = true
            return
        }
        while receiveFIFO.count < receiverCapacity {
            guard let byte = console.read() else {
                receiverIdle = true
                return
            }
            receiveFIFO.append(byte)
            receiverIdle = false
        }
    }

    private func store(_ byte: UInt8) {
        if receiveFIFO.count < receiverCapacity {
            receiveFIFO.append(byte)
        } else {
            overrun = true
            if !fifosEnabled { receiveFIFO[0] = byte }
        }
        receiverIdle = false
    }

    // MARK: - Modem status

    /// In loopback mode the modem outputs drive the modem inputs: RTS to CTS, DTR to DSR,
    /// OUT1 to RI and OUT2 to DCD (PC16550D, MCR bit 4). Otherwise the host end of
    /// the line asserts CTS, DSR and DCD, as QEMU's does. Changes set the delta bits:
    /// DCTS, DDSR and DDCD on any change, TERI when RI falls.
    private func updateModemInputs() {
        var inputs: UInt8 = MSR.cts | MSR.dsr | MSR.dcd
        if loopback {
            inputs = 0
            if modemControl & MCR.rts != 0 { inputs |= MSR.cts }
            if modemControl & MCR.dtr != 0 { inputs |= MSR.dsr }
            if modemControl & MCR.out1 != 0 { inputs |= MSR.ri }
            if modemControl & MCR.out2 != 0 { inputs |= MSR.dcd }
        }
        let changed = inputs ^ modemInputs
        let fell = changed & modemInputs
        modemDeltas |= (changed & (MSR.cts | MSR.dsr | MSR.dcd)) >> 4 | (fell & MSR.ri) >> 4
        modemInputs = inputs
    }

    // MARK: - Interrupts

    /// IIR bits 0-3 for each interrupt, in the order of PC16550D's "Interrupt Control
    /// Functions".
    private enum InterruptIdentification: UInt8 {
        case none = 0x01
        case receiverLineStatus = 0x06
        case receivedDataAvailable = 0x04
        case characterTimeout = 0x0C
        case transmitterEmpty = 0x02
        case modemStatus = 0x00
    }

    /// The highest-priority enabled interrupt condition ("Interrupt Control Functions"):
    /// receiver line status, then received data (trigger level reached, or the
    /// character timeout), then THR empty, then modem status.
    private var pendingInterrupt: InterruptIdentification {
        if interruptEnable & IER.receiverLineStatus != 0, overrun {
            return .receiverLineStatus
        }
        if interruptEnable & IER.receivedData != 0, !receiveFIFO.isEmpty {
            if !fifosEnabled || receiveFIFO.count >= triggerLevel { return .receivedDataAvailable }
            if receiverIdle { return .characterTimeout }
        }
        if interruptEnable & IER.transmitterEmpty != 0, transmitterEmptyPending {
            return .transmitterEmpty
        }
        if interruptEnable & IER.modemStatus != 0, modemDeltas != 0 {
            return .modemStatus
        }
        return .none
    }

    /// Drives the interrupt line: signals it when its level changes, and signals it high
    /// again when, with the line high, the pending interrupt changes or an `event` (a
    /// byte written or received, IER or FCR written, RBR read, a THR-empty interrupt
    /// cleared by IIR) happens, where QEMU's 16550 raises its line again. Reading LSR or
    /// MSR without clearing anything signals nothing.
    private func updateInterrupt(event: Bool = false) {
        let identification = pendingInterrupt
        let level = identification != .none
        let changed = identification != lastIdentification
        lastIdentification = identification
        guard level != interruptAsserted || (level && (event || changed)) else { return }
        interruptAsserted = level
        interrupt?.setLevel(source: source, level)
    }
}

// MARK: - Register bits

private enum IER {
    static let receivedData: UInt8 = 0x01
    static let transmitterEmpty: UInt8 = 0x02
    static let receiverLineStatus: UInt8 = 0x04
    static let modemStatus: UInt8 = 0x08
}

private enum IIR {
    static let fifosEnabled: UInt8 = 0xC0
}

private enum FCR {
    static let enable: UInt8 = 0x01
    static let clearReceiver: UInt8 = 0x02
    static let clearTransmitter: UInt8 = 0x04
    static let dmaMode: UInt8 = 0x08
    static let triggerLevelMask: UInt8 = 0xC0
}

private enum LCR {
    static let divisorLatchAccess: UInt8 = 0x80
}

private enum MCR {
    static let dtr: UInt8 = 0x01
    static let rts: UInt8 = 0x02
    static let out1: UInt8 = 0x04
    static let out2: UInt8 = 0x08
    static let loopback: UInt8 = 0x10
}

private enum LSR {
    static let dataReady: UInt8 = 0x01
    static let overrunError: UInt8 = 0x02
    static let transmitterHoldingEmpty: UInt8 = 0x20
    static let transmitterEmpty: UInt8 = 0x40
}

private enum MSR {
    static let cts: UInt8 = 0x10
    static let dsr: UInt8 = 0x20
    static let ri: UInt8 = 0x40
    static let dcd: UInt8 = 0x80
}
