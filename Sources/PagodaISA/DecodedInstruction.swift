/// One instruction after decoding: the operation and its operand fields.
///
/// `raw` holds the instruction bits (16 of them for a compressed instruction, with
/// the upper half zero), `length` is 2 or 4. Register fields are architectural
/// numbers 0...31. `imm` is the sign-extended immediate; for CSR instructions it is
/// the CSR number, for shifts the shift amount. Every RISC-V immediate fits in 32 bits.
public struct DecodedInstruction: Sendable, Equatable {
    public var raw: UInt32
    public var imm: Int32
    public var op: Opcode
    public var rd: UInt8
    public var rs1: UInt8
    public var rs2: UInt8
    public var length: UInt8

    public init(raw: UInt32, op: Opcode, rd: UInt8 = 0, rs1: UInt8 = 0, rs2: UInt8 = 0, imm: Int32 = 0, length: UInt8) {
        self.raw = raw
        self.imm = imm
        self.op = op
        self.rd = rd
        self.rs1 = rs1
        self.rs2 = rs2
        self.length = length
    }

    /// Whether the instruction is 16 bits long.
    public var isCompressed: Bool { length == 2 }
}

/// The length in bytes of the instruction whose low 16 bits are `lowHalf`:
/// 4 when the two lowest bits are 11, otherwise 2 (longer encodings are not supported).
@inline(__always)
public func instructionLength(lowHalf: UInt16) -> Int {
    lowHalf & 3 == 3 ? 4 : 2
}
