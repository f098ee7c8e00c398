/// Checks an authentication or authorization identity taken from a client message.
enum SASLIdentity {
    /// The identity as a string: valid UTF-8, 1 to `SASLLimits.maximumUsernameByteCount`
    /// octets, no control characters. RFC 4616 forbids only NUL, but no Popstore name has a
    /// control character, and refusing them keeps CR and LF out of logs.
    static func parse(_ bytes: some Collection<UInt8>) -> String? {
        guard (1...SASLLimits.maximumUsernameByteCount).contains(bytes.count),
            !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }),
            let name = String(validating: bytes, as: UTF8.self)
        else { return nil }
        guard !name.unicodeScalars.contains(where: { (0x80...0x9F).contains($0.value) }) else { return nil }
        return name
    }

    /// A password from PLAIN or LOGIN: valid UTF-8, not empty, no NUL (RFC 4616 §2 `passwd`).
    /// Everything else is SASLprep's business when the driver verifies it.
    static func parsePassword(_ bytes: some Collection<UInt8>) -> String? {
        guard !bytes.isEmpty, !bytes.contains(0) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    /// An authorization identity is acceptable only when absent or equal to the
    /// authentication identity (RFC 4422 §3.4.1; Popstore has no proxy users).
    static func permits(authzid: String?, for username: String) -> Bool {
        guard let authzid else { return true }
        return Array(authzid.utf8) == Array(username.utf8)
    }
}
