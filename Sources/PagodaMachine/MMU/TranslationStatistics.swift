/// What a hart's address translation did, as the statistics report it.
public struct TranslationStatistics: Sendable {
    /// Translated lookups that hit in the host-side cache without reaching the model
    /// (each is a modelled L1 hit: the host cache only holds pages the L1 TLB holds).
    public var fastFetchHits: UInt64 = 0
    public var fastDataHits: UInt64 = 0
    public var pageWalks: UInt64 = 0
    public var pteReads: UInt64 = 0
    /// Of those, the ones read by walks for loads, stores and atomics (not fetches).
    public var dataPTEReads: UInt64 = 0
    public var walkCycles: UInt64 = 0
    /// Page faults (causes 12, 13, 15) raised by translation, by cause.
    public var pageFaults: [UInt64: UInt64] = [:]
    /// Of those, the ones raised by base/limit bound checks.
    public var baseLimitFaults: UInt64 = 0
    /// sfence.vma executed, by form: all, asid (rs1 = x0), address (rs2 = x0), address+asid.
    public var sfenceAll: UInt64 = 0
    public var sfenceASID: UInt64 = 0
    public var sfenceAddress: UInt64 = 0
    public var sfenceAddressASID: UInt64 = 0

    public var totalPageFaults: UInt64 { pageFaults.values.reduce(0, +) }
}
