import Testing

@testable import Sieve

@Suite struct SieveParserTests {
    @Test func commandsArgumentsTestsAndBlocks() throws {
        let commands = try SieveScript.parse("if anyof (true, header :is \"a\" [\"b\",\"c\"]) { keep; } else { discard; }")
        #expect(commands.count == 2)
        #expect(commands[0].name == "if")
        #expect(commands[0].arguments.tests[0].name == "anyof")
        #expect(commands[0].arguments.tests[0].arguments.testsAreList)
        let header = commands[0].arguments.tests[0].arguments.tests[1]
        #expect(
            header.arguments.arguments.map(\.value) == [
                .tag("is"), .strings(["a"], bracketed: false), .strings(["b", "c"], bracketed: true),
            ])
        #expect(commands[0].block?.map(\.name) == ["keep"])
        #expect(commands[1].name == "else")
        #expect(commands[1].location == SourceLocation(line: 1, column: 53))
    }

    @Test func emptyScriptHasNoCommands() throws {
        #expect(try SieveScript.parse("").isEmpty)
        #expect(try SieveScript.parse("# only a comment\r\n").isEmpty)
    }

    @Test(arguments: [
        ("keep", "1:5", "expected ';' or '{'"),
        ("keep;\n}", "2:1", "expected a command"),
        ("if true { keep;", "1:16", "expected '}'"),
        ("if header :is [\"a\" \"b\"] \"c\" {}", "1:20", "expected ',' or ']'"),
        ("if header :is [] \"c\" {}", "1:16", "expected a string in string list"),
        ("if anyof (true; {}", "1:15", "expected ',' or ')'"),
        ("if anyof () {}", "1:11", "expected a test"),
        ("\"string\";", "1:1", "expected a command"),
        ("keep;\nstop;\nfoo 1 2 (", "3:10", "expected a test"),
    ])
    func syntaxErrors(source: String, location: String, message: String) {
        #expect {
            _ = try SieveScript.parse(source)
        } throws: { error in
            guard let error = error as? SieveError else { return false }
            return error.location.description == location && error.message.contains(message)
        }
    }

    @Test func nestingDeeperThanTheLimitFails() {
        let depth = SieveLimits.maximumNestingDepth + 1
        let source = String(repeating: "if true {", count: depth) + String(repeating: "}", count: depth)
        #expect(throws: SieveError.self) { try SieveScript.parse(source) }
        let tests = String(repeating: "not ", count: depth) + "true"
        #expect(throws: SieveError.self) { try SieveScript.parse("if \(tests) {}") }
        let allowed = SieveLimits.maximumNestingDepth - 1
        let fine = String(repeating: "if true {", count: allowed) + String(repeating: "}", count: allowed)
        #expect(throws: Never.self) { try SieveScript.parse(fine) }
    }

    @Test func scriptLargerThanTheLimitFails() {
        let source = "#" + String(repeating: "x", count: SieveLimits.maximumScriptSize)
        #expect(throws: SieveError(location: .start, message: "script is larger than \(SieveLimits.maximumScriptSize) bytes")) {
            try SieveScript.parse(source)
        }
    }
}
