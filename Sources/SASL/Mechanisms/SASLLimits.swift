/// Every bound a SASL exchange enforces, each with its reason.
public enum SASLLimits {
    /// The longest client response, in octets after base64 decoding.
    ///
    /// A DoS protection mechanism: nothing longer reaches a parser. PLAIN needs at most 767
    /// octets (three fields of up to 255 octets and two NULs, RFC 4616 §2); a SCRAM
    /// message with a 255-octet name and a long nonce stays under 1 KiB.
    public static let maximumResponseByteCount = 2048

    /// The longest authentication or authorization identity, in octets.
    ///
    /// RFC 4616 §2 requires a server to accept 255; Popstore names are far shorter
    /// (`NameRules`), so a longer one cannot exist and is refused before any lookup.
    public static let maximumUsernameByteCount = 255

    /// The longest server nonce (SCRAM's s-nonce, the unique part of a CRAM-MD5 challenge
    /// or APOP timestamp) and challenge host name, in octets. Random nonces are 24 to 41
    /// octets; a DNS name is at most 253.
    public static let maximumChallengeTokenByteCount = 255
}
