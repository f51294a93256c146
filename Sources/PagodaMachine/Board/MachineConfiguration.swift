import PagodaDevices

/// What a machine is built with: everything the command line can choose.
public struct MachineConfiguration: Sendable {
    /// RAM size in bytes (a multiple of 4 KiB).
    public var memorySize: UInt64 = 128 << 20
    /// Number of harts.
    public var harts: Int = 1
    /// The kernel command line placed in the device tree's /chosen node.
    public var bootargs: String = ""
    /// Run the cycle-approximate timing model (false: one cycle per instruction, plus walks).
    public var timing = true
    /// The timing model's machine profile; its clock sets how cycles map to mtime ticks.
    public var profile = MachineProfile.default
    /// Instructions a hart runs in one turn before the machine looks at interrupts and
    /// devices again and lets the next hart run.
    public var quantum: Int = 2_000
    /// Start every hart at the reset vector (as QEMU's virt board does) instead of holding
    /// all but hart 0 until the mailbox releases them.
    public var bootAllHarts = false
    /// Stop after this many instructions in all (nil: no limit).
    public var maxInstructions: UInt64? = nil
    /// Set A and D in page-table entries during walks (false: fault instead, Svade).
    public var hardwareAccessedDirty = true

    /// How the PLIC turns device interrupt levels into requests (`PLIC.Gateway`).
    public var plicGateway: PLIC.Gateway = .qemu

    /// The modelled TLBs of each hart.
    public var itlb = TLBConfiguration(entries: 32, ways: 32, policy: .lru)
    public var dtlb = TLBConfiguration(entries: 32, ways: 32, policy: .lru)
    /// The shared second-level TLB (0 entries: none).
    public var l2tlb = TLBConfiguration(entries: 0, ways: 1, policy: .lru)
    /// Modelled cycles per PTE read during a page walk.
    public var walkCyclesPerLevel: UInt64 = 20
    /// `--check-tlb`: compare every modelled TLB hit with the page tables in memory and
    /// report stale uses (`Machine.staleTranslationChecker`).
    public var checkTLB = false
    /// `--attribute`: break translation costs down by mode, ASID and pc (`MMU.attribution`).
    public var attributeTranslation = false
    /// `--shootdowns`: account for TLB shootdowns (`Machine.shootdowns`).
    public var accountShootdowns = false
    /// `--shootdown-window N`: refill misses count within this many instructions retired
    /// by the target after its fence.
    public var shootdownWindow: UInt64 = 100_000

    /// Disk images attached as virtio block devices, in virtio-mmio slots 0, 1, ...
    public var drives: [DriveConfiguration] = []
    /// The virtio entropy device's source (in the slot after the drives); nil for none.
    public var rng: EntropySource? = .seeded(EntropySource.defaultSeed)

    public init() {}

    /// The frequency of mtime and of the `time` CSR.
    public static let timebaseFrequency: UInt64 = 10_000_000
}
