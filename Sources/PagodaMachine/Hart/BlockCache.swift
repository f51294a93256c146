import PagodaISA

/// One pre-decoded instruction of a block (16 bytes): the decoded fields (rd = 0
/// redirected to the sink register), where it sits in bytes from the block's first
/// instruction, and what the timing model needs of it (see `timing`).
struct BlockEntry {
    var imm: Int32
    var raw: UInt32
    var op: Opcode
    var rd: UInt8
    var rs1: UInt8
    var rs2: UInt8
    var offset: UInt16
    /// For the timing model, worked out by the block decoder: the execution cycles
    /// beyond one of the entries before this one in the block, so the loop charges a
    /// run of the block once, when it leaves it.
    var timing: UInt16

    /// The most execution cycles a block's entries may add up to.
    static let maxBlockCycles = 0x7FFF

    /// The execution cycles beyond one of the entries before this one.
    var cyclesBefore: UInt64 { @inline(__always) get { UInt64(timing) } }

    /// An entry for `d`, the `index`th of its block, at byte `pageOffset` of its page;
    /// `predictorMask` is the branch predictor's (see `branchTarget`).
    init(_ d: DecodedInstruction, offset: UInt16, timing: UInt16 = 0, index: Int = 0, pageOffset: Int = 0, predictorMask: UInt64 = 0) {
        let imm: Int32
        if BlockEntry.isBranch(d.op) {
            // The target from the block's first instruction (within two pages of it, so
            // it fits 16 bits), and the predictor's counter above it.
            let target = UInt32(UInt16(truncatingIfNeeded: Int(Int16(bitPattern: offset)) + Int(d.imm)))
            let counter = predictorMask < 2048 ? UInt32(truncatingIfNeeded: UInt64(pageOffset >> 1) & predictorMask) : 0
            imm = Int32(bitPattern: target | counter << 16)
        } else {
            imm = d.imm
        }
        // A conditional branch keeps only its length bits; the others hold its place
        // and its link.
        self.imm = imm
        raw = BlockEntry.isBranch(d.op) ? d.raw & 3 | UInt32(truncatingIfNeeded: index + 1) << 3 : d.raw
        op = d.op
        // A conditional branch writes no register: its rd bits are its immediate's.
        rd = BlockEntry.isBranch(d.op) ? 32 : d.rd
        rs1 = d.rs1
        rs2 = d.rs2
        self.offset = offset
        self.timing = timing
    }

    static func isBranch(_ op: Opcode) -> Bool {
        switch op {
        case .beq, .bne, .blt, .bge, .bltu, .bgeu: return true
        default: return false
        }
    }

    /// A conditional branch's raw bits hold, above its two length bits: in bit 2, that
    /// its target is on its own page (so the block there, named by host address, is the
    /// same whatever the translation); in bits 3 to 9, its index from the block's first
    /// instruction (after the first line-fetch entry, with timing on) plus one (the
    /// entries run when it is taken); in bits 10 and up, the target block's
    /// arena index plus one once the loop has found that block. Links live as long as
    /// the arena: entries are never rewritten until the blocks are all dropped.
    static let linkableBit: UInt32 = 4

    var linkable: Bool { @inline(__always) get { raw & BlockEntry.linkableBit != 0 } }

    /// For a conditional branch: the entries from the block's first instruction up to
    /// and including it.
    var branchRan: Int { @inline(__always) get { Int(truncatingIfNeeded: raw >> 3 & 0x7F) } }

    /// For a conditional branch, with timing on: its target is on an instruction-cache
    /// line that every run of its block reaching it has fetched and left the most
    /// recent of its set (the branch's own line, or one before it from the block's
    /// first), so fetching it again changes nothing (rd, which branches do not write,
    /// holds 1 then, and 32 otherwise).
    var targetFetchedInRun: Bool { @inline(__always) get { rd == 1 } }

    /// The arena index of the block the branch is linked to, if any.
    var linkedBlock: Int? {
        @inline(__always) get { raw >= 1 << 10 ? Int(truncatingIfNeeded: raw >> 10) &- 1 : nil }
    }

    /// Links a conditional branch, or an exit entry, to the block at arena `index`.
    mutating func link(to index: Int) {
        if op == .jal { imm = Int32(truncatingIfNeeded: index + 1); return }
        raw = raw & 0x3FF | UInt32(truncatingIfNeeded: index + 1) << 10
    }

    /// An exit entry after straight-line code that goes on on the same page (the block
    /// ended at its longest), not after an instruction that
    /// ends blocks: the block there may be run without a lookup. (rs2 = 1 marks it;
    /// the exit entries of cut blocks have 0.)
    var exitLinkable: Bool { @inline(__always) get { rs2 != 0 } }

    /// For a linkable exit entry: the arena index of the block it is linked to, if any
    /// (in imm, plus one).
    var linkedExit: Int? { @inline(__always) get { imm != 0 ? Int(truncatingIfNeeded: imm) &- 1 : nil } }

    /// The instruction's length in bytes (2 for the compressed ones).
    var length: UInt16 { raw & 3 == 3 ? 4 : 2 }
    /// Where the next instruction sits.
    var next: UInt16 { offset &+ length }

    /// The entry after a block's last instruction: leaves the block with pc at `offset`
    /// (a jal of length 0 with raw bits 0, which no real jal has; not an instruction).
    static func exit(offset: UInt16, cyclesBefore: UInt64 = 0) -> BlockEntry {
        BlockEntry(imm: 0, raw: 0, op: .jal, rd: 32, rs1: 0, rs2: 0, offset: offset, timing: UInt16(truncatingIfNeeded: cyclesBefore))
    }

    private init(imm: Int32, raw: UInt32, op: Opcode, rd: UInt8, rs1: UInt8, rs2: UInt8, offset: UInt16, timing: UInt16) {
        self.imm = imm
        self.raw = raw
        self.op = op
        self.rd = rd
        self.rs1 = rs1
        self.rs2 = rs2
        self.offset = offset
        self.timing = timing
    }

    /// With timing on, a block's first entry, and the entry before each of its
    /// instructions on another instruction-cache line than the one before: the loop
    /// fetches that line (`line`, the host address shifted right by the line size's
    /// bits, held in imm and raw) through the cache model as it enters the block (the
    /// first, which it does not run: the block's instructions start after it) or as it
    /// runs the entry. Not an instruction (a fence with rd 0, which no real entry has:
    /// rd = 0 is the sink register, 32); `cyclesBefore` is that of the instruction after
    /// it; rs1 holds `firstWay`, the index of the line's set's first way among all the
    /// cache's ways (set times ways), if below 256 (for the loop specialised to the
    /// standard geometry, whose L1I has 256 ways in all).
    static func lineFetch(offset: UInt16, cyclesBefore: UInt64, line: UInt64, firstWay: Int) -> BlockEntry {
        var e = exit(offset: offset, cyclesBefore: cyclesBefore)
        e.op = .fence
        e.rd = 0
        e.rs1 = UInt8(truncatingIfNeeded: firstWay)
        e.imm = Int32(truncatingIfNeeded: line)
        e.raw = UInt32(truncatingIfNeeded: line >> 32)
        return e
    }
}

/// What the inner loop reads of an entry, converted for use.
extension UnsafeMutablePointer where Pointee == BlockEntry {
    var rd: Int { @inline(__always) get { Int(pointee.rd) } }
    var rs1: Int { @inline(__always) get { Int(pointee.rs1) } }
    var rs2: Int { @inline(__always) get { Int(pointee.rs2) } }
    var imm: UInt64 { @inline(__always) get { UInt64(bitPattern: Int64(pointee.imm)) } }
    /// A conditional branch's target, in bytes from its block's first instruction (the
    /// low 16 bits of its imm).
    var branchTarget: UInt64 { @inline(__always) get { UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: pointee.imm))) } }
    /// A conditional branch's counter in a predictor of at most 2048 counters (the high
    /// 16 bits of its imm): the pc's bits from 1 up, which are its page offset's, so
    /// the block's host address fixes them.
    var predictorIndex: Int { @inline(__always) get { Int(truncatingIfNeeded: UInt32(bitPattern: pointee.imm) >> 16) } }
    /// Where the instruction sits from the block's first one (negative after a jump
    /// back that the block follows).
    var offset: UInt64 { @inline(__always) get { UInt64(bitPattern: Int64(Int16(bitPattern: pointee.offset))) } }
    /// A jal the block follows: the next entry is its target (marked by rs1 = 1, which
    /// jal does not otherwise use).
    var isFollowedJump: Bool { @inline(__always) get { pointee.rs1 != 0 } }
    /// Whether this is a block's exit entry.
    var isExit: Bool { @inline(__always) get { pointee.op == .jal && pointee.raw == 0 } }
    /// Whether this is a line-fetch entry (see `BlockEntry.lineFetch`).
    var isLineFetch: Bool { @inline(__always) get { pointee.op == .fence && pointee.rd == 0 } }
    /// A line-fetch entry's line: imm its low 32 bits, raw its high. (Two loads: one of
    /// the 8 bytes together runs markedly slower on the host, though fewer instructions.)
    var fetchLine: UInt64 { @inline(__always) get { UInt64(UInt32(bitPattern: pointee.imm)) | UInt64(pointee.raw) &<< 32 } }
    /// A line-fetch entry's `firstWay` (see `BlockEntry.lineFetch`).
    var fetchFirstWay: Int { @inline(__always) get { Int(pointee.rs1) } }
    var length: UInt64 { @inline(__always) get { UInt64(pointee.length) } }
    /// The entry as a decoded instruction, for the slow paths.
    var decoded: DecodedInstruction {
        let p = pointee
        return DecodedInstruction(raw: p.raw, op: p.op, rd: p.rd, rs1: p.rs1, rs2: p.rs2, imm: p.imm,
                                  length: UInt8(truncatingIfNeeded: p.length))
    }
}

/// A slot of the block table: the block whose first instruction is at host address
/// `host` (0 for none), its entries and how many instructions they hold. The host
/// address names the code bytes themselves, so the block serves any virtual address
/// that reaches them.
struct BlockSlot {
    var host: UInt
    var entries: UnsafeMutablePointer<BlockEntry>
    var count: Int
    /// With timing on, where the line-fetch entries are among the entries after the
    /// first: bit i for the entry i after it (a block has fewer than 64 entries).
    var lineFetches: UInt64 = 0
}

/// One hart's pre-decoded blocks: straight-line code up to a jump, a system instruction
/// or the end of a page, through conditional branches (a taken one leaves the block), decoded once and then run without fetching or
/// decoding again.
///
/// The table is direct-mapped by `pc`; a slot is valid for a fetch when its host address
/// is the fetch's, so a change of translation (satp, privilege, sfence.vma,
/// which all flush the fetch host TLB) needs no invalidation of its own: the same
/// virtual address reaching other memory simply misses. Changes to the code bytes are
/// caught by `CodePages`, which drops every block through the epoch.
final class BlockCache {
    static let slots = 1 << 14
    static let slotMask = UInt64(slots - 1)
    static let arenaEntries = 1 << 20
    /// The longest block; a block never crosses a page either.
    static let maxLength = 64

    let table: UnsafeMutablePointer<BlockSlot>
    let entries: UnsafeMutablePointer<BlockEntry>
    /// Where an instruction fetched outside blocks is decoded, to run as a block of one
    /// (and its exit entry).
    let single: UnsafeMutablePointer<BlockEntry>
    /// A block the budget cut short (see `cut`): the entry replaced by an exit entry,
    /// and what it held.
    private var cutEntry: UnsafeMutablePointer<BlockEntry>?
    private var cutSaved = BlockEntry.exit(offset: 0)
    /// Arena entries in use.
    var used = 0
    /// The `CodePages` epoch the blocks were decoded in.
    var epoch: UInt64 = 0

    nonisolated(unsafe) private static let emptySlot = BlockSlot(host: 0, entries: placeholder, count: 0)
    /// What empty slots point at; never run, since no fetch has host address 0.
    nonisolated(unsafe) private static let placeholder = UnsafeMutablePointer<BlockEntry>.allocate(capacity: 1)

    init() {
        table = .allocate(capacity: BlockCache.slots)
        table.initialize(repeating: BlockCache.emptySlot, count: BlockCache.slots)
        // The arena is left as the host gave it (untouched pages cost nothing): an entry
        // is written by the decoder before anything reads it. Only `single` and its exit
        // entry are set up now.
        entries = .allocate(capacity: BlockCache.arenaEntries + 2)
        single = entries + BlockCache.arenaEntries
        single.initialize(repeating: BlockEntry.exit(offset: 0), count: 2)
    }

    /// Makes `block` end after its first `count` instructions (fewer than it has) until
    /// `restore()`: the entry after them (the next instruction, or the line-fetch entry
    /// before it, which then does not fetch) becomes an exit entry to where that
    /// instruction sits (after a followed jump, that is the jump's target). Runs of the
    /// block in the meantime stop there too, and go on from that pc through the lookup,
    /// which is correct, only slower. Links are followed only with a whole block's worth
    /// of budget left, so none leads into a cut block before the batch ends. `block` is
    /// where the instructions start, `lineFetches` where the line-fetch entries are from
    /// there (see `BlockSlot`).
    @inline(never)
    func cut(_ block: UnsafeMutablePointer<BlockEntry>, instructions count: Int, lineFetches: UInt64) {
        restore()
        // The first entry with `count` instructions before it: `count` plus the
        // line-fetch entries before it (a fixed point, reached from below).
        var index = count
        while true {
            let before = index >= 64 ? lineFetches : lineFetches & (1 &<< UInt64(index) &- 1)
            let next = count &+ before.nonzeroBitCount
            if next == index { break }
            index = next
        }
        let at = block + index
        cutSaved = at.pointee
        at.pointee = BlockEntry.exit(offset: cutSaved.offset, cyclesBefore: cutSaved.cyclesBefore)
        cutEntry = at
    }

    /// Undoes `cut`, if a block is cut.
    @inline(never)
    func restore() {
        if let at = cutEntry {
            at.pointee = cutSaved
            cutEntry = nil
        }
    }

    deinit {
        table.deallocate()
        entries.deallocate()
    }

    func clear() {
        table.update(repeating: BlockCache.emptySlot, count: BlockCache.slots)
        used = 0
        cutEntry = nil  // its entry is no block's any more
    }

    /// Whether an instruction ends a block: it always transfers control, or it may
    /// change translation, privilege, interrupt state or the code itself. A conditional
    /// branch does not: the block goes on with the instruction after it, and a taken
    /// branch leaves the block there.
    static func endsBlock(_ op: Opcode) -> Bool {
        switch op {
        case .jal, .jalr,
             .ecall, .ebreak, .mret, .sret, .wfi, .sfenceVMA, .fenceI,
             .csrrw, .csrrs, .csrrc, .csrrwi, .csrrsi, .csrrci, .illegal:
            return true
        default:
            return false
        }
    }
}

extension Hart {
    /// Decodes the block starting at `pc`, whose first byte is at host address `host` on a
    /// cached code page, into `slot`; marks its bytes as code. Returns false, doing
    /// nothing, when no code page is `cached` (then `host` is no real address).
    @inline(never)
    func buildBlock(_ slot: UnsafeMutablePointer<BlockSlot>, pc: UInt64, host: UInt, cached: Bool) -> Bool {
        guard cached else { return false }
        if blocks.used + BlockCache.maxLength + 1 > BlockCache.arenaEntries { blocks.clear() }
        let first = blocks.used
        let start = Int(pc & 0xFFF)
        let page = UnsafeRawPointer(bitPattern: host &- UInt(start))!
        var offset = start
        var count = 0  // entries
        var fetchMask: UInt64 = 0  // the line-fetch entries after the first (see `BlockSlot`)
        var cycles = 0
        var ended = false  // by an instruction that ends blocks
        let core = timing.core
        let timed = timingEnabled
        func lineOf(_ offset: Int) -> UInt { (UInt(bitPattern: page) &+ UInt(offset)) &>> UInt(core.l1iShift) }
        let l1i = timing.profile.l1i, sets = UInt(CacheModel.sets(l1i))
        func fetchEntry(_ line: UInt, offset: Int, cyclesBefore: Int) -> BlockEntry {
            BlockEntry.lineFetch(offset: UInt16(truncatingIfNeeded: offset), cyclesBefore: UInt64(cyclesBefore), line: UInt64(line),
                                 firstWay: Int(line & (sets - 1)) &* l1i.ways)
        }
        var line = lineOf(start)  // the instruction-cache line of the code so far
        // Whether a run of the block that has reached `line` has fetched the line at
        // `offset` and left it the most recent of its set: a run fetches every line
        // from its first to `line`, in order, and those lines are in distinct sets
        // while they are fewer than the sets.
        func fetchedInRun(_ offset: Int) -> Bool {
            let l = lineOf(offset)
            return l >= lineOf(start) && l <= line && line - l < sets
        }
        if timed {
            blocks.entries[first] = fetchEntry(line, offset: 0, cyclesBefore: 0)
            count = 1
        }
        var low = start, high = start  // the bytes decoded (a jump followed may go back)
        // An instruction at 0xFFE may continue on the next page: it stays out of blocks.
        while count < BlockCache.maxLength && offset <= 0xFFC {
            var raw = page.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            if raw & 3 != 3 { raw &= 0xFFFF }
            var d = Hart.cacheEntry(for: raw)
            let extra = Int(truncatingIfNeeded: core.extraCycles[Int(d.op.rawValue)])
            // A block's cycles must fit its entries' field: the block ends before one
            // that would not (the profile keeps each instruction's within it).
            if count > 0 && cycles + extra > BlockEntry.maxBlockCycles { break }
            // With timing on, where the code goes on on another instruction-cache line
            // (only straight on: followed jumps stay on their line), an entry that
            // fetches it, if the instruction fits after it.
            if timed && lineOf(offset) != line {
                if count + 1 >= BlockCache.maxLength { break }
                line = lineOf(offset)
                blocks.entries[first + count] = fetchEntry(line, offset: offset - start, cyclesBefore: cycles)
                fetchMask |= 1 << UInt64(count - 1)
                count += 1
            }
            let timing = UInt16(truncatingIfNeeded: cycles)
            cycles += extra
            low = min(low, offset)
            high = max(high, offset + Int(d.length))
            // A jal to the same page is followed: the block goes on at its target.
            let target = offset + Int(d.imm)
            let targetOnPage = target >= 0 && target <= 0xFFC
            let follow = d.op == .jal && targetOnPage && count + 1 < BlockCache.maxLength && (!timed || lineOf(target) == line)
            if follow { d.rs1 = 1 }
            // (Counted from the first instruction's entry, after the first line-fetch entry.)
            var entry = BlockEntry(d, offset: UInt16(truncatingIfNeeded: offset - start), timing: timing, index: count - (timed ? 1 : 0),
                                   pageOffset: offset, predictorMask: core.predictor.mask)
            if BlockEntry.isBranch(d.op) && targetOnPage {
                entry.raw |= BlockEntry.linkableBit
                if timed && fetchedInRun(target) { entry.rd = 1 }
            }
            blocks.entries[first + count] = entry
            count += 1
            offset = follow ? target : offset + Int(d.length)
            if !follow && BlockCache.endsBlock(d.op) { ended = true; break }
        }
        var exit = BlockEntry.exit(offset: UInt16(truncatingIfNeeded: offset - start), cyclesBefore: UInt64(cycles))
        if !ended && offset <= 0xFFC { exit.rs2 = 1 }
        blocks.entries[first + count] = exit
        blocks.used += count + 1
        let fetches = timed ? 1 + fetchMask.nonzeroBitCount : 0
        slot.pointee = BlockSlot(host: host, entries: blocks.entries + first, count: count - fetches, lineFetches: fetchMask)
        machine.noteDecoded(host: UInt(bitPattern: page) &+ UInt(low), length: UInt64(high - low))
        return true
    }

    /// Drops the blocks if code was written since they were decoded.
    @inline(__always)
    func checkBlockEpoch() {
        let epoch = bus.codePages.epoch
        if _slowPath(blocks.epoch != epoch) {
            blocks.clear()
            blocks.epoch = epoch
        }
    }
}
