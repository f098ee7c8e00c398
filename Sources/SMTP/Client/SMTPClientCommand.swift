import NIOCore

/// A command the client sends, with its encoder.
///
/// Paths and the EHLO name are checked when the envelope and configuration are made
/// (``SMTPClientEnvelope``, ``SMTPClientConfiguration``), so none can hold a CR or LF that
/// would end the command early and forge another.
/// - SeeAlso: RFC 5321 §4.1
public enum SMTPClientCommand: Sendable, Equatable {
    /// `EHLO name` (RFC 5321 §4.1.1.1).
    case ehlo(String)
    /// `HELO name`, when the server refused EHLO with 5yz (RFC 5321 §3.2).
    case helo(String)
    /// `STARTTLS` (RFC 3207 §4).
    case startTLS
    /// `AUTH PLAIN` with the credentials as initial response (RFC 4954 §4, RFC 4616 §2).
    case authPlain(SMTPClientConfiguration.Credentials)
    /// `MAIL FROM:<reverse-path>` and its parameters; an empty path is the null sender
    /// `<>` (RFC 5321 §4.1.1.2, §4.5.5).
    case mail(reversePath: String, parameters: [Parameter])
    /// `RCPT TO:<forward-path>` and its parameters (RFC 5321 §4.1.1.3).
    case recipient(forwardPath: String, parameters: [Parameter])
    /// `DATA` (RFC 5321 §4.1.1.4).
    case data
    /// The lone `.` line that ends the mail data, sent on its own when a pipelined DATA was
    /// accepted although no transaction can go ahead (RFC 2920 §3.1).
    case endOfData
    /// `RSET` (RFC 5321 §4.1.1.5).
    case reset
    /// `QUIT` (RFC 5321 §4.1.1.10).
    case quit

    /// Writes the command and its CRLF.
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .ehlo(let name):
            buffer.writeString("EHLO \(name)")
        case .helo(let name):
            buffer.writeString("HELO \(name)")
        case .startTLS:
            buffer.writeString("STARTTLS")
        case .authPlain(let credentials):
            buffer.writeString("AUTH PLAIN ")
            buffer.writeBytes(SMTPClientBase64.encode(credentials.plainMessage))
        case .mail(let path, let parameters):
            buffer.writeString("MAIL FROM:<\(path)>")
            Self.write(parameters, into: &buffer)
        case .recipient(let path, let parameters):
            buffer.writeString("RCPT TO:<\(path)>")
            Self.write(parameters, into: &buffer)
        case .data:
            buffer.writeString("DATA")
        case .endOfData:
            buffer.writeString(".")
        case .reset:
            buffer.writeString("RSET")
        case .quit:
            buffer.writeString("QUIT")
        }
        buffer.writeString("\r\n")
    }

    // Mail-parameters = esmtp-param *(SP esmtp-param)
    private static func write(_ parameters: [Parameter], into buffer: inout ByteBuffer) {
        for parameter in parameters {
            buffer.writeString(" \(parameter.keyword)")
            if let value = parameter.value { buffer.writeString("=\(value)") }
        }
    }
}

extension SMTPClientCommand: CustomStringConvertible {
    /// The command as sent, without its CRLF; AUTH's initial response is left out, so that
    /// the password never reaches a log.
    public var description: String {
        if case .authPlain = self { return "AUTH PLAIN <secret>" }
        var buffer = ByteBuffer()
        encode(into: &buffer)
        return String(decoding: buffer.readableBytesView.dropLast(2), as: UTF8.self)
    }
}

extension SMTPClientCommand {
    // esmtp-param   = esmtp-keyword ["=" esmtp-value]
    // esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
    // esmtp-value   = 1*(%d33-60 / %d62-126)
    /// One ESMTP parameter of MAIL or RCPT: `SIZE=1000`, `BODY=8BITMIME`, `SMTPUTF8`.
    /// The value is in wire form; ``xtext(_:)`` makes wire form for the DSN parameters.
    /// - SeeAlso: RFC 5321 §4.1.2
    public struct Parameter: Sendable, Equatable {
        public var keyword: String
        public var value: String?

        public init(_ keyword: String, _ value: String? = nil) {
            self.keyword = keyword
            self.value = value
        }

        // xtext   = *( xchar / hexchar )
        // xchar   = any ASCII CHAR between "!" (33) and "~" (126) inclusive,
        //           except for "+" and "="
        // hexchar = ASCII "+" immediately followed by two upper case hexadecimal digits
        /// `text`'s UTF-8 octets as xtext: each octet outside `!`…`~`, and `+` and `=`,
        /// becomes `+` and two upper-case hex digits.
        /// - SeeAlso: RFC 3461 §4
        public static func xtext(_ text: String) -> String {
            var output: [UInt8] = []
            output.reserveCapacity(text.utf8.count)
            for byte in text.utf8 {
                if (33...126).contains(byte), byte != UInt8(ascii: "+"), byte != UInt8(ascii: "=") {
                    output.append(byte)
                } else {
                    output.append(UInt8(ascii: "+"))
                    output.append(hexDigits[Int(byte >> 4)])
                    output.append(hexDigits[Int(byte & 0x0F)])
                }
            }
            return String(decoding: output, as: UTF8.self)
        }

        private static let hexDigits = Array("0123456789ABCDEF".utf8)
    }
}
