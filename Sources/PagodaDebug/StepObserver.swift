import PagodaMachine

/// Watches a machine that is run one instruction at a time (`RunControl`): told before
/// and after each instruction a hart executes, and of every trap. The tracer is one.
protocol StepObserver: AnyObject {
    /// `hart` is about to execute the instruction at its pc (pending interrupts taken
    /// already); `count` instructions have been executed so far, by all harts.
    func willStep(_ hart: Hart, count: UInt64)
    /// The step is over: `executed` is false when nothing ran.
    func didStep(_ hart: Hart, executed: Bool)
    /// A trap was taken (interrupts have bit 63 of `cause` set); the hart is at the handler.
    func trapTaken(_ hart: Hart, cause: UInt64, value: UInt64, epc: UInt64, count: UInt64)
}
