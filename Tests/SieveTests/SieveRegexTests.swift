import Testing

@testable import Sieve

/// The `:regex` match type and its Pike VM.
@Suite struct SieveRegexTests {
    private func match(_ pattern: String, _ text: String, caseInsensitive: Bool = false) throws -> [String?]? {
        var steps = 0
        let regex = try SieveRegex(pattern, caseInsensitive: caseInsensitive)
        let scalars = Array(text.unicodeScalars)
        return regex.firstMatch(in: scalars, steps: &steps)?.map { range in
            range.map { String(String.UnicodeScalarView(scalars[$0])) }
        }
    }

    @Test(
        arguments: [
            ("abc", "xxabcxx", ["abc"]),
            ("^abc$", "abc", ["abc"]),
            ("a|ab|abc", "abcd", ["abc"]),  // leftmost-longest, not first alternative
            ("(a+)(b*)", "xaabbb", ["aabbb", "aa", "bbb"]),
            (
                "([^-@]*)-([^-@]*)(-bounces)?@ant", "antlr-interest-bounces@ant",
                ["antlr-interest-bounces@ant", "antlr", "interest", "-bounces"]
            ),
            ("(x)?y", "y", ["y", nil]),
            ("a{2,3}", "aaaa", ["aaa"]),
            ("a{2}b", "aab", ["aab"]),
            ("[[:digit:]]+", "ab123c", ["123"]),
            ("[]a]+", "x]a]y", ["]a]"]),
            ("[^a-c]", "abcd", ["d"]),
            ("a.c", "a\nc", ["a\nc"]),
            ("\\.\\*", "x.*", [".*"]),
            ("", "abc", [""]),
            ("()", "a", ["", ""]),
        ] as [(String, String, [String?])])
    func matches(pattern: String, text: String, expected: [String?]) throws {
        #expect(try match(pattern, text) == expected)
    }

    @Test(arguments: [("abc", "abd"), ("^b", "ab"), ("a$", "ab"), ("[0-9]", "abc"), ("a{3}", "aa")])
    func doesNotMatch(pattern: String, text: String) throws {
        #expect(try match(pattern, text) == nil)
    }

    @Test func caseInsensitiveMatching() throws {
        #expect(try match("STEPHAN[+](sieve)", "stephan+SIEVE", caseInsensitive: true) == ["stephan+SIEVE", "SIEVE"])
        #expect(try match("[A-Z]+", "abc", caseInsensitive: true) == ["abc"])
        #expect(try match("[A-Z]+", "abc") == nil)
    }

    @Test(arguments: ["(+a)", "a)", "(a", "[]abc", "a{3,2}", "*a", "x|+", "[[:nope:]]", "a\\", "(a)\\1", "a{999}"])
    func invalidPatterns(pattern: String) {
        #expect(throws: SieveRegexError.self) { try SieveRegex(pattern, caseInsensitive: false) }
    }

    /// Exponential for a backtracking matcher; linear here.
    @Test(arguments: ["(a*)*b", "(a|a)*b", "(a|aa)*c", "((a*)*)*$b", "(a?){30}a{30}b"])
    func pathologicalPatternsFinishFast(pattern: String) throws {
        let text = Array(String(repeating: "a", count: 5000).unicodeScalars)
        let regex = try SieveRegex(pattern, caseInsensitive: false)
        var steps = 0
        #expect(regex.firstMatch(in: text, steps: &steps) == nil)
        #expect(steps <= text.count * regex.program.count * 2)
    }

    @Test func statesAreBounded() {
        let pattern = String(repeating: "(a{255}){255}", count: 1)
        #expect(throws: SieveRegexError.self) { try SieveRegex(pattern, caseInsensitive: false) }
        #expect(throws: SieveRegexError.self) { try SieveRegex("a" + String(repeating: "*", count: 100), caseInsensitive: false) }
    }

    /// A script whose regex work exceeds the step budget stops with an error, never hangs.
    @Test func stepBudgetStopsLongRuns() throws {
        let value = String(repeating: "a", count: 4000)
        let script = """
            require ["regex", "variables"];
            set "v" "\(value)";
            if string :regex ["${v}", "${v}", "${v}", "${v}", "${v}", "${v}", "${v}", "${v}", "${v}", "${v}"]
                "(a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q|r|s|t|u|v|w|x|y)*(a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q|r|s|t|u|v|w|x|y)*z" {
                discard;
            }
            """
        #expect(throws: SieveRuntimeError.self) { try runScript(script, message: "\n") }
    }

    /// Pigeonhole's documented example, with match variables.
    @Test func scriptCaptures() throws {
        let script = #"""
            require ["regex", "variables", "fileinto"];
            if address :regex :comparator "i;ascii-casemap" "from" "stephan(\\+(.*))?@friep\\.example\\.com" {
                fileinto "${2}";
            }
            if header :regex "subject" "^\\[([a-z]+)\\]" { fileinto "list-${1}"; }
            """#
        let run = try runScript(script, message: "From: Stephan+Sieve@friep.example.com\nSubject: [dovecot] hi\n\n")
        #expect(run.actions.count == 2)
        #expect(run.actions[0].contains(#""mailbox":"Sieve""#))
        #expect(run.actions[1].contains(#""mailbox":"list-dovecot""#))
    }

    @Test func compileErrors() {
        #expect(compileError(#"require "regex"; if header :regex "to" "(+a)" {}"#)?.message.contains("regular expression") == true)
        #expect(compileError(#"if header :regex "to" "a" {}"#) != nil)
        #expect(
            compileError(#"require ["regex", "comparator-i;ascii-numeric"]; if header :regex :comparator "i;ascii-numeric" "to" "a" {}"#)
                != nil)
    }

    /// A pattern from a variable that does not compile makes the test false, not the run fail.
    @Test func invalidRuntimePatternIsFalse() throws {
        let script = #"require ["regex", "variables"]; set "r" "["; if header :regex "to" "${r}" { discard; }"#
        #expect(try runScript(script, message: "To: a\n\n").actions.isEmpty)
    }
}
