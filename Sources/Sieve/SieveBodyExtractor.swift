/// The text the `body` test compares, found by walking the MIME structure.
/// - SeeAlso: RFC 5173 §5, RFC 2045, RFC 2046 §5.1
enum SieveBodyExtractor {
    /// MIME nesting followed; deeper parts are not searched (a bound on work per message).
    static let maximumPartDepth = 16

    struct Part {
        var type: String
        var subtype: String
        var parameters: [String: String]
        var transferEncoding: String
        var body: ArraySlice<UInt8>
    }

    static func texts(of message: SieveMessage, transform: SieveBodyTransform, expand: (SieveText) -> String) -> [String] {
        switch transform {
        case .raw:
            return [String(decoding: message.body, as: UTF8.self)]
        case .text:
            return leaves(of: message).filter { $0.type == "text" }.map(decodedText)
        case .content(let types):
            // RFC 5173 §5.2: "type" matches every subtype, "" every part; a multipart
            // part itself has no content of its own to compare here.
            let wanted = types.map { expand($0).lowercased() }
            return leaves(of: message).filter { part in
                wanted.contains { wanted in
                    if wanted.isEmpty { return true }
                    let pieces = wanted.split(separator: "/", maxSplits: 1)
                    return pieces[0] == part.type && (pieces.count == 1 || pieces[1] == part.subtype)
                }
            }.map(decodedText)
        }
    }

    /// The non-multipart parts of the message, depth first.
    static func leaves(of message: SieveMessage) -> [Part] {
        var result: [Part] = []
        collect(header: message.headerFields, body: message.body[...], depth: 0, into: &result)
        return result
    }

    private static func collect(header: [SieveMessage.HeaderField], body: ArraySlice<UInt8>, depth: Int, into result: inout [Part]) {
        let contentType = header.last { $0.name.lowercased() == "content-type" }.map { SieveHeaderValue.unfold($0.value) }
        let (type, subtype, parameters) = parseContentType(contentType ?? "text/plain")
        let encoding =
            header.last { $0.name.lowercased() == "content-transfer-encoding" }
            .map { SieveHeaderValue.unfold($0.value).lowercased() } ?? "7bit"
        guard type == "multipart", let boundary = parameters["boundary"], depth < maximumPartDepth else {
            result.append(Part(type: type, subtype: subtype, parameters: parameters, transferEncoding: encoding, body: body))
            return
        }
        for partBytes in split(body, boundary: Array(boundary.utf8)) {
            let (fields, bodyStart) = SieveMessage.headerFields(of: Array(partBytes))
            collect(header: fields, body: partBytes.dropFirst(bodyStart), depth: depth + 1, into: &result)
        }
    }

    /// The parts between `--boundary` lines, up to `--boundary--`.
    private static func split(_ body: ArraySlice<UInt8>, boundary: [UInt8]) -> [ArraySlice<UInt8>] {
        let delimiter = [UInt8(ascii: "-"), UInt8(ascii: "-")] + boundary
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var lineStart = body.startIndex
        while lineStart < body.endIndex {
            var lineEnd = lineStart
            while lineEnd < body.endIndex, body[lineEnd] != 0x0A { lineEnd += 1 }
            let line = body[lineStart..<lineEnd]
            if line.starts(with: delimiter) {
                if let start = partStart {
                    // The line break before the delimiter belongs to the delimiter.
                    var end = lineStart
                    if end > start, body[end - 1] == 0x0A { end -= 1 }
                    if end > start, body[end - 1] == 0x0D { end -= 1 }
                    parts.append(body[start..<end])
                }
                let rest = line.dropFirst(delimiter.count)
                if rest.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")]) { return parts }
                partStart = min(lineEnd + 1, body.endIndex)
            }
            lineStart = lineEnd + 1
        }
        if let start = partStart, start < body.endIndex { parts.append(body[start...]) }
        return parts
    }

    // content-type = type "/" subtype *(";" parameter)
    static func parseContentType(_ value: String) -> (String, String, [String: String]) {
        let pieces = value.split(separator: ";")
        let media = (pieces.first.map(String.init) ?? "").trimmingWhiteSpace().lowercased().split(separator: "/", maxSplits: 1)
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
        guard media.count == 2 else { return ("text", "plain", parameters) }
        return (String(media[0]), String(media[1]), parameters)
    }

    /// A part's content with its transfer encoding undone and its charset decoded.
    static func decodedText(_ part: Part) -> String {
        let bytes: [UInt8]
        switch part.transferEncoding {
        case "base64": bytes = SieveTransferEncoding.base64(Array(part.body))
        case "quoted-printable": bytes = SieveTransferEncoding.quotedPrintable(Array(part.body), underscoreIsSpace: false)
        default: bytes = Array(part.body)
        }
        let charset = part.parameters["charset"]?.lowercased() ?? "us-ascii"
        return SieveCharset.decode(bytes, charset: charset) ?? String(decoding: bytes, as: UTF8.self)
    }
}
