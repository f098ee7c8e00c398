import Testing

@testable import Sieve

/// Every example script of RFC 5173 (body), run against messages built for it.
@Suite struct RFC5173ExampleTests {
    static let message = """
        From: agent@example.org
        Subject: status
        Content-Type: multipart/mixed; boundary="b1"

        --b1
        Content-Type: text/plain; charset=us-ascii

        The missile coordinates are attached.
        Please review the project
        schedule too.
        --b1
        Content-Type: audio/mp3
        Content-Transfer-Encoding: base64

        SUQzAwAAAAAA
        --b1
        Content-Type: application/octet-stream

        MAKE MONEY FAST
        --b1--

        """

    /// §5.1 (:raw), as printed: the undecoded body, MIME boundaries and all.
    @Test func rawMakeMoneyFast() throws {
        let script = """
            require "body";

            # This will match a message containing the literal text
            # "MAKE MONEY FAST" in body parts (ignoring any
            # content-transfer-encodings) or MIME headers other than
            # the outermost RFC 2822 header.

            if body :raw :contains "MAKE MONEY FAST" {
                    discard;
            }
            """
        try expectRun(script, on: Self.message, actions: [.discard], implicitKeep: false)
        try expectRun(script, on: "Subject: x\n\nhonest work\n", actions: [], implicitKeep: true)
        // Not the RFC's: only :raw sees the application part.
        let text = #"require "body"; if body :text :contains "MAKE MONEY FAST" { discard; }"#
        try expectRun(text, on: Self.message, actions: [], implicitKeep: true)
    }

    /// §5.2: the example message, without the '&', '$', '%' and '!' marks the RFC puts
    /// before the lines each test looks at.
    static let contentMessage = """
        From: Whomever
        To: Someone
        Date: Whenever
        Subject: whatever
        Content-Type: multipart/mixed; boundary=outer

        This is a multi-part message in MIME format.

        --outer
        Content-Type: multipart/alternative; boundary=inner

        This is a nested multi-part message in MIME format.

        --inner
        Content-Type: text/plain; charset="us-ascii"

        Hello

        --inner
        Content-Type: text/html; charset="us-ascii"

        <html><body>Hello</body></html>

        --inner--

        This is the end of the inner MIME multipart.

        --outer
        Content-Type: message/rfc822

        From: Someone Else
        Subject: hello request

        Please say Hello

        --outer--

        This is the end of the outer MIME multipart.

        """

    /// §5.2: each inline :content test of the RFC holds on the example message, as the
    /// RFC states by marking the lines it finds its key in ('&' for "multipart", '$'
    /// for "text/plain", '%' for "text/html", '$' and '%' for "text", '!' for
    /// "message/rfc822"). Each test is wrapped in `require "body"; if ... { discard; }`.
    @Test(arguments: [
        #"body :content "multipart" :contains "MIME""#,
        #"body :content "text/plain" :contains "Hello""#,
        #"body :content "text/html" :contains "Hello""#,
        #"body :content "text" :contains "Hello""#,
        #"body :content "message/rfc822" :contains "Hello""#,
    ])
    func contentTests(test: String) throws {
        let script = "require \"body\";\nif \(test) {\n    discard;\n}"
        try expectRun(script, on: Self.contentMessage, actions: [.discard], implicitKeep: false)
    }

    /// §5.2, derived from the marked lines (not stated by the RFC as a test): the
    /// multipart prologues and epilogues ('&') hold no "Hello", and the nested
    /// message's header ('!') does not hold its body's "Please".
    @Test(arguments: [
        #"body :content "multipart" :contains "Hello""#,
        #"body :content "message/rfc822" :contains "Please""#,
    ])
    func contentTestsThatFail(test: String) throws {
        let script = "require \"body\";\nif \(test) {\n    discard;\n}"
        try expectRun(script, on: Self.contentMessage, actions: [], implicitKeep: true)
    }

    /// §5.2, the :content example script, as printed.
    static let contentExample = """
        require ["body", "fileinto"];

        # Save any message with any text MIME part that contains the
        # words "missile" or "coordinates" in the "secrets" folder.

        if body :content "text" :contains ["missile", "coordinates"] {
                fileinto "secrets";
        }

        # Save any message with an audio/mp3 MIME part in
        # the "jukebox" folder.

        if body :content "audio/mp3" :contains "" {
                fileinto "jukebox";
        }
        """

    @Test func contentExample() throws {
        try expectRun(Self.contentExample, on: Self.message, actions: [fileinto("secrets"), fileinto("jukebox")], implicitKeep: false)
        let coordinates = "Subject: x\n\nSend the coordinates.\n"
        try expectRun(Self.contentExample, on: coordinates, actions: [fileinto("secrets")], implicitKeep: false)
        try expectRun(Self.contentExample, on: Self.contentMessage, actions: [], implicitKeep: true)
    }

    /// §5.3, the :text example script, as printed. The first message splits "project
    /// schedule" over two lines, so it does not match: the key is searched in the text
    /// as it is.
    static let textExample = """
        require ["body", "fileinto"];

        # Save messages mentioning the project schedule in the
        # project/schedule folder.
        if body :text :contains "project schedule" {
                fileinto "project/schedule";
        }
        """

    @Test func textExample() throws {
        let plain = "Subject: plan\nContent-Type: text/plain\n\nThe Project Schedule slipped.\n"
        try expectRun(Self.textExample, on: plain, actions: [fileinto("project/schedule")], implicitKeep: false)
        try expectRun(Self.textExample, on: Self.message, actions: [], implicitKeep: true)
        // Not the RFC's: without "fileinto" required the script does not compile.
        #expect(compileError(#"require "body"; if body :text :contains "project schedule" { fileinto "x"; }"#) != nil)
    }
}
