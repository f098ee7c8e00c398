import Testing

@testable import Sieve

/// The `body` test against RFC 5173 §5 and §6.
@Suite struct SieveBodyTests {
    static let nested = """
        From: a@example.com
        Content-Type: multipart/mixed; boundary=outer

        This is the prologue.

        --outer
        Content-Type: multipart/alternative; boundary=inner

        --inner
        Content-Type: text/plain

        Hello
        --inner
        Content-Type: text/html

        <html><body>HTML &amp; Hello</body></html>
        --inner--
        --outer
        Content-Type: message/rfc822

        From: Someone Else
        Subject: enclosed

        Please say Hello
        --outer--
        This is the epilogue.

        """

    private func matches(_ test: String, message: String = nested) throws -> Bool {
        let run = try runScript(
            "require [\"body\", \"relational\", \"comparator-i;ascii-numeric\"]; if \(test) { discard; }", message: message)
        return run.actions == [discardJSON]
    }

    /// §5.2: "" is every type, "type" every subtype; a type with a leading, trailing or
    /// second slash matches none.
    @Test func contentTypeSpecifications() throws {
        #expect(try matches(#"body :content "text" :count "eq" :comparator "i;ascii-numeric" "3""#))
        #expect(try matches(#"body :content "text/html" :contains "<body>""#))
        #expect(try !matches(#"body :content "text/" :contains """#))
        #expect(try !matches(#"body :content "/plain" :contains """#))
        #expect(try !matches(#"body :content "text/plain/x" :contains """#))
    }

    /// §5.2: a multipart yields its prologue and epilogue, not its boundaries; a
    /// message/rfc822 part its header; the search descends into both.
    @Test func multipartAndEnclosedMessage() throws {
        #expect(try matches(#"body :content "multipart" :contains "This is the prologue""#))
        #expect(try matches(#"body :content "multipart" :contains "This is the epilogue""#))
        #expect(try !matches(#"body :content "multipart" :contains "--inner""#))
        #expect(try matches(#"body :content "message/rfc822" :matches "From: Someone Else?*Subject: enclosed?*""#))
        #expect(try !matches(#"body :content "message/rfc822" :contains "Please""#))
        #expect(try matches(#"body :content "text/plain" :contains "please say hello""#))
    }

    /// §5.1: `:text` is the text parts, HTML without its mark-up, and no prologue.
    @Test func textTransform() throws {
        #expect(try matches(#"body :text :contains "HTML & Hello""#))
        #expect(try !matches(#"body :text :contains "<body>""#))
        #expect(try !matches(#"body :text :contains "prologue""#))
        #expect(try matches(#"body :text :contains "Please say Hello""#))
    }

    /// RFC 2045 §6.4: an unknown transfer encoding makes a part opaque.
    @Test func unknownTransferEncodingIsNotText() throws {
        let message = "Content-Type: text/plain\nContent-Transfer-Encoding: x-frob\n\nHello\n"
        #expect(try !matches(#"body :text :contains "Hello""#, message: message))
        #expect(try matches(#"body :content "application/octet-stream" :contains "Hello""#, message: message))
    }

    /// §5: a header without the empty line after it has no body; every body test is false.
    @Test func headerOnlyMessageHasNoBody() throws {
        #expect(try !matches(#"body :raw :contains """#, message: "Subject: no body\n"))
        #expect(try matches(#"body :raw :is """#, message: "Subject: empty body\n\n"))
    }

    /// §6: body does not set match variables; the earlier values stay.
    @Test func bodyLeavesMatchVariables() throws {
        let script = """
            require ["body", "variables", "reject"];
            if header :matches "from" "*@*" {}
            if body :raw :matches "The * bad *" { reject "${1}"; }
            """
        let run = try runScript(script, message: "From: stephan@example.org\n\nThe big bad body.\n")
        #expect(run.actions == [#"{"action":"reject","reason":"stephan"}"#])
    }
}
