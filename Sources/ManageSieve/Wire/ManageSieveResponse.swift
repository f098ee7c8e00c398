import NIOCore
import SASL

/// A server response, ready to be encoded.
///
/// - SeeAlso: RFC 5804 §1.2, §4 (`response-oknobye`, `response-capability`,
///   `response-getscript`, `response-listscripts`, `response-authenticate`)
public enum ManageSieveResponse: Sendable, Equatable {
    /// `OK [(code)] ["text"]`
    case ok(ManageSieveResponseCode?, String?)
    /// `NO [(code)] ["text"]`: the command failed; the session goes on.
    case no(ManageSieveResponseCode?, String?)
    /// `BYE [(code)] ["text"]`: the server is closing the connection.
    case bye(ManageSieveResponseCode?, String?)
    /// One line per capability, then `OK`: the greeting, CAPABILITY, and the re-issue after
    /// STARTTLS.
    case capabilities([ManageSieveCapability])
    /// One line per script, the active one marked `ACTIVE`, then `OK` (LISTSCRIPTS).
    case scriptList([ManageSieveScriptEntry])
    /// The script as a literal, then `OK` (GETSCRIPT).
    case script(String)
    /// A SASL server challenge: a string holding base64, alone on its line.
    case saslChallenge([UInt8])
}

extension ManageSieveResponse {
    /// Writes the response, every line ending in CRLF.
    ///
    /// Every string is quoted where it can be and a literal where it must be (a line end
    /// or NUL in it, or more than 1024 octets quoted), so no text can end a line early and
    /// forge a response. A script is always a literal, as RFC 5804 §2.9 shows it.
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .ok(let code, let text):
            Self.writeStatus("OK", code: code, text: text, into: &buffer)
        case .no(let code, let text):
            Self.writeStatus("NO", code: code, text: text, into: &buffer)
        case .bye(let code, let text):
            Self.writeStatus("BYE", code: code, text: text, into: &buffer)
        case .capabilities(let capabilities):
            for capability in capabilities {
                ManageSieveString.write(Array(capability.name.utf8), as: .serverLiteral, into: &buffer)
                if let value = capability.value {
                    buffer.writeInteger(ASCII.space)
                    ManageSieveString.write(Array(value.utf8), as: .serverLiteral, into: &buffer)
                }
                buffer.writeBytes(ManageSieveString.crlf)
            }
            Self.writeStatus("OK", code: nil, text: nil, into: &buffer)
        case .scriptList(let entries):
            for entry in entries {
                ManageSieveString.write(Array(entry.name.utf8), as: .serverLiteral, into: &buffer)
                if entry.isActive { buffer.writeString(" ACTIVE") }
                buffer.writeBytes(ManageSieveString.crlf)
            }
            Self.writeStatus("OK", code: nil, text: nil, into: &buffer)
        case .script(let script):
            // response-getscript = (sieve-script CRLF response-ok) / response-nobye
            buffer.writeString("{\(script.utf8.count)}")
            buffer.writeBytes(ManageSieveString.crlf)
            buffer.writeString(script)
            buffer.writeBytes(ManageSieveString.crlf)
            Self.writeStatus("OK", code: nil, text: nil, into: &buffer)
        case .saslChallenge(let bytes):
            ManageSieveString.write(SASLBase64.encode(bytes), as: .serverLiteral, into: &buffer)
            buffer.writeBytes(ManageSieveString.crlf)
        }
    }

    // response-ok    = "OK" [SP "(" resp-code ")"] [SP string] CRLF
    // response-nobye = ("NO" / "BYE") [SP "(" resp-code ")"] [SP string] CRLF
    private static func writeStatus(_ status: String, code: ManageSieveResponseCode?, text: String?, into buffer: inout ByteBuffer) {
        buffer.writeString(status)
        if let code {
            buffer.writeString(" (")
            code.encode(into: &buffer)
            buffer.writeString(")")
        }
        if let text {
            buffer.writeInteger(ASCII.space)
            ManageSieveString.write(Array(text.utf8), as: .serverLiteral, into: &buffer)
        }
        buffer.writeBytes(ManageSieveString.crlf)
    }
}
