/// Rules of the editheader extension that do not depend on the interpreter.
/// - SeeAlso: RFC 5293
enum SieveHeaderEdit {
    /// `field-name = 1*ftext; ftext = %d33-57 / %d59-126` (RFC 5322 §3.6.8).
    static func isFieldName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { (33...126).contains($0) && $0 != 58 }
    }

    /// Fields a script may not add or delete: trace fields record the message's path
    /// (RFC 5293 §6 forbids touching "Received"), and removing "Auto-Submitted" could
    /// make an automatic reply loop possible.
    static func isProtected(_ name: String, deleting: Bool) -> Bool {
        let lower = name.lowercased()
        return lower == "received" || (deleting && lower == "auto-submitted")
    }
}

extension SieveInterpreter {
    mutating func addHeader(name: String, value: String, last: Bool, at location: SourceLocation) throws(SieveRuntimeError) {
        guard SieveHeaderEdit.isFieldName(name) else {
            throw SieveRuntimeError(kind: .invalidArgument, location: location, message: "invalid header field name '\(name)'")
        }
        guard !SieveHeaderEdit.isProtected(name, deleting: false) else { return }
        // RFC 5293 §4: the value is folded if needed; line breaks in it become folding.
        let folded = value.replacingLineBreaksWithFolding()
        let field = SieveMessage.HeaderField(name: name, value: " " + folded)
        if last { message.headerFields.append(field) } else { message.headerFields.insert(field, at: 0) }
        headerEdited = true
        try actions.add(.addHeader(name: name, value: folded, last: last), at: location)
    }

    mutating func deleteHeader(name: String, index: SieveHeaderIndex?, match: SieveMatch?, at location: SourceLocation)
        throws(SieveRuntimeError)
    {
        guard SieveHeaderEdit.isFieldName(name), !SieveHeaderEdit.isProtected(name, deleting: true) else { return }
        let lower = name.lowercased()
        let positions = message.headerFields.indices.filter { message.headerFields[$0].name.lowercased() == lower }
        var candidates = positions
        if let index {
            let position = index.fromLast ? positions.count - index.position : index.position - 1
            candidates = positions.indices.contains(position) ? [positions[position]] : []
        }
        var doomed: [Int] = []
        for position in candidates {
            if let match {
                let value = SieveHeaderValue.comparable(message.headerFields[position].value)
                guard try compare([value], match, at: location) else { continue }
            }
            doomed.append(position)
        }
        guard !doomed.isEmpty else { return }
        for position in doomed.reversed() { message.headerFields.remove(at: position) }
        headerEdited = true
        try actions.add(.deleteHeader(name: name, count: doomed.count), at: location)
    }
}

extension String {
    /// CRLF, CR or LF followed by a space, so that a value cannot start a new field.
    fileprivate func replacingLineBreaksWithFolding() -> String {
        guard unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) else { return self }
        let lines = split(omittingEmptySubsequences: true) { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }
        return lines.map { String($0).trimmingWhiteSpace() }.joined(separator: "\r\n ")
    }
}
