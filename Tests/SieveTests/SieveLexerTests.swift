import Testing

@testable import Sieve

@Suite struct SieveLexerTests {
    private func kinds(_ source: String) throws -> [SieveToken.Kind] {
        try SieveLexer.tokens(of: source).map(\.kind)
    }

    @Test func everyTokenKind() throws {
        #expect(
            try kinds("if :is [\"a\", \"b\"] { } ( ) , ; 10 _x1") == [
                .identifier("if"), .tag("is"), .leftBracket, .string("a"), .comma, .string("b"), .rightBracket,
                .leftBrace, .rightBrace, .leftParenthesis, .rightParenthesis, .comma, .semicolon, .number(10),
                .identifier("_x1"), .endOfScript,
            ])
    }

    @Test(arguments: [("1K", UInt64(1024)), ("2k", 2048), ("1M", 1 << 20), ("3G", 3 << 30), ("0", 0), ("007", 7)])
    func numberQuantifiers(source: String, value: UInt64) throws {
        #expect(try kinds(source) == [.number(value), .endOfScript])
    }

    @Test func numberTooLargeIsAnError() {
        #expect(throws: SieveError.self) { try SieveLexer.tokens(of: "99999999999999999999") }
        #expect(throws: SieveError.self) { try SieveLexer.tokens(of: "9999999999G") }
    }

    @Test func quotedStringEscapes() throws {
        // RFC 5228 §2.4.2: \" and \\ are escapes; any other backslash just drops.
        #expect(try kinds(#""a\"b\\c\qd""#) == [.string(#"a"b\cqd"#), .endOfScript])
    }

    @Test func quotedStringMayContainLineBreaks() throws {
        #expect(try kinds("\"a\r\nb\"") == [.string("a\r\nb"), .endOfScript])
        #expect(try kinds("\"a\nb\"") == [.string("a\r\nb"), .endOfScript])
    }

    @Test func multiLineStringWithDotStuffing() throws {
        let crlf = "text:\r\nline one\r\n..leading dot\r\n.\r\n"
        #expect(try kinds(crlf) == [.string("line one\r\n.leading dot\r\n"), .endOfScript])
        let lf = "text: # comment\nline one\n..leading dot\n.\n"
        #expect(try kinds(lf) == [.string("line one\r\n.leading dot\r\n"), .endOfScript])
        // Only ".." loses a dot; a line with one leading "." keeps it (RFC 5228 §2.4.2).
        #expect(try kinds("text:\n.one\n..two\n.\n") == [.string(".one\r\n.two\r\n"), .endOfScript])
    }

    @Test func multiLineStringKeepsEscapesAndHashes() throws {
        #expect(try kinds("TEXT:\n\\\" # not a comment\n.\n") == [.string("\\\" # not a comment\r\n"), .endOfScript])
    }

    @Test func comments() throws {
        let source = "# hash\r\nkeep; /* bracket\r\n * comment */ stop; # last line without end"
        #expect(try kinds(source) == [.identifier("keep"), .semicolon, .identifier("stop"), .semicolon, .endOfScript])
    }

    @Test func locationsAreLineAndColumn() throws {
        let tokens = try SieveLexer.tokens(of: "keep;\r\n  /* x\n */ stop;")
        #expect(
            tokens.map(\.location) == [
                SourceLocation(line: 1, column: 1), SourceLocation(line: 1, column: 5),
                SourceLocation(line: 3, column: 5), SourceLocation(line: 3, column: 9), SourceLocation(line: 3, column: 10),
            ])
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let tokens = try SieveLexer.tokens(of: "\"é\" x")
        #expect(tokens[1].location == SourceLocation(line: 1, column: 5))
    }

    @Test(arguments: [
        ("\"open", "1:1", "unterminated string"),
        ("keep; /* open", "1:7", "unterminated comment"),
        ("text:\nabc\n", "1:1", "unterminated multi-line string"),
        ("text: x\n.\n", "1:7", "expected end of line"),
        ("keep;\n  @", "2:3", "unexpected character '@'"),
        ("keep;\r stop;", "1:6", "CR not followed by LF"),
        (": x", "1:1", "expected a tag name"),
        ("12ab", "1:3", "after number"),
    ])
    func lexicalErrors(source: String, location: String, message: String) {
        #expect {
            _ = try SieveLexer.tokens(of: source)
        } throws: { error in
            guard let error = error as? SieveError else { return false }
            return error.location.description == location && error.message.contains(message)
        }
    }
}
