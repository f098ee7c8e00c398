import Crypto

/// APOP, POP3's own challenge-response login: the greeting carries a timestamp, and the
/// client proves it knows the shared secret with MD5(timestamp + secret).
/// - SeeAlso: RFC 1939 §7
public enum APOP {
    /// The `<unique@host>` timestamp for the greeting. RFC 1939 suggests
    /// `<process-ID.clock@hostname>`; it must differ for every greeting.
    ///
    /// - Precondition: `unique` and `host` are 1 to 255 printable ASCII characters without
    ///   `,`, `<`, `>` or `@` (`SASLServerConfiguration` checks the host).
    public static func timestamp(unique: String, host: String) -> String {
        precondition(ChallengeToken.isValid(unique) && ChallengeToken.isValid(host), "APOP timestamp parts must be printable")
        return "<\(unique)@\(host)>"
    }

    /// Whether `digest` (32 hex digits, lower case as RFC 1939 asks, upper case accepted)
    /// is MD5(`timestamp` + `secret`), compared in constant time.
    ///
    /// For an unknown user or a user without a legacy secret, pass an empty `secret`: the
    /// same work is done and the answer is false.
    public static func verify(digest: String, timestamp: String, secret: String) -> Bool {
        let expected = Array(Insecure.MD5.hash(data: Array((timestamp + secret).utf8)))
        guard let presented = Hex.decode(digest.utf8), presented.count == Insecure.MD5.byteCount else {
            return false
        }
        let matches = ConstantTime.equals(expected, presented)
        return matches && !secret.isEmpty
    }
}
