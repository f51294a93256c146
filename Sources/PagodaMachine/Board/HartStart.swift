/// How a hart came to run: from the reset vector at power-on or reset, or released
/// through the hart mailbox by another hart.
public struct HartStart: Sendable, Equatable {
    public enum How: String, Sendable { case reset, mailbox }
    public let how: How
    /// The hart that rang the doorbell (mailbox releases).
    public let byHart: Int?
    /// The machine's instruction count (all harts, `instructions_executed`) at that moment.
    public let atInstruction: UInt64
    /// Where it started.
    public let address: UInt64
}
