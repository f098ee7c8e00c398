/// Builds the generic syntax tree from tokens; knows the grammar, not the commands.
/// - SeeAlso: RFC 5228 §8.2
struct SieveParser {
    private let tokens: [SieveToken]
    private var index = 0
    private var depth = 0

    /// Parses a whole script.
    static func parse(_ source: String) throws(SieveError) -> [SieveSyntax.Command] {
        guard source.utf8.count <= SieveLimits.maximumScriptSize else {
            throw SieveError(location: .start, message: "script is larger than \(SieveLimits.maximumScriptSize) bytes")
        }
        var parser = SieveParser(tokens: try SieveLexer.tokens(of: source))
        let commands = try parser.commands()
        let token = parser.current
        guard token.kind == .endOfScript else {
            throw SieveError(location: token.location, message: "expected a command, found \(token.kind)")
        }
        return commands
    }

    private init(tokens: [SieveToken]) {
        self.tokens = tokens
    }

    // commands = *command
    private mutating func commands() throws(SieveError) -> [SieveSyntax.Command] {
        var commands: [SieveSyntax.Command] = []
        while case .identifier = current.kind {
            commands.append(try command())
        }
        return commands
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
            let block = try commands()
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
