import Foundation

/// The machine profile of the timing model: clock, cycles per instruction class,
/// branch prediction, caches and memory. `tools/machine-profile.json` is the default,
/// written out; `pagoda run --profile FILE` loads another.
public struct MachineProfile: Codable, Sendable, Equatable {
    /// One cache level.
    public struct Cache: Codable, Sendable, Equatable {
        public var sizeBytes: Int
        public var ways: Int
        public var lineBytes: Int
        /// Cycles added by a hit at this level (0 for an L1 hit folded into the instruction).
        public var hitCycles: Int

        public init(sizeBytes: Int, ways: Int, lineBytes: Int, hitCycles: Int) {
            self.sizeBytes = sizeBytes
            self.ways = ways
            self.lineBytes = lineBytes
            self.hitCycles = hitCycles
        }

        enum CodingKeys: String, CodingKey {
            case sizeBytes = "size_bytes", ways, lineBytes = "line_bytes", hitCycles = "hit_cycles"
        }
    }

    /// Cycles each instruction class takes when its memory accesses hit in L1.
    public struct InstructionCycles: Codable, Sendable, Equatable {
        public var alu = 1
        public var branchNotTaken = 1
        public var branchTaken = 2
        /// Added when the branch predictor guessed wrong.
        public var branchMispredict = 4
        public var jump = 2
        public var multiply = 3
        public var divide = 20
        public var load = 2
        public var store = 1
        public var atomic = 6
        public var csr = 3
        public var fence = 4
        public var trapEntry = 10
        public var trapReturn = 6
        public var system = 4

        public init() {}

        enum CodingKeys: String, CodingKey {
            case alu, branchNotTaken = "branch_not_taken", branchTaken = "branch_taken",
                 branchMispredict = "branch_mispredict", jump, multiply, divide, load, store,
                 atomic, csr, fence, trapEntry = "trap_entry", trapReturn = "trap_return", system
        }
    }

    public var clockHz: UInt64 = 1_000_000_000
    public var cycles = InstructionCycles()
    /// Entries of the bimodal predictor's table of 2-bit counters (a power of two).
    public var branchPredictorEntries = 1024
    public var l1i = Cache(sizeBytes: 16 << 10, ways: 4, lineBytes: 64, hitCycles: 0)
    public var l1d = Cache(sizeBytes: 32 << 10, ways: 8, lineBytes: 64, hitCycles: 0)
    public var l2 = Cache(sizeBytes: 512 << 10, ways: 8, lineBytes: 64, hitCycles: 12)
    /// Cycles to fetch a line from memory after missing in L2.
    public var memoryCycles = 80

    public init() {}

    enum CodingKeys: String, CodingKey {
        case clockHz = "clock_hz", cycles, branchPredictorEntries = "branch_predictor_entries",
             l1i, l1d, l2, memoryCycles = "memory_cycles"
    }

    /// The built-in default (the same as tools/machine-profile.json).
    public static let `default` = MachineProfile()

    /// Reads a complete profile (start from tools/machine-profile.json).
    public static func load(path: String) throws -> MachineProfile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProfileError("cannot read the machine profile \(path)")
        }
        let profile: MachineProfile
        do {
            profile = try JSONDecoder().decode(MachineProfile.self, from: data)
        } catch {
            throw ProfileError("\(path): not a valid machine profile: \(error)")
        }
        if let problem = profile.problem { throw ProfileError("\(path): \(problem)") }
        return profile
    }

    /// What is wrong with the profile, if anything.
    public var problem: String? {
        for (name, c) in [("l1i", l1i), ("l1d", l1d), ("l2", l2)] {
            guard c.lineBytes >= 8, c.lineBytes <= 4096, c.lineBytes & (c.lineBytes - 1) == 0 else { return "\(name).line_bytes must be a power of two from 8 to 4096" }
            guard (1...1024).contains(c.ways), (1...(1 << 34)).contains(c.sizeBytes) else { return "\(name): ways must be 1 to 1024 and size_bytes 1 to 16 GiB" }
            guard c.ways >= 1, c.sizeBytes >= c.lineBytes * c.ways, c.sizeBytes % (c.lineBytes * c.ways) == 0 else { return "\(name): size must be a multiple of ways times line size" }
            let sets = c.sizeBytes / (c.lineBytes * c.ways)
            guard sets & (sets - 1) == 0, sets <= 1 << 20 else { return "\(name): the number of sets must be a power of two" }
            guard c.hitCycles >= 0 && c.hitCycles < 1 << 16 else { return "\(name).hit_cycles out of range" }
        }
        guard clockHz >= 10_000_000 else { return "clock_hz must be at least 10 MHz (the mtime frequency)" }
        guard branchPredictorEntries >= 1, branchPredictorEntries & (branchPredictorEntries - 1) == 0, branchPredictorEntries <= 1 << 20 else {
            return "branch_predictor_entries must be a power of two"
        }
        let c = cycles
        // What an instruction class costs is charged a block at a time, in a 15-bit sum.
        for v in [c.alu, c.branchNotTaken, c.jump, c.multiply, c.divide, c.load, c.store,
                  c.atomic, c.csr, c.fence, c.system] where v < 0 || v > 1 << 15 {
            return "instruction cycle counts must be between 0 and 32768"
        }
        for v in [c.branchTaken, c.branchMispredict, c.trapEntry, c.trapReturn, memoryCycles] where v < 0 || v > 1 << 16 {
            return "cycle counts must be between 0 and 65536"
        }
        return nil
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}

public struct ProfileError: Error, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}
