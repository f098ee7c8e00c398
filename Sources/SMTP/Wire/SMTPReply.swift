import NIOCore

/// One SMTP or LMTP reply: a three-digit code, an optional enhanced status code
/// (RFC 3463, announced by ENHANCEDSTATUSCODES, RFC 2034), and one or more lines of text.
/// - SeeAlso: RFC 5321 §4.2
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    /// The reply code, 200–599.
    public var code: Int
    /// `class.subject.detail`, e.g. `5.1.1`; nil where none applies (the greeting, LHLO).
    public var enhancedCode: String?
    /// The text lines; at least one (an empty string for a bare code).
    public var lines: [String]

    public init(_ code: Int, _ enhancedCode: String? = nil, _ lines: [String]) {
        precondition((200...599).contains(code), "an SMTP reply code is 2yz to 5yz")
        self.code = code
        self.enhancedCode = enhancedCode
        self.lines = lines.isEmpty ? [""] : lines
    }

    public init(_ code: Int, _ enhancedCode: String? = nil, _ text: String) {
        self.init(code, enhancedCode, [text])
    }

    /// 2yz: the command or the delivery succeeded.
    public var isPositive: Bool { code < 300 }
    /// 3yz: the server waits for more (DATA's 354).
    public var isIntermediate: Bool { (300..<400).contains(code) }
    /// 4yz: try again later.
    public var isTransient: Bool { (400..<500).contains(code) }
    /// 5yz: do not try again.
    public var isPermanent: Bool { code >= 500 }

    public var description: String {
        lines.map { "\(code) \(enhancedCode.map { "\($0) " } ?? "")\($0)" }.joined(separator: "\n")
    }
}

extension SMTPReply {
    /// The longest reply line written, CRLF included (RFC 5321 §4.5.3.1.5).
    public static let maximumLineLength = 512

    /// Writes the reply: `code-text` for every line but the last, `code text` for the last,
    /// each with the enhanced code. CR, LF and NUL in the text become spaces, so nothing
    /// that reached a reply (an address a client sent) can end the line early and forge
    /// another reply; a longer line is cut short at a UTF-8 character boundary.
    public func encode(into buffer: inout ByteBuffer) {
        for (index, line) in lines.enumerated() {
            var prefix = "\(code)\(index == lines.count - 1 ? " " : "-")"
            if let enhancedCode { prefix += "\(enhancedCode) " }
            var text = line.utf8.map { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 ? UInt8(ascii: " ") : $0 }
            let room = Self.maximumLineLength - prefix.utf8.count - 2
            if text.count > room {
                var end = max(room, 0)
                while end > 0, text[end] & 0xC0 == 0x80 { end -= 1 }
                text.removeSubrange(end...)
            }
            if enhancedCode == nil && text.isEmpty && index == lines.count - 1 { prefix.removeLast() }
            buffer.writeString(prefix)
            buffer.writeBytes(text)
            buffer.writeBytes([0x0D, 0x0A])
        }
    }
}
