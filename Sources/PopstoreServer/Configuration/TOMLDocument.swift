/// The subset of TOML (v1.0) a Popstore configuration file uses, parsed by hand because
/// the one TOML package on the machine list (TOMLKit) depends on a package that is not
/// available here.
///
/// Supported: comments, `[table]` and `[a.b]` headers, `key = value` with bare or quoted
/// keys, basic and literal strings (one line), integers (with `_`), booleans, and arrays
/// of those (across lines, trailing comma allowed). Anything else is an error with its
/// line and column, never silently ignored.
public struct TOMLDocument: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case string(String)
        case integer(Int)
        case boolean(Bool)
        case array([Value])
    }

    /// `table.key` (or `key` at the top) -> value, with the line it was set on.
    public private(set) var values: [String: (value: Value, line: Int)] = [:]
    public private(set) var tables: Set<String> = []

    public static func == (a: TOMLDocument, b: TOMLDocument) -> Bool {
        a.tables == b.tables && a.values.mapValues(\.value) == b.values.mapValues(\.value)
    }

    /// A configuration file is small; a bigger one is a mistake.
    public static let maximumSize = 1 << 20

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "line \(line), column \(column): \(message)" }
    }

    public init(parsing text: String) throws(ParseError) {
        guard text.utf8.count <= TOMLDocument.maximumSize else {
            throw ParseError(line: 1, column: 1, message: "file larger than \(TOMLDocument.maximumSize) octets")
        }
        var scanner = Scanner(Array(text.unicodeScalars))
        var table = ""
        while true {
            scanner.skipBlankAndComments()
            guard let c = scanner.peek else { break }
            let line = scanner.line
            if c == "[" {
                scanner.advance()
                scanner.skipSpaces()
                let name = try scanner.dottedKey()
                scanner.skipSpaces()
                try scanner.expect("]")
                guard !tables.contains(name) else { throw scanner.error("table [\(name)] defined twice") }
                tables.insert(name)
                table = name
            } else {
                let key = try scanner.dottedKey()
                scanner.skipSpaces()
                try scanner.expect("=")
                scanner.skipSpaces()
                let value = try scanner.value()
                let full = table.isEmpty ? key : "\(table).\(key)"
                guard values[full] == nil else { throw scanner.error("key \(full) set twice") }
                values[full] = (value, line)
            }
            scanner.skipSpaces()
            if scanner.peek == "#" { scanner.skipComment() }
            guard scanner.peek == nil || scanner.peek == "\n" || scanner.peek == "\r" else {
                throw scanner.error("expected the end of the line")
            }
        }
    }

    private struct Scanner {
        let scalars: [Unicode.Scalar]
        var index = 0
        var line = 1
        var lineStart = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

        mutating func advance() {
            if scalars[index] == "\n" {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }

        func error(_ message: String) -> ParseError {
            ParseError(line: line, column: index - lineStart + 1, message: message)
        }

        mutating func expect(_ c: Unicode.Scalar) throws(ParseError) {
            guard peek == c else { throw error("expected '\(c)'") }
            advance()
        }

        mutating func skipSpaces() {
            while let c = peek, c == " " || c == "\t" { advance() }
        }

        mutating func skipComment() {
            while let c = peek, c != "\n" { advance() }
        }

        mutating func skipBlankAndComments() {
            while let c = peek {
                if c == " " || c == "\t" || c == "\n" || c == "\r" {
                    advance()
                } else if c == "#" {
                    skipComment()
                } else {
                    break
                }
            }
        }

        mutating func dottedKey() throws(ParseError) -> String {
            var parts = [try simpleKey()]
            while true {
                skipSpaces()
                guard peek == "." else { break }
                advance()
                skipSpaces()
                parts.append(try simpleKey())
            }
            return parts.joined(separator: ".")
        }

        mutating func simpleKey() throws(ParseError) -> String {
            if peek == "\"" { return try basicString() }
            if peek == "'" { return try literalString() }
            var key = ""
            while let c = peek, c.isASCII, c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "-" {
                key.unicodeScalars.append(c)
                advance()
            }
            guard !key.isEmpty else { throw error("expected a key") }
            return key
        }

        mutating func value() throws(ParseError) -> Value {
            switch peek {
            case "\"": return .string(try basicString())
            case "'": return .string(try literalString())
            case "[": return try array()
            case "t", "f": return try boolean()
            case let c? where c == "+" || c == "-" || ("0"..."9").contains(c): return try integer()
            default: throw error("expected a value (string, integer, boolean or array)")
            }
        }

        mutating func basicString() throws(ParseError) -> String {
            advance()
            var out = ""
            while true {
                guard let c = peek, c != "\n" else { throw error("unterminated string") }
                advance()
                if c == "\"" { return out }
                if c == "\\" {
                    guard let e = peek else { throw error("unterminated string") }
                    advance()
                    switch e {
                    case "\"": out += "\""
                    case "\\": out += "\\"
                    case "n": out += "\n"
                    case "t": out += "\t"
                    case "r": out += "\r"
                    case "u", "U":
                        var hex = ""
                        for _ in 0..<(e == "u" ? 4 : 8) {
                            guard let h = peek, h.properties.isASCIIHexDigit else { throw error("bad \\\(e) escape") }
                            hex.unicodeScalars.append(h)
                            advance()
                        }
                        guard let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else {
                            throw error("bad \\\(e) escape")
                        }
                        out.unicodeScalars.append(scalar)
                    default: throw error("unknown escape \\\(e)")
                    }
                } else if c.value < 0x20 && c != "\t" {
                    throw error("control character in a string")
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }

        mutating func literalString() throws(ParseError) -> String {
            advance()
            var out = ""
            while true {
                guard let c = peek, c != "\n" else { throw error("unterminated string") }
                advance()
                if c == "'" { return out }
                out.unicodeScalars.append(c)
            }
        }

        mutating func boolean() throws(ParseError) -> Value {
            for (word, value) in [("true", true), ("false", false)] {
                let end = index + word.unicodeScalars.count
                if end <= scalars.count, String(String.UnicodeScalarView(scalars[index..<end])) == word {
                    for _ in 0..<word.unicodeScalars.count { advance() }
                    return .boolean(value)
                }
            }
            throw error("expected true or false")
        }

        mutating func integer() throws(ParseError) -> Value {
            var text = ""
            while let c = peek, c == "+" || c == "-" || c == "_" || ("0"..."9").contains(c) {
                if c != "_" { text.unicodeScalars.append(c) }
                advance()
            }
            guard let value = Int(text) else { throw error("bad integer") }
            return .integer(value)
        }

        mutating func array() throws(ParseError) -> Value {
            advance()
            var items: [Value] = []
            while true {
                skipBlankAndComments()
                if peek == "]" {
                    advance()
                    return .array(items)
                }
                items.append(try value())
                skipBlankAndComments()
                if peek == "," {
                    advance()
                } else if peek != "]" {
                    throw error("expected ',' or ']'")
                }
            }
        }
    }
}
