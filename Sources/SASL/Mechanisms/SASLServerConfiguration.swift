/// What every `SASLServer` of one server process shares: built once at start-up.
public struct SASLServerConfiguration: Sendable {
    /// How the protocol carries SCRAM's server-final message, the "additional data with
    /// success" of RFC 4422 §5.
    public enum SuccessData: Sendable, Equatable {
        /// In the positive reply itself: `succeed(finalData:)` carries it.
        case withOutcome
        /// As one more challenge, which the client answers with an empty response; then
        /// `succeed(finalData: nil)`. For protocols whose success reply has no room for data.
        case asChallenge
    }

    /// The host name in CRAM-MD5 challenges (`<nonce@host>`, RFC 2195 §2).
    public let challengeHost: String
    /// The secret behind the decoy salts shown for unknown SCRAM users.
    public let scramDecoyKey: ScramDecoyKey
    /// The iteration count shown for unknown SCRAM users; set it to what real accounts
    /// carry, or the count itself tells the two apart.
    public let scramDecoyIterations: Int
    public let successData: SuccessData

    /// Nil when `challengeHost` is not 1 to 255 printable ASCII characters without `<`, `>`,
    /// `@` or `,`, or `scramDecoyIterations` is outside what stored credentials may have.
    public init?(
        challengeHost: String,
        scramDecoyKey: ScramDecoyKey,
        scramDecoyIterations: Int = ScramCredentials.defaultIterations,
        successData: SuccessData = .withOutcome
    ) {
        guard ChallengeToken.isValid(challengeHost),
            ScramCredentials.iterationRange.contains(scramDecoyIterations)
        else { return nil }
        self.challengeHost = challengeHost
        self.scramDecoyKey = scramDecoyKey
        self.scramDecoyIterations = scramDecoyIterations
        self.successData = successData
    }
}
