/// JSON rendering of actions: one object per action, keys in a fixed order, for the CLI's
/// `--json` output and for tests.
extension SieveAction {
    public var json: String {
        var object = JSONObject()
        switch self {
        case .keep(let flags):
            object.add("action", "keep")
            object.add("flags", flags)
        case .fileinto(let mailbox, let flags, let copy, let create):
            object.add("action", "fileinto")
            object.add("mailbox", mailbox)
            object.add("flags", flags)
            object.add("copy", copy)
            object.add("create", create)
        case .redirect(let address, let copy):
            object.add("action", "redirect")
            object.add("address", address)
            object.add("copy", copy)
        case .discard:
            object.add("action", "discard")
        case .reject(let reason, let extended):
            object.add("action", extended ? "ereject" : "reject")
            object.add("reason", reason)
        case .vacation(let vacation):
            object.add("action", "vacation")
            object.add("reason", vacation.reason)
            if let subject = vacation.subject { object.add("subject", subject) }
            if let from = vacation.from { object.add("from", from) }
            object.add("addresses", vacation.addresses)
            object.add("mime", vacation.mime)
            object.add("handle", vacation.handle)
            if let seconds = vacation.seconds { object.addNumber("seconds", seconds) }
        case .addHeader(let name, let value, let last):
            object.add("action", "addheader")
            object.add("name", name)
            object.add("value", value)
            object.add("last", last)
        case .deleteHeader(let name, let count):
            object.add("action", "deleteheader")
            object.add("name", name)
            object.addNumber("count", UInt64(count))
        }
        return object.rendered
    }
}

/// A JSON object written member by member, in insertion order.
struct JSONObject {
    private var members: [String] = []

    mutating func add(_ key: String, _ value: String) {
        members.append("\(Self.quote(key)):\(Self.quote(value))")
    }

    mutating func add(_ key: String, _ value: Bool) {
        members.append("\(Self.quote(key)):\(value)")
    }

    mutating func add(_ key: String, _ values: [String]) {
        members.append("\(Self.quote(key)):[\(values.map(Self.quote).joined(separator: ","))]")
    }

    mutating func addNumber(_ key: String, _ value: UInt64) {
        members.append("\(Self.quote(key)):\(value)")
    }

    var rendered: String { "{" + members.joined(separator: ",") + "}" }

    /// A JSON string literal (RFC 8259 §7): quote, backslash and control characters escaped.
    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
