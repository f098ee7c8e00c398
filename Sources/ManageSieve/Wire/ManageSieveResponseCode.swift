import NIOCore
import SASL

/// A response code, sent in parentheses after `OK`, `NO` or `BYE` so that a client can
/// tell outcomes apart without reading human text.
///
/// - SeeAlso: RFC 5804 §1.3, §4 (`resp-code`)
public enum ManageSieveResponseCode: Sendable, Equatable {
    /// Site policy forbids this mechanism for this identity.
    case authTooWeak
    /// The mechanism may only be used under TLS (or a SASL security layer).
    case encryptNeeded
    /// The command would exceed a quota of unspecified kind.
    case quota
    /// No free script slot is left (`QUOTA/MAXSCRIPTS`).
    case quotaMaxScripts
    /// The script is larger than allowed (`QUOTA/MAXSIZE`).
    case quotaMaxSize
    /// Another server should be used: a `sieve://` URL (RFC 5804 §3).
    case referral(String)
    /// The server's final SASL data, sent base64-encoded with AUTHENTICATE's `OK`.
    case sasl([UInt8])
    /// The account's credentials must be upgraded before this mechanism works.
    case transitionNeeded
    /// A temporary server failure; the same command may work later.
    case tryLater
    /// The command is not allowed on the active script.
    case active
    /// The named script does not exist.
    case nonexistent
    /// The new name is already taken.
    case alreadyExists
    /// The script is valid but the text holds warnings for its author.
    case warnings
    /// NOOP's tag, echoed (RFC 5804 §2.13).
    case tag(String)

    // resp-code          = "AUTH-TOO-WEAK" / "ENCRYPT-NEEDED" / "QUOTA" ["/" ("MAXSCRIPTS" / "MAXSIZE")] /
    //                      resp-code-sasl / resp-code-referral / "TRANSITION-NEEDED" / "TRYLATER" /
    //                      "ACTIVE" / "NONEXISTENT" / "ALREADYEXISTS" / "WARNINGS" / "TAG" SP string
    // resp-code-sasl     = "SASL" SP string
    // resp-code-referral = "REFERRAL" SP sieveurl
    /// Writes the code without its parentheses.
    func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .authTooWeak: buffer.writeString("AUTH-TOO-WEAK")
        case .encryptNeeded: buffer.writeString("ENCRYPT-NEEDED")
        case .quota: buffer.writeString("QUOTA")
        case .quotaMaxScripts: buffer.writeString("QUOTA/MAXSCRIPTS")
        case .quotaMaxSize: buffer.writeString("QUOTA/MAXSIZE")
        case .transitionNeeded: buffer.writeString("TRANSITION-NEEDED")
        case .tryLater: buffer.writeString("TRYLATER")
        case .active: buffer.writeString("ACTIVE")
        case .nonexistent: buffer.writeString("NONEXISTENT")
        case .alreadyExists: buffer.writeString("ALREADYEXISTS")
        case .warnings: buffer.writeString("WARNINGS")
        case .referral(let url):
            buffer.writeString("REFERRAL ")
            buffer.writeBytes(Self.urlOctets(url))
        case .sasl(let bytes):
            buffer.writeString("SASL ")
            ManageSieveString.write(SASLBase64.encode(bytes), as: .serverLiteral, into: &buffer)
        case .tag(let tag):
            buffer.writeString("TAG ")
            ManageSieveString.write(Array(tag.utf8), as: .serverLiteral, into: &buffer)
        }
    }

    /// A URL is sent bare, so every octet that could end it early (space, parentheses,
    /// controls, anything outside printable ASCII) is percent-encoded.
    private static func urlOctets(_ url: String) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        for byte in url.utf8 {
            if (0x21...0x7E).contains(byte), byte != UInt8(ascii: "("), byte != UInt8(ascii: ")"), byte != UInt8(ascii: "\"") {
                output.append(byte)
            } else {
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return output
    }
}
