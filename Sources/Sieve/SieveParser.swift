/// Builds the generic syntax tree from tokens; knows the grammar, not the commands.
/// - SeeAlso: RFC 5228 §8.2
struct SieveParser {
    private let tokens: [SieveToken]
    private var index = 0
    private var depth = 0
    private var errors: [SieveError] = []

    /// Parses a whole script; throws the first error.
    static func parse(_ source: String) throws(SieveError) -> [SieveSyntax.Command] {
        let (commands, errors) = parseAll(source)
        if let first = errors.first { throw first }
        return commands
    }

    /// Parses a whole script and reports every lexical and syntax error, in script order,
    /// at most `SieveLimits.maximumCompileErrors`. After a syntax error the parser skips
    /// to the end of the command it was in (the next ";" or the "}" that closes a block it
    /// skipped into) or to the "}" that ends the enclosing block, and goes on from there.
    /// The commands are only meaningful when there are no errors.
    static func parseAll(_ source: String) -> (commands: [SieveSyntax.Command], errors: [SieveError]) {
        guard source.utf8.count <= SieveLimits.maximumScriptSize else {
            return ([], [SieveError(location: .start, message: "script is larger than \(SieveLimits.maximumScriptSize) bytes")])
        }
        let (tokens, lexicalErrors) = SieveLexer.scan(source)
        var parser = SieveParser(tokens: tokens)
        var commands: [SieveSyntax.Command] = []
        while true {
            commands += parser.commands()
            let token = parser.current
            if token.kind == .endOfScript { break }
            // Only a "}" without its "{" stops the commands at the top level.
            parser.errors.append(
                SieveError(location: token.location, message: "expected a command, found \(token.kind) without a matching '{'"))
            parser.index += 1
        }
        // Swift's sort is stable: a lexical error stays before a syntax error at its place.
        let errors = (lexicalErrors + parser.errors).sorted {
            ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column)
        }
        return (commands, Array(errors.prefix(SieveLimits.maximumCompileErrors)))
    }

    private init(tokens: [SieveToken]) {
        self.tokens = tokens
    }

    // commands = *command
    /// Stops at "}" or the end of the script; a command with an error is reported,
    /// skipped and left out.
    private mutating func commands() -> [SieveSyntax.Command] {
        var commands: [SieveSyntax.Command] = []
        while true {
            switch current.kind {
            case .rightBrace, .endOfScript:
                return commands
            case .identifier:
                let savedDepth = depth
                do {
                    commands.append(try command())
                } catch {
                    errors.append(error)
                    depth = savedDepth
                    skipCommand()
                }
            case .invalid:
                // The lexer has reported these characters already.
                skipCommand()
            default:
                errors.append(SieveError(location: current.location, message: "expected a command, found \(current.kind)"))
                skipCommand()
            }
        }
    }

    /// Skips the rest of a command after a syntax error: up to and including the next ";"
    /// outside any block, or the "}" closing a block opened while skipping; stops before a
    /// "}" that closes the enclosing block. Always moves past at least one token unless
    /// that token ends the enclosing block or the script.
    private mutating func skipCommand() {
        var braces = 0
        while true {
            switch current.kind {
            case .endOfScript:
                return
            case .semicolon where braces == 0:
                index += 1
                return
            case .leftBrace:
                braces += 1
            case .rightBrace:
                if braces == 0 { return }
                braces -= 1
                if braces == 0 {
                    index += 1
                    return
                }
            default:
                break
            }
            index += 1
        }
    }

    // command = identifier arguments (";" / block)
    // block = "{" commands "}"
    private mutating func command() throws(SieveError) -> SieveSyntax.Command {
        let start = current
        guard case .identifier(let name) = start.kind else {
            throw SieveError(location: start.location, message: "expected a command, found \(start.kind)")
        }
        index += 1
        let arguments = try self.arguments()
        switch current.kind {
        case .semicolon:
            index += 1
            return SieveSyntax.Command(name: name, arguments: arguments, block: nil, location: start.location)
        case .leftBrace:
            let brace = current
            try enter(at: brace.location)
            index += 1
            let block = commands()
            guard current.kind == .rightBrace else {
                throw SieveError(
                    location: current.location,
                    message: "expected '}' to close the block opened at \(brace.location), found \(current.kind)")
            }
            index += 1
            depth -= 1
            return SieveSyntax.Command(name: name, arguments: arguments, block: block, location: start.location)
        default:
            throw SieveError(location: current.location, message: "expected ';' or '{' after command '\(name)', found \(current.kind)")
        }
    }

    // test = identifier arguments
    private mutating func test() throws(SieveError) -> SieveSyntax.Test {
        let start = current
        guard case .identifier(let name) = start.kind else {
            throw SieveError(location: start.location, message: "expected a test, found \(start.kind)")
        }
        try enter(at: start.location)
        index += 1
        let arguments = try self.arguments()
        depth -= 1
        return SieveSyntax.Test(name: name, arguments: arguments, location: start.location)
    }

    // arguments = *argument [ test / test-list ]
    // test-list = "(" test *("," test) ")"
    private mutating func arguments() throws(SieveError) -> SieveSyntax.Arguments {
        var arguments: [SieveSyntax.Argument] = []
        while let argument = try argument() {
            arguments.append(argument)
        }
        switch current.kind {
        case .identifier:
            return SieveSyntax.Arguments(arguments: arguments, tests: [try test()], testsAreList: false)
        case .leftParenthesis:
            index += 1
            var tests = [try test()]
            while current.kind == .comma {
                index += 1
                tests.append(try test())
            }
            guard current.kind == .rightParenthesis else {
                throw SieveError(location: current.location, message: "expected ',' or ')' in test list, found \(current.kind)")
            }
            index += 1
            return SieveSyntax.Arguments(arguments: arguments, tests: tests, testsAreList: true)
        default:
            return SieveSyntax.Arguments(arguments: arguments, tests: [], testsAreList: false)
        }
    }

    // argument = string-list / number / tag
    // string-list = "[" string *("," string) "]" / string
    private mutating func argument() throws(SieveError) -> SieveSyntax.Argument? {
        let token = current
        let value: SieveSyntax.Argument.Value
        switch token.kind {
        case .tag(let name): value = .tag(name)
        case .number(let number): value = .number(number)
        case .string(let string): value = .strings([string], bracketed: false)
        case .leftBracket:
            index += 1
            var strings: [String] = []
            repeat {
                if !strings.isEmpty { index += 1 }
                guard case .string(let string) = current.kind else {
                    throw SieveError(location: current.location, message: "expected a string in string list, found \(current.kind)")
                }
                strings.append(string)
                index += 1
            } while current.kind == .comma
            guard current.kind == .rightBracket else {
                throw SieveError(location: current.location, message: "expected ',' or ']' in string list, found \(current.kind)")
            }
            value = .strings(strings, bracketed: true)
        default:
            return nil
        }
        index += 1
        return SieveSyntax.Argument(value: value, location: token.location)
    }

    private mutating func enter(at location: SourceLocation) throws(SieveError) {
        depth += 1
        guard depth <= SieveLimits.maximumNestingDepth else {
            throw SieveError(location: location, message: "nesting is deeper than \(SieveLimits.maximumNestingDepth) levels")
        }
    }

    private var current: SieveToken { tokens[index] }
}
