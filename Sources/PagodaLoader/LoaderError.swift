/// Why an executable cannot be loaded. `message` is one line naming the file.
public struct LoaderError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        case fileUnreadable
        case notELF
        case wrongClass
        case wrongEndianness
        case wrongMachine
        case notExecutable
        case truncated
        case noLoadableSegments
        case segmentOutsideMemory
        case overlappingSegments
        case malformedSegment
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
