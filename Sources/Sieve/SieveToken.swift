/// One lexical token of a Sieve script.
/// - SeeAlso: RFC 5228 §8.1
struct SieveToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// `identifier = (ALPHA / "_") *(ALPHA / DIGIT / "_")`
        case identifier(String)
        /// `tag = ":" identifier`; the name is stored without the colon.
        case tag(String)
        /// `number = 1*DIGIT [ QUANTIFIER ]`, with the quantifier already applied.
        case number(UInt64)
        /// A quoted string (escapes removed) or a multi-line string (dot-stuffing removed).
        case string(String)
        case leftBracket
        case rightBracket
        case leftBrace
        case rightBrace
        case leftParenthesis
        case rightParenthesis
        case comma
        case semicolon
        /// Characters that cannot start a token; the lexer has reported them.
        case invalid
        case endOfScript
    }

    var kind: Kind
    var location: SourceLocation
}

extension SieveToken.Kind: CustomStringConvertible {
    /// How the token is named in error messages.
    var description: String {
        switch self {
        case .identifier(let name): "identifier '\(name)'"
        case .tag(let name): "tag ':\(name)'"
        case .number(let value): "number \(value)"
        case .string: "string"
        case .leftBracket: "'['"
        case .rightBracket: "']'"
        case .leftBrace: "'{'"
        case .rightBrace: "'}'"
        case .leftParenthesis: "'('"
        case .rightParenthesis: "')'"
        case .comma: "','"
        case .semicolon: "';'"
        case .invalid: "invalid characters"
        case .endOfScript: "end of script"
        }
    }
}
