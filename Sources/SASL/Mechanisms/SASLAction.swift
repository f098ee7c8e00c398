/// What the driver of a `SASLServer` must do next.
///
/// The server does no I/O: it asks for challenges to be sent and for the store to be
/// consulted, and the driver answers each lookup with the matching event.
public enum SASLAction: Sendable, Equatable {
    /// Send a challenge (`+ ` in POP3). Raw bytes: the protocol layer base64-encodes them.
    case sendChallenge([UInt8])
    /// PLAIN, LOGIN: check `password` against the stored hash (`PasswordHash.verify`,
    /// which applies SASLprep), spending the same time on an unknown user, then call
    /// `passwordVerified(_:)`. `authzid` is nil or equal to `username`.
    case verifyPassword(username: String, authzid: String?, password: String)
    /// CRAM-MD5: open the user's legacy secret and call `legacySecretFound(_:)`, with nil
    /// for an unknown user or a user without one.
    case lookupLegacySecret(username: String)
    /// SCRAM-SHA-256: look up the user's credentials and call `scramCredentialsFound(_:canonicalUsername:)`,
    /// with nil for an unknown user. `authzid` is nil or equal to `username`.
    case lookupScramCredentials(username: String, authzid: String?)
    /// Authenticated. `finalData` is SCRAM's server-final message (`v=...`), to be sent as
    /// additional data with the positive reply (RFC 4422 §5); nil for the other mechanisms
    /// and when the configuration sends it as a challenge instead.
    case succeed(username: String, authzid: String?, finalData: [UInt8]?)
    /// Not authenticated; the exchange is over.
    case fail(SASLFailure)

    /// True for `succeed` and `fail`: nothing follows them.
    public var isTerminal: Bool {
        switch self {
        case .succeed, .fail: true
        case .sendChallenge, .verifyPassword, .lookupLegacySecret, .lookupScramCredentials: false
        }
    }
}

/// Never prints a password; challenges and final data appear as byte counts.
extension SASLAction: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        switch self {
        case .sendChallenge(let bytes):
            "sendChallenge(\(bytes.count) bytes)"
        case .verifyPassword(let username, let authzid, _):
            "verifyPassword(username: \(String(reflecting: username)), authzid: \(Self.shown(authzid)), password: redacted)"
        case .lookupLegacySecret(let username):
            "lookupLegacySecret(username: \(String(reflecting: username)))"
        case .lookupScramCredentials(let username, let authzid):
            "lookupScramCredentials(username: \(String(reflecting: username)), authzid: \(Self.shown(authzid)))"
        case .succeed(let username, let authzid, let finalData):
            "succeed(username: \(String(reflecting: username)), authzid: \(Self.shown(authzid)), "
                + "finalData: \(finalData.map { "\($0.count) bytes" } ?? "nil"))"
        case .fail(let failure):
            "fail(\(failure))"
        }
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["action": description]) }

    private static func shown(_ authzid: String?) -> String {
        authzid.map { String(reflecting: $0) } ?? "nil"
    }
}
