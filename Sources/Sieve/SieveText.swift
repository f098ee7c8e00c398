/// A string argument as the interpreter needs it: literal text, or (under "variables")
/// literal text with variable references to expand at run time.
/// - SeeAlso: RFC 5229 §3
struct SieveText: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case literal(String)
        /// A named variable, lowercased (names are case-insensitive, RFC 5229 §3).
        case variable(String)
        /// `${0}` … `${9}` and beyond (RFC 5229 §3.2).
        case matchVariable(Int)
    }

    var parts: [Part]

    init(literal: String) {
        parts = literal.isEmpty ? [] : [.literal(literal)]
    }

    init(parts: [Part]) {
        self.parts = parts
    }

    /// The text when it has no variable references.
    var constant: String? {
        switch parts.count {
        case 0: ""
        case 1: if case .literal(let text) = parts[0] { text } else { nil }
        default: nil
        }
    }

    /// Splits a string into literal runs and variable references.
    ///
    /// `variable-ref = "${" [namespace] variable-name "}"`; a `${` that does not start a
    /// well-formed reference is literal text (RFC 5229 §3).
    static func parsingVariables(_ source: String) -> SieveText {
        let scalars = Array(source.unicodeScalars)
        var parts: [Part] = []
        var literal = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == "$", index + 1 < scalars.count, scalars[index + 1] == "{",
                let close = scalars[(index + 2)...].firstIndex(of: "}")
            {
                let name = String(String.UnicodeScalarView(scalars[(index + 2)..<close]))
                if let part = reference(name) {
                    if !literal.isEmpty { parts.append(.literal(String(literal))) }
                    literal = String.UnicodeScalarView()
                    parts.append(part)
                    index = close + 1
                    continue
                }
            }
            literal.append(scalars[index])
            index += 1
        }
        if !literal.isEmpty { parts.append(.literal(String(literal))) }
        return SieveText(parts: parts)
    }

    // num-variable = 1*DIGIT
    // identifier = (ALPHA / "_") *(ALPHA / DIGIT / "_"), optionally dotted with a namespace
    private static func reference(_ name: String) -> Part? {
        guard !name.isEmpty else { return nil }
        if name.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            // Leading zeroes are allowed: "${002}" is "${2}".
            let digits = name.drop { $0 == "0" }
            return .matchVariable(digits.count > 9 ? Int.max : Int(digits) ?? 0)
        }
        // A namespaced reference ("global.x", RFC 6609 §3.5) is checked by the validator.
        guard name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ isVariableName(String($0)) }) else {
            return nil
        }
        return .variable(name.lowercased())
    }

    /// `identifier` of RFC 5228 §8.1, the form of a variable name (RFC 5229 §3).
    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(0x30...0x39).contains(first) else { return false }
        return name.utf8.allSatisfy { byte in
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x5F
        }
    }
}
