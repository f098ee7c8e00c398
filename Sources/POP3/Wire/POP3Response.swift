import NIOCore
import SASL

/// A server response, ready to be encoded.
///
/// `RETR` and `TOP` are not here: their bodies come from the store already dot-stuffed, so
/// the server writes ``ok(_:)``, then the stored bytes, then ``POP3Wire/multilineTerminator``.
/// - SeeAlso: RFC 1939 §3, RFC 2449 §§3–4, RFC 5034 §4
public enum POP3Response: Sendable, Equatable {
    /// `+OK text`
    case ok(String)
    /// `-ERR [CODE] text`; the code is left out when nil.
    case error(ResponseCode?, String)
    /// `+OK text`, then each line dot-stuffed, then `.` (CAPA, LIST, UIDL, LANG).
    case multiline(String, lines: [String])
    /// `+ base64`: a SASL server challenge; `+ ` alone when empty (RFC 5034 §4).
    case saslChallenge([UInt8])
}

extension POP3Response {
    /// Writes the response, every line ending in CRLF.
    ///
    /// Text never reaches the wire as given: CR, LF and NUL become spaces, so that nothing
    /// that found its way into a reply (a client's argument, a file name) can end the line
    /// and forge another response. A status line longer than
    /// ``POP3Limits/responseLineLength`` is cut short at a UTF-8 character boundary.
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .ok(let text):
            Self.writeStatusLine(status: "+OK", code: nil, text: text, into: &buffer)
        case .error(let code, let text):
            Self.writeStatusLine(status: "-ERR", code: code, text: text, into: &buffer)
        case .multiline(let text, let lines):
            Self.writeStatusLine(status: "+OK", code: nil, text: text, into: &buffer)
            for line in lines {
                let bytes = Self.sanitized(line)
                if bytes.first == UInt8(ascii: ".") {
                    buffer.writeInteger(UInt8(ascii: "."))
                }
                buffer.writeBytes(bytes)
                buffer.writeBytes(POP3Wire.crlf)
            }
            buffer.writeBytes(POP3Wire.multilineTerminator)
        case .saslChallenge(let bytes):
            // continue-req = "+" SP [base64] CRLF    ; RFC 5034 §6
            buffer.writeString("+ ")
            buffer.writeBytes(SASLBase64.encode(bytes))
            buffer.writeBytes(POP3Wire.crlf)
        }
    }

    // single-line = status [SP text] CRLF    ; RFC 2449 §3, 512 octets maximum
    // text        = *schar / resp-code *CHAR
    // resp-code   = "[" resp-level *("/" resp-level) "]"
    private static func writeStatusLine(status: String, code: ResponseCode?, text: String, into buffer: inout ByteBuffer) {
        var prefix = status
        if let code {
            prefix += " [\(code.text)]"
        }
        buffer.writeString(prefix)
        var bytes = sanitized(text)
        if !bytes.isEmpty {
            let room = POP3Limits.responseLineLength - prefix.utf8.count - 1 - POP3Wire.crlf.count
            if bytes.count > room {
                var end = max(room, 0)
                // Never split a UTF-8 sequence: back up over continuation octets.
                while end > 0, bytes[end] & 0xC0 == 0x80 {
                    end -= 1
                }
                bytes.removeSubrange(end...)
            }
            buffer.writeInteger(UInt8(ascii: " "))
            buffer.writeBytes(bytes)
        }
        buffer.writeBytes(POP3Wire.crlf)
    }

    /// The text's UTF-8 with every CR, LF and NUL replaced by a space.
    private static func sanitized(_ text: String) -> [UInt8] {
        text.utf8.map { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 ? UInt8(ascii: " ") : $0 }
    }
}
