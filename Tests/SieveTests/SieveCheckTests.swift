import Testing

@testable import Sieve

/// `SieveScript.check`: every error of a script at once, with the parser and validator
/// recovering after each.
@Suite struct SieveCheckTests {
    private func locations(_ errors: [SieveError]) -> [String] { errors.map { $0.location.description } }

    @Test func validationErrorsAreAllReported() {
        let script = """
            require ["fileinto", "frobnicate"];
            if header :bogus "a" "b" { keep; }
            fileinto;
            if true { stop 3; }
            keep;
            """
        let errors = SieveScript.check(script)
        #expect(locations(errors) == ["1:9", "2:11", "3:1", "4:16"])
        #expect(errors[0].message.contains("frobnicate"))
        // compile throws the first of them.
        #expect(compileError(script) == errors[0])
    }

    @Test func validScriptHasNoErrors() {
        #expect(SieveScript.check(#"require "fileinto"; if header :is "to" "a" { fileinto "b"; } keep;"#).isEmpty)
    }

    /// A missing ";" before "}" is one error; the parser goes on after the block.
    @Test func parserResynchronisesAtEndOfBlock() {
        let script = """
            if true {
                keep
            }
            if true {
                keep, keep
            }
            if true { discard; }
            if anyof(true,) { }
            """
        let errors = SieveScript.check(script)
        #expect(locations(errors) == ["3:1", "5:9", "8:15"])
    }

    /// Syntax errors come alone: a script that does not parse is not validated.
    @Test func syntaxErrorsSuppressValidation() {
        let errors = SieveScript.check("frobnicate;\nkeep $$;\n")
        #expect(locations(errors) == ["2:6", "2:6"])
        #expect(errors[0].message.contains("unexpected characters '$$'"))
    }

    @Test func lexerGoesOnAfterANumberTooLarge() {
        let errors = SieveScript.check("if size :over 99999999999999999999 { stop; }\nif size :under 99999999999G { stop; }\n")
        #expect(locations(errors) == ["1:15", "2:16"])
    }

    /// A command given a test it does not take: a test name says so, another name
    /// suggests the missing semicolon; the arguments are not checked as well.
    @Test func missingSemicolonIsOneError() {
        let errors = SieveScript.check("keep\nredirect \"a@example.com\";\nfileinto true;\n")
        #expect(errors.count == 2)
        #expect(errors[0].message.contains("missing semicolon after the 'keep' command"))
        #expect(errors[1].message.contains("does not take a test"))
    }

    /// A test's arguments and its unwanted sub-test are separate errors; a tag written
    /// without its colon is recognised.
    @Test func tagWithoutColon() {
        let errors = SieveScript.check(#"if address matches "from" "*x*" { stop; }"#)
        #expect(errors.count == 2)
        #expect(errors[1].message.contains("missing colon before the 'matches' tag"))
    }

    /// An if-less elsif/else chain is one error.
    @Test func ifLessChainIsOneError() {
        #expect(SieveScript.check("elsif true { keep; } elsif false { keep; } else { }").count == 1)
    }

    @Test func errorsAreCapped() {
        let script = String(repeating: "frobnicate;\n", count: 200)
        #expect(SieveScript.check(script).count == SieveLimits.maximumCompileErrors)
    }

    /// RFC 5228 §2.6.2: tagged arguments come before positional ones.
    @Test func tagAfterPositionalArgument() {
        #expect(compileError("if size 34M :over { stop; }")?.message.contains("unexpected tag ':over'") == true)
    }

    /// RFC 5228 §5.1: the address test only reads fields that hold addresses.
    @Test func addressTestOnlyOnAddressFields() throws {
        #expect(compileError(#"if address :is "subject" "x" { stop; }"#)?.message.contains("not allowed in the address test") == true)
        #expect(compileError(#"if address :is ["to", "reply-to", "resent-cc"] "x" { stop; }"#) == nil)
        // A name from a variable that is not an address field matches nothing.
        let script = """
            require "variables";
            set "h" "subject";
            if address :all :is "${h}" "a@example.com" { discard; }
            """
        let run = try runScript(script, message: "Subject: a@example.com\n\n")
        #expect(run.actions.isEmpty)
    }

    /// RFC 5228 §4.2, RFC 5322 §3.4: redirect addresses are checked strictly.
    @Test(arguments: [
        "Stephan Bosch error@example.org", "Name <error@example.org", " more error @ example.com ", "rüdiger@example.com",
        "a@example.org,b@example.net", "error@", "@example.com",
    ])
    func invalidRedirectAddress(address: String) {
        #expect(compileError("redirect \"\(quoted(address))\";")?.message.contains("is not a valid address") == true)
    }

    @Test(arguments: [
        "Ok Good <stephan@example.org>", " more  @  example.com  ", ".japanese@example.com", "\"quoted local\"@example.com",
        "Günther M. Karotte <g.m.karotte@example.com>", "user@[192.0.2.1]",
    ])
    func validRedirectAddress(address: String) {
        #expect(compileError("redirect \"\(quoted(address))\";") == nil)
    }

    /// `text` as the inside of a Sieve quoted string.
    private func quoted(_ text: String) -> String {
        text.map { $0 == "\"" || $0 == "\\" ? "\\\($0)" : String($0) }.joined()
    }

    /// RFC 6609 §3.2 / RFC 5804 §1.6: line and paragraph separators are not allowed in
    /// script names.
    @Test func scriptNameWithLineSeparator() {
        #expect(compileError("require \"include\"; include \"a\u{2028}b\";")?.message.contains("invalid script name") == true)
    }
}
