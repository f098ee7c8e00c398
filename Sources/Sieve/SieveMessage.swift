/// The message a script runs against: its header fields in order, its body, its size
/// and its envelope.
public struct SieveMessage: Sendable {
    /// One header field; `value` is as received after the colon, folding included.
    public struct HeaderField: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }

        /// Its octets in the message, "name:value" CRLF, so that header edits can keep
        /// `SieveMessage.size` the size of the edited message.
        var encodedSize: Int { name.utf8.count + value.utf8.count + 3 }
    }

    public var headerFields: [HeaderField]
    /// The body bytes after the blank line, as received.
    public var body: [UInt8]
    /// Whether the header was followed by the blank line that begins a body. RFC 5173 §5:
    /// a message that is a header only has no body text at all, so every `body` test is
    /// false, even one for the empty string.
    public var hasBody = true
    /// The size the `size` test compares, in octets (RFC 5228 §5.9).
    public var size: Int
    /// The SMTP MAIL FROM address without angle brackets; empty for the null sender.
    public var envelopeFrom: String
    /// The RCPT TO address this delivery is for.
    public var envelopeTo: String
    /// The identity the sender authenticated as (SMTP AUTH, RFC 4954), for the envelope
    /// part "auth" as Pigeonhole offers it; `nil` when the sender did not authenticate.
    public var envelopeAuth: String?

    public init(headerFields: [HeaderField], body: [UInt8], size: Int, envelopeFrom: String, envelopeTo: String) {
        self.headerFields = headerFields
        self.body = body
        self.size = size
        self.envelopeFrom = envelopeFrom
        self.envelopeTo = envelopeTo
    }

    /// Splits a whole message (CRLF or LF line ends) into header fields and body.
    public init(parsing bytes: [UInt8], envelopeFrom: String = "", envelopeTo: String = "") {
        let (fields, bodyStart) = Self.headerFields(of: bytes)
        self.init(
            headerFields: fields, body: Array(bytes[bodyStart...]), size: bytes.count, envelopeFrom: envelopeFrom,
            envelopeTo: envelopeTo)
        hasBody = Self.hasSeparator(bytes, bodyStart: bodyStart)
    }

    /// Whether the header block that ends at `bodyStart` ended with an empty line.
    static func hasSeparator(_ bytes: some Collection<UInt8>, bodyStart: Int) -> Bool {
        guard bodyStart > 0, bodyStart <= bytes.count else { return false }
        let head = bytes.prefix(bodyStart)
        // The header ends with the empty line "\n" (or "\r\n") right after a line end,
        // or the message begins with it.
        var tail = Array(head.suffix(4))
        guard tail.last == 0x0A else { return false }
        tail.removeLast()
        if tail.last == 0x0D { tail.removeLast() }
        return tail.isEmpty || tail.last == 0x0A
    }

    /// The fields of a header block and the offset where the body begins.
    // field = field-name ":" unstructured CRLF; a line starting with WSP continues a field.
    static func headerFields(of bytes: [UInt8]) -> ([HeaderField], Int) {
        var fields: [HeaderField] = []
        var offset = 0
        while offset < bytes.count {
            var end = offset
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            let next = min(end + 1, bytes.count)
            var line = bytes[offset..<end]
            if line.last == 0x0D { line = line.dropLast() }
            if line.isEmpty { return (fields, next) }
            if line.first == 0x20 || line.first == 0x09, !fields.isEmpty {
                fields[fields.count - 1].value += "\r\n" + String(decoding: line, as: UTF8.self)
            } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                let name = String(decoding: line[..<colon], as: UTF8.self).trimmingWhiteSpace()
                fields.append(HeaderField(name: name, value: String(decoding: line[(colon + 1)...], as: UTF8.self)))
            }
            offset = next
        }
        return (fields, bytes.count)
    }
}
