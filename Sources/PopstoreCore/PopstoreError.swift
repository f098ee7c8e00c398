/// The classified errors of Popstore, mapped at each edge (CLI line, POP3 `-ERR`, LMTP code).
///
/// The associated text is safe to show to the caller: it never holds a file path, a
/// password, or whether an account outside the caller's scope exists.
public enum PopstoreError: Error, Sendable, Equatable {
    /// A name, address, size or option the caller gave is not acceptable.
    case invalidInput(String)
    /// The thing asked for does not exist, or exists outside the caller's scope.
    case notFound(String)
    /// The thing to create already exists.
    case alreadyExists(String)
    /// The caller may not do this.
    case permissionDenied(String)
    /// The account is over its quota (RFC 3463 5.2.2).
    case overQuota(String)
    /// A temporary server-side problem (lock timeout, full disk): retry later.
    case temporary(String)
    /// A permanent server-side problem (corrupt file, unknown format version).
    case permanent(String)

    public var message: String {
        switch self {
        case .invalidInput(let m), .notFound(let m), .alreadyExists(let m), .permissionDenied(let m),
            .overQuota(let m), .temporary(let m), .permanent(let m):
            return m
        }
    }
}

extension PopstoreError {
    /// The text of the temporary error a full volume (ENOSPC, EDQUOT) gives.
    public static let outOfSpaceMessage = "the store is out of space"

    /// A full volume: LMTP answers `452 4.3.1` rather than `451 4.3.0`.
    public var isOutOfSpace: Bool { self == .temporary(PopstoreError.outOfSpaceMessage) }
}

extension PopstoreError: CustomStringConvertible {
    public var description: String { message }
}
