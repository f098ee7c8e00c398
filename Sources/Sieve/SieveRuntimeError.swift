/// Why a run stopped without a result. RFC 5228 §2.10.6: the caller then files the
/// message as if the script had done nothing but keep it.
public struct SieveRuntimeError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// More redirects than `SieveLimits.maximumRedirects`.
        case tooManyRedirects
        /// More actions than `SieveLimits.maximumActions`.
        case tooManyActions
        /// More work than `SieveLimits.maximumSteps`.
        case stepLimitExceeded
        /// Two actions that may not be combined, such as reject and keep.
        case conflictingActions
        /// A value computed at run time that the command cannot use, such as a bad address.
        case invalidArgument
        /// An `include` that could not be done: script missing or not compiling,
        /// recursion, or more than `SieveLimits.maximumIncludes` or
        /// `SieveLimits.maximumIncludeDepth` (RFC 6609 §3.2).
        case includeFailed
        /// The script's own `error` command (RFC 5463 §5); the message is the script's.
        case scriptError
    }

    public var kind: Kind
    public var location: SourceLocation
    public var message: String

    public var description: String { "\(location): \(message)" }
}
