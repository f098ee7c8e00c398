/// Rules of the editheader extension that do not depend on the interpreter.
/// - SeeAlso: RFC 5293
enum SieveHeaderEdit {
    /// `field-name = 1*ftext; ftext = %d33-57 / %d59-126` (RFC 5322 §3.6.8).
    static func isFieldName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { (33...126).contains($0) && $0 != 58 }
    }

    /// RFC 5293 §4: a value may hold any text but NUL, which no header field can carry.
    static func isFieldValue(_ value: String) -> Bool {
        !value.utf8.contains(0)
    }

    /// The octets the field takes in the message once added (value folded).
    static func fieldSize(name: String, value: String) -> Int {
        SieveMessage.HeaderField(name: name, value: " " + value.replacingLineBreaksWithFolding()).encodedSize
    }

    static func oversizeMessage(_ name: String, limit: Int) -> String {
        "added header field '\(name)' is larger than the limit of \(limit) bytes"
    }

    static func invalidNameMessage(_ name: String) -> String {
        "specified field name '\(name)' is invalid"
    }

    static func invalidValueMessage(_ value: String) -> String {
        "specified value '\(value)' is invalid"
    }
}

extension SieveInterpreter {
    mutating func addHeader(name: String, value: String, last: Bool, at location: SourceLocation) throws(SieveRuntimeError) {
        guard SieveHeaderEdit.isFieldName(name) else {
            throw SieveRuntimeError(kind: .invalidArgument, location: location, message: SieveHeaderEdit.invalidNameMessage(name))
        }
        guard SieveHeaderEdit.isFieldValue(value) else {
            throw SieveRuntimeError(kind: .invalidArgument, location: location, message: SieveHeaderEdit.invalidValueMessage(value))
        }
        let policy = context.headerEditPolicy
        guard policy.allowsAdding(name) else { return }
        // RFC 5293 §4: the value is folded if needed; line breaks in it become folding.
        let folded = value.replacingLineBreaksWithFolding()
        let field = SieveMessage.HeaderField(name: name, value: " " + folded)
        if let limit = policy.maximumHeaderSize, field.encodedSize > limit {
            throw SieveRuntimeError(
                kind: .invalidArgument, location: location, message: SieveHeaderEdit.oversizeMessage(name, limit: limit))
        }
        editHistory?.append(SieveMessageSnapshot(actionCount: actions.actions.count, message: message))
        if last { message.headerFields.append(field) } else { message.headerFields.insert(field, at: 0) }
        message.size += field.encodedSize
        headerEdited = true
        try actions.add(.addHeader(name: name, value: folded, last: last), at: location)
    }

    mutating func deleteHeader(name: String, index: SieveHeaderIndex?, match: SieveMatch?, at location: SourceLocation)
        throws(SieveRuntimeError)
    {
        guard SieveHeaderEdit.isFieldName(name), context.headerEditPolicy.allowsDeleting(name) else { return }
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
        editHistory?.append(SieveMessageSnapshot(actionCount: actions.actions.count, message: message))
        for position in doomed.reversed() { message.size -= message.headerFields.remove(at: position).encodedSize }
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
