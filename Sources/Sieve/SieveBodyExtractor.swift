/// The text the `body` test compares, found by walking the MIME structure.
/// - SeeAlso: RFC 5173 §5, RFC 2045, RFC 2046 §5.1, §5.2.1
enum SieveBodyExtractor {
    /// MIME nesting followed; deeper parts are not searched (a bound on work per message).
    static let maximumPartDepth = 16

    /// One MIME entity of the message, in document order.
    struct Entity {
        enum Content {
            /// A part with content of its own.
            case leaf(transferEncoding: String, body: ArraySlice<UInt8>)
            /// A multipart: the text before its first part and after its last.
            case multipart(prologue: ArraySlice<UInt8>, epilogue: ArraySlice<UInt8>)
            /// A message/rfc822 part: the header of the enclosed message.
            case message(header: ArraySlice<UInt8>)
        }

        var type: String
        var subtype: String
        var parameters: [String: String]
        var content: Content
    }

    static func texts(of message: SieveMessage, transform: SieveBodyTransform, expand: (SieveText) -> String) -> [String] {
        switch transform {
        case .raw:
            return [String(decoding: message.body, as: UTF8.self)]
        case .text:
            // RFC 5173 §5.1 leaves ":text" to the implementation's best effort: the text
            // parts, with HTML markup removed; not multipart prologues or epilogues, nor the
            // header of an enclosed message (its body parts are searched).
            return entities(of: message).compactMap { entity in
                guard case .leaf = entity.content else { return nil }
                let isXHTML = entity.type == "application" && entity.subtype == "xhtml+xml"
                guard entity.type == "text" || isXHTML else { return nil }
                let text = decodedText(entity)
                return isXHTML || entity.subtype == "html" ? SieveHTMLText.plainText(text) : text
            }
        case .content(let types):
            let wanted = types.map { expand($0).lowercased() }
            return entities(of: message).filter { entity in
                wanted.contains { Self.contentType($0, matches: entity) }
            }.flatMap { entity in
                switch entity.content {
                case .leaf: [decodedText(entity)]
                case .multipart(let prologue, let epilogue): [prologue, epilogue].map { String(decoding: $0, as: UTF8.self) }
                case .message(let header): [String(decoding: header, as: UTF8.self)]
                }
            }
        }
    }

    /// RFC 5173 §5.2: "" matches every type, "type" every subtype of it, "type/subtype"
    /// only that; a type that begins or ends with "/" or has two slashes matches none.
    static func contentType(_ wanted: String, matches entity: Entity) -> Bool {
        if wanted.isEmpty { return true }
        let pieces = wanted.split(separator: "/", omittingEmptySubsequences: false)
        switch pieces.count {
        case 1: return pieces[0] == entity.type
        case 2: return !pieces[0].isEmpty && !pieces[1].isEmpty && pieces[0] == entity.type && pieces[1] == entity.subtype
        default: return false
        }
    }

    /// Every entity of the message, depth first; the search descends into multipart and
    /// message/rfc822 parts (RFC 5173 §5.2).
    static func entities(of message: SieveMessage) -> [Entity] {
        var result: [Entity] = []
        collect(header: message.headerFields, body: message.body[...], depth: 0, into: &result)
        return result
    }

    private static func collect(header: [SieveMessage.HeaderField], body: ArraySlice<UInt8>, depth: Int, into result: inout [Entity]) {
        let contentType = header.last { $0.name.lowercased() == "content-type" }.map { SieveHeaderValue.unfold($0.value) }
        var (type, subtype, parameters) = parseContentType(contentType ?? "text/plain")
        let encoding =
            header.last { $0.name.lowercased() == "content-transfer-encoding" }
            .map { SieveHeaderValue.unfold($0.value).trimmingWhiteSpace().lowercased() } ?? "7bit"
        // RFC 2045 §6.4: an unrecognised transfer encoding makes the entity opaque.
        if !["7bit", "8bit", "binary", "base64", "quoted-printable"].contains(encoding) {
            (type, subtype) = ("application", "octet-stream")
        }
        if depth < maximumPartDepth, type == "multipart", let boundary = parameters["boundary"], !boundary.isEmpty {
            let split = split(body, boundary: Array(boundary.utf8))
            result.append(
                Entity(
                    type: type, subtype: subtype, parameters: parameters,
                    content: .multipart(prologue: split.prologue, epilogue: split.epilogue)))
            for partBytes in split.parts {
                let (fields, bodyStart) = SieveMessage.headerFields(of: Array(partBytes))
                collect(header: fields, body: partBytes.dropFirst(bodyStart), depth: depth + 1, into: &result)
            }
        } else if depth < maximumPartDepth, type == "message", subtype == "rfc822" {
            let enclosed = Array(body)
            let (fields, bodyStart) = SieveMessage.headerFields(of: enclosed)
            result.append(
                Entity(
                    type: type, subtype: subtype, parameters: parameters,
                    content: .message(header: body.prefix(headerEnd(enclosed, bodyStart: bodyStart)))))
            collect(header: fields, body: body.dropFirst(bodyStart), depth: depth + 1, into: &result)
        } else {
            result.append(
                Entity(type: type, subtype: subtype, parameters: parameters, content: .leaf(transferEncoding: encoding, body: body)))
        }
    }

    /// Where the header fields of `bytes` end: before the empty line that ends them.
    private static func headerEnd(_ bytes: [UInt8], bodyStart: Int) -> Int {
        guard SieveMessage.hasSeparator(bytes, bodyStart: bodyStart) else { return bodyStart }
        var end = bodyStart - 1
        if end > 0, bytes[end - 1] == 0x0D { end -= 1 }
        return end
    }

    // multipart-body = [preamble CRLF] dash-boundary transport-padding CRLF body-part
    //                  *encapsulation close-delimiter transport-padding [CRLF epilogue]
    /// The preamble, the parts between `--boundary` lines, and the epilogue after
    /// `--boundary--`; the line break before a delimiter belongs to the delimiter.
    private static func split(_ body: ArraySlice<UInt8>, boundary: [UInt8])
        -> (prologue: ArraySlice<UInt8>, parts: [ArraySlice<UInt8>], epilogue: ArraySlice<UInt8>)
    {
        let delimiter = [UInt8(ascii: "-"), UInt8(ascii: "-")] + boundary
        var prologue = body[body.endIndex...]
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var lineStart = body.startIndex
        while lineStart < body.endIndex {
            var lineEnd = lineStart
            while lineEnd < body.endIndex, body[lineEnd] != 0x0A { lineEnd += 1 }
            let line = body[lineStart..<lineEnd]
            if line.starts(with: delimiter) {
                var rest = line.dropFirst(delimiter.count)
                let isClose = rest.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")])
                if isClose { rest = rest.dropFirst(2) }
                if rest.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                    var end = lineStart
                    if end > body.startIndex, body[end - 1] == 0x0A { end -= 1 }
                    if end > body.startIndex, body[end - 1] == 0x0D { end -= 1 }
                    if let start = partStart {
                        parts.append(body[start..<max(start, end)])
                    } else {
                        prologue = body[body.startIndex..<end]
                    }
                    let next = min(lineEnd + 1, body.endIndex)
                    if isClose { return (prologue, parts, body[next...]) }
                    partStart = next
                }
            }
            lineStart = lineEnd + 1
        }
        if let start = partStart, start < body.endIndex { parts.append(body[start...]) }
        return (partStart == nil ? body : prologue, parts, body[body.endIndex...])
    }

    // content-type = type "/" subtype *(";" parameter)
    /// RFC 2045 §5.2: a missing or syntactically invalid type is taken as text/plain.
    static func parseContentType(_ value: String) -> (String, String, [String: String]) {
        let pieces = value.split(separator: ";")
        let media = (pieces.first.map(String.init) ?? "").trimmingWhiteSpace().lowercased()
            .split(separator: "/", omittingEmptySubsequences: false)
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            var parameterValue = String(pair[1]).trimmingWhiteSpace()
            if parameterValue.hasPrefix("\""), parameterValue.hasSuffix("\""), parameterValue.count >= 2 {
                parameterValue = String(parameterValue.dropFirst().dropLast())
            }
            parameters[String(pair[0]).trimmingWhiteSpace().lowercased()] = parameterValue
        }
        guard media.count == 2, isToken(media[0]), isToken(media[1]) else { return ("text", "plain", parameters) }
        return (String(media[0]), String(media[1]), parameters)
    }

    // token = 1*<any (US-ASCII) CHAR except SPACE, CTLs, or tspecials>
    private static func isToken(_ text: Substring) -> Bool {
        !text.isEmpty
            && text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && !"()<>@,;:\\\"/[]?=".unicodeScalars.contains($0) }
    }

    /// A part's content with its transfer encoding undone and its charset decoded.
    static func decodedText(_ entity: Entity) -> String {
        guard case .leaf(let transferEncoding, let body) = entity.content else { return "" }
        let bytes: [UInt8]
        switch transferEncoding {
        case "base64": bytes = SieveTransferEncoding.base64(Array(body))
        case "quoted-printable": bytes = SieveTransferEncoding.quotedPrintable(Array(body), underscoreIsSpace: false)
        default: bytes = Array(body)
        }
        let charset = entity.parameters["charset"]?.lowercased() ?? "us-ascii"
        return SieveCharset.decode(bytes, charset: charset) ?? String(decoding: bytes, as: UTF8.self)
    }
}
