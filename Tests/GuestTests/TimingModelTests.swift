import Foundation
import PagodaDevices
import PagodaLoader
@testable import PagodaMachine
import XCTest

/// The timing model's counts add up: every fetch is an L1I hit or miss, every data
/// access an L1D hit or miss, and the cycles are one per instruction plus the
/// breakdown plus the page walks, however the loop charged them (a block at a time,
/// lines and branches filtered before the models). guests/priv/timing_cycles checks
/// the cycles a guest reads inside a block.
final class TimingModelTests: XCTestCase {
    private func machine(_ path: String, maxInstructions: UInt64?, profile: MachineProfile = .default) throws -> Machine {
        let url = GuestRunner.buildDirectory.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.path) else { throw XCTSkip("guests not built: run `make -C guests` first") }
        var configuration = MachineConfiguration()
        configuration.timing = true
        configuration.profile = profile
        configuration.maxInstructions = maxInstructions
        let machine = Machine(configuration: configuration, console: BufferConsole())
        machine.load(try ELFLoader.load(path: url.path, allowedRegions: machine.loadableRegions))
        return machine
    }

    private func run(_ path: String, maxInstructions: UInt64) throws -> Machine {
        let m = try machine(path, maxInstructions: maxInstructions)
        _ = m.run()
        return m
    }

    /// Instruction costs so large that a block's sum would not fit its entries: blocks
    /// end early, and the cycles are those of running one instruction at a time.
    func testCostlyInstructionsStayExact() throws {
        var profile = MachineProfile.default
        profile.cycles.alu = 5000
        profile.cycles.load = 32768
        XCTAssertNil(profile.problem)
        let limited = try machine("bench/crc32.elf", maxInstructions: 20_000, profile: profile)
        XCTAssertEqual(limited.run(), .instructionLimit)
        let stepped = try machine("bench/crc32.elf", maxInstructions: nil, profile: profile)
        for _ in 0..<20_000 { stepped.step(stepped.harts[0]) }
        let a = limited.harts[0], b = stepped.harts[0]
        XCTAssertEqual(a.instructionsRetired, 20_000)
        XCTAssertEqual(a.pc, b.pc)
        XCTAssertEqual(a.cycles, b.cycles)
        XCTAssertGreaterThan(a.cycles, 20_000 * 1000)
        profile.cycles.load = 32769
        XCTAssertNotNil(profile.problem, "an instruction's cost must fit a block's sum")
    }

    func testCountsAddUp() throws {
        for guest in ["bench/crc32.elf", "bench/matmul.elf", "bench/coremark_like.elf"] {
            let m = try run(guest, maxInstructions: 2_000_000)
            let hart = m.harts[0], t = hart.timing
            // No traps in these: every instruction fetched retired.
            XCTAssertEqual(t.l1iHits &+ t.l1iMisses, hart.instructionsRetired, guest)
            let data = hart.loopCounters.pointee.fastDataAccesses
            XCTAssertGreaterThan(data, 100_000, guest)
            XCTAssertEqual(t.l1dHits(fastAccesses: data) &+ t.l1dMisses, data &+ t.core.l1d.accesses, guest)
            XCTAssertGreaterThan(t.l1dMisses, 0, guest)
            let b = t.breakdown
            XCTAssertEqual(b.branchMispredictions, t.mispredictions * UInt64(t.profile.cycles.branchMispredict), guest)
            XCTAssertGreaterThan(hart.loopCounters.pointee.conditionalBranches, t.mispredictions, guest)
            XCTAssertEqual(hart.cycles, hart.instructionsRetired &+ b.total &+ hart.mmu.statistics.walkCycles, guest)
            XCTAssertEqual(hart.loopCounters.pointee.executionInFlight, 0, "charged when the batch ended")
            XCTAssertEqual(hart.loopCounters.pointee.executionCharged, 0, "in the breakdown when the batch ended")
        }
    }

    /// Blocks that run through several instruction-cache lines fetch each line through
    /// the model where the code reaches it, and a long run through linked blocks (where
    /// fetches of lines a block's run has just fetched are skipped) models exactly what
    /// stepping one instruction at a time does (each step a block of one, looked up and
    /// fetched on its own): the same cycles, cache and predictor counts. With an L1I of
    /// eight lines, so that the guests' loops miss in it; with the standard profile; and
    /// with an L1I of two lines (two sets of one way), where every line fetched matters.
    func testBlocksAcrossLinesFetchAsSteps() throws {
        var eightLines = MachineProfile.default
        eightLines.l1i = MachineProfile.Cache(sizeBytes: 512, ways: 2, lineBytes: 64, hitCycles: 0)
        XCTAssertNil(eightLines.problem)
        var twoLines = MachineProfile.default
        twoLines.l1i = MachineProfile.Cache(sizeBytes: 128, ways: 1, lineBytes: 64, hitCycles: 0)
        XCTAssertNil(twoLines.problem)
        let loops = ["bench/branchy_mix.elf", "bench/coremark_like.elf", "bench/sort_ints.elf", "bench/matmul.elf"]
        var twoLineMisses: UInt64 = 0
        for (profile, guests, limit) in [(eightLines, ["bench/coremark_like.elf", "bench/dhrystone_like.elf"], 300_000),
                                         (MachineProfile.default, loops, 30_000), (twoLines, loops, 30_000)] {
            for guest in guests {
                let limited = try machine(guest, maxInstructions: UInt64(limit), profile: profile)
                XCTAssertEqual(limited.run(), .instructionLimit, guest)
                let stepped = try machine(guest, maxInstructions: nil, profile: profile)
                for _ in 0..<limit { stepped.step(stepped.harts[0]) }
                let a = limited.harts[0], b = stepped.harts[0]
                XCTAssertEqual(a.instructionsRetired, b.instructionsRetired, guest)
                XCTAssertEqual(a.pc, b.pc, guest)
                XCTAssertEqual(a.timing.l1iMisses, b.timing.l1iMisses, guest)
                XCTAssertEqual(a.timing.l1iHits, b.timing.l1iHits, guest)
                XCTAssertEqual(a.timing.l1dMisses, b.timing.l1dMisses, guest)
                XCTAssertEqual(a.timing.breakdown, b.timing.breakdown, guest)
                XCTAssertEqual(a.cycles, b.cycles, guest)
                XCTAssertEqual(a.loopCounters.pointee.conditionalBranches, b.loopCounters.pointee.conditionalBranches, guest)
                XCTAssertEqual(a.timing.mispredictions, b.timing.mispredictions, guest)
                XCTAssertGreaterThan(a.loopCounters.pointee.conditionalBranches, 1_000, guest)
                if profile == eightLines { XCTAssertGreaterThan(a.timing.l1iMisses, 100, guest) }
                if profile == twoLines { twoLineMisses += a.timing.l1iMisses }
            }
        }
        // Lines that the runs fetch and lose again (coremark_like's calls, mostly).
        XCTAssertGreaterThan(twoLineMisses, 200)
    }

    /// The loop specialised to the standard geometry (constant shifts and masks) and the
    /// loop for any geometry count the same, to the cycle, on guests with branches,
    /// loads and stores, traps and page tables.
    func testStandardAndGenericLoopsAgree() throws {
        XCTAssertEqual(TimingGeometry(MachineProfile.default), .standard)
        // The shapes the specialised loop is compiled for are the default profile's L1s.
        let p = MachineProfile.default
        for (shape, cache) in [((StandardL1D.sets, StandardL1D.ways), p.l1d), ((StandardL1I.sets, StandardL1I.ways), p.l1i)] {
            XCTAssertTrue(shape == (CacheModel.sets(cache), cache.ways))
        }
        XCTAssertTrue(try machine("bench/crc32.elf", maxInstructions: 1).harts[0].timing.standardGeometry)
        for guest in ["bench/crc32.elf", "bench/sort_ints.elf", "bench/strings_lists.elf", "bench/sv39_walk_bench.elf"] {
            var counts: [[UInt64]] = []
            for generic in [false, true] {
                let m = try machine(guest, maxInstructions: 1_500_000)
                for hart in m.harts { hart.genericTiming = generic }
                _ = m.run()
                let hart = m.harts[0], t = hart.timing, b = t.breakdown
                counts.append([hart.instructionsRetired, hart.cycles, b.execution, b.branchMispredictions,
                               b.instructionFetch, b.dataAccess, b.traps, t.l1iHits, t.l1iMisses, t.l1dMisses,
                               hart.loopCounters.pointee.conditionalBranches, t.mispredictions])
            }
            XCTAssertEqual(counts[0], counts[1], guest)
            XCTAssertGreaterThan(counts[0][10], 10_000, guest)
        }
    }

    /// A profile of another geometry (smaller lines, fewer sets, a smaller predictor)
    /// runs the generic loop, and its counts add up as the standard one's do.
    func testOtherGeometryCountsAddUp() throws {
        var profile = MachineProfile.default
        profile.l1d = MachineProfile.Cache(sizeBytes: 8 << 10, ways: 2, lineBytes: 32, hitCycles: 0)
        profile.l1i = MachineProfile.Cache(sizeBytes: 4 << 10, ways: 2, lineBytes: 32, hitCycles: 0)
        profile.branchPredictorEntries = 64
        XCTAssertNil(profile.problem)
        XCTAssertNotEqual(TimingGeometry(profile), .standard)
        let small = try machine("bench/matmul.elf", maxInstructions: 1_000_000, profile: profile)
        _ = small.run()
        let standard = try run("bench/matmul.elf", maxInstructions: 1_000_000)
        let hart = small.harts[0], t = hart.timing
        XCTAssertFalse(t.standardGeometry)
        XCTAssertEqual(t.l1iHits &+ t.l1iMisses, hart.instructionsRetired)
        let data = hart.loopCounters.pointee.fastDataAccesses
        XCTAssertEqual(t.l1dHits(fastAccesses: data) &+ t.l1dMisses, data &+ t.core.l1d.accesses)
        XCTAssertEqual(hart.cycles, hart.instructionsRetired &+ t.breakdown.total &+ hart.mmu.statistics.walkCycles)
        // A quarter of the data cache misses more.
        XCTAssertGreaterThan(t.l1dMisses, standard.harts[0].timing.l1dMisses)
    }

    /// An L1D with every line in one set: the least recently used way is the one evicted,
    /// whatever order the hits came in.
    func testLRUAcrossWays() {
        let cache = CacheModel(MachineProfile.Cache(sizeBytes: 4 * 64, ways: 4, lineBytes: 64, hitCycles: 0))
        defer { cache.deallocate() }
        for line in UInt64(0)..<4 { XCTAssertFalse(cache.access(line: line)) }
        XCTAssertTrue(cache.access(line: 0))   // order, most recent first: 0 3 2 1
        XCTAssertTrue(cache.access(line: 2))   // 2 0 3 1
        XCTAssertFalse(cache.access(line: 4))  // evicts 1: 4 2 0 3
        XCTAssertTrue(cache.access(line: 3))   // 3 4 2 0
        XCTAssertFalse(cache.access(line: 1))  // evicts 0: 1 3 4 2
        XCTAssertTrue(cache.access(line: 2))
        XCTAssertFalse(cache.access(line: 0))  // evicts 4
        XCTAssertFalse(cache.access(line: 4))
        XCTAssertEqual(cache.misses, 8)
        XCTAssertEqual(cache.hits, 4)
    }
}
