/// The header fields of a message, for display (`popstore message list`), Sieve and bounces.
///
/// Reads raw or stored (POP3-form) bytes; line ends may be CRLF, LF or bare CR, as in
/// `POP3FormWriter`. Stored form differs from raw only in lines beginning with ".", which a
/// valid header line never does in practice, so no unstuffing is done here.
/// - SeeAlso: RFC 5322 §2.2, §3.6
public struct MessageHeader: Sendable, Equatable {
    /// One header field.
    /// - SeeAlso: RFC 5322 §2.2
    public struct Field: Sendable, Equatable {
        /// The field name as written; compare it case-insensitively (RFC 5322 §1.2.2).
        public var name: String
        /// The value unfolded (line end + WSP -> WSP), leading whitespace trimmed, decoded as
        /// UTF-8 with U+FFFD for invalid bytes (RFC 6532 allows UTF-8; older 8-bit headers
        /// must still display).
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Bytes of header read at most: a DoS limit, so that a message made only of header
    /// costs bounded memory and time. 256 KiB is far above any real header (RFC 5322 §2.1.1
    /// lines are at most 1000 octets; real headers with long Received chains stay under 64 KiB).
    public static let maximumHeaderBytes: Int = 256 * 1024

    public var fields: [Field]

    public init(fields: [Field]) {
        self.fields = fields
    }

    /// Parses the header part of a message: up to the first empty line, or up to
    /// `maximumHeaderBytes`.
    ///
    /// A line cut by the byte limit is dropped rather than kept truncated. Lines that are not
    /// a field (no colon, or a name outside printable US-ASCII, such as an mbox "From " line)
    /// are skipped together with their continuation lines, as are continuation lines with no
    /// field before them.
    ///
    ///     field        = field-name ":" unstructured CRLF
    ///     field-name   = 1*ftext
    ///     ftext        = %d33-57 / %d59-126
    ///     obs-optional = field-name *WSP ":" unstructured CRLF
    /// - SeeAlso: RFC 5322 §2.2, §2.2.3 (folding), §3.6.8, §4.5.3
    public init<C: Collection>(parsing bytes: C) where C.Element == UInt8 {
        let window = Array(bytes.prefix(Self.maximumHeaderBytes + 1))
        let isCutByLimit = window.count > Self.maximumHeaderBytes
        let end = min(window.count, Self.maximumHeaderBytes)
        var fields: [Field] = []
        var pending: (name: String, value: [UInt8])?
        var lineStart = 0
        while lineStart < end {
            var contentEnd = lineStart
            while contentEnd < end, window[contentEnd] != ASCII.cr, window[contentEnd] != ASCII.lf {
                contentEnd += 1
            }
            if contentEnd == end && isCutByLimit {
                break
            }
            if contentEnd == lineStart {
                break
            }
            let line = window[lineStart..<contentEnd]
            if ASCII.isWhitespace(line[line.startIndex]) {
                pending?.value.append(contentsOf: line)
            } else {
                if let field = pending {
                    fields.append(Self.makeField(name: field.name, value: field.value))
                }
                pending = Self.splitField(line)
            }
            lineStart = contentEnd
            if lineStart < end {
                let lineEnd = window[lineStart]
                lineStart += 1
                if lineEnd == ASCII.cr, lineStart < end, window[lineStart] == ASCII.lf {
                    lineStart += 1
                }
            }
        }
        if let field = pending {
            fields.append(Self.makeField(name: field.name, value: field.value))
        }
        self.fields = fields
    }

    /// First value of a field, case-insensitive name.
    public subscript(_ name: String) -> String? {
        fields.first { Self.namesMatch($0.name, name) }?.value
    }

    /// All values of a field in header order, case-insensitive name.
    public func values(_ name: String) -> [String] {
        fields.filter { Self.namesMatch($0.name, name) }.map(\.value)
    }

    private static func splitField(_ line: ArraySlice<UInt8>) -> (name: String, value: [UInt8])? {
        guard let colon = line.firstIndex(of: ASCII.colon) else {
            return nil
        }
        var nameEnd = colon
        while nameEnd > line.startIndex, ASCII.isWhitespace(line[nameEnd - 1]) {
            nameEnd -= 1
        }
        let name = line[line.startIndex..<nameEnd]
        guard !name.isEmpty, name.allSatisfy({ (33...126).contains($0) }) else {
            return nil
        }
        return (String(decoding: name, as: UTF8.self), Array(line[(colon + 1)...]))
    }

    private static func makeField(name: String, value: [UInt8]) -> Field {
        let trimmed = value.drop(while: ASCII.isWhitespace)
        return Field(name: name, value: String(decoding: trimmed, as: UTF8.self))
    }

    /// Field names are US-ASCII, so ASCII case folding is exact.
    /// - SeeAlso: RFC 5322 §1.2.2
    private static func namesMatch(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8) { x, y in
            Self.asciiLowercased(x) == Self.asciiLowercased(y)
        }
    }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
    }
}
