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

    /// §5.1 (:raw): the undecoded body, MIME boundaries and all.
    @Test func rawMakeMoneyFast() throws {
        let script = """
            require "body";

            if body :raw :contains "MAKE MONEY FAST" {
                    discard;
            }
            """
        try expectRun(script, on: Self.message, actions: [.discard], implicitKeep: false)
        try expectRun(script, on: "Subject: x\n\nhonest work\n", actions: [], implicitKeep: true)
        // Only :raw sees the application part.
        let text = #"require "body"; if body :text :contains "MAKE MONEY FAST" { discard; }"#
        try expectRun(text, on: Self.message, actions: [], implicitKeep: true)
    }

    /// §7 (examples). The RFC's three examples use fileinto with only `require "body"`;
    /// they are run with "fileinto" required as well. The first message splits "project
    /// schedule" over two lines, so the third test does not match it: the key is
    /// searched in the text as it is.
    static let examples = """
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

        # Save messages mentioning the project schedule in the
        # project/schedule folder.
        if body :text :contains "project schedule" {
                fileinto "project/schedule";
        }
        """

    @Test func examples() throws {
        try expectRun(Self.examples, on: Self.message, actions: [fileinto("secrets"), fileinto("jukebox")], implicitKeep: false)
        let plain = "Subject: plan\nContent-Type: text/plain\n\nThe Project Schedule slipped.\n"
        try expectRun(Self.examples, on: plain, actions: [fileinto("project/schedule")], implicitKeep: false)
        let coordinates = "Subject: x\n\nSend the coordinates.\n"
        try expectRun(Self.examples, on: coordinates, actions: [fileinto("secrets")], implicitKeep: false)
        #expect(compileError(#"require "body"; if body :text :contains "project schedule" { fileinto "x"; }"#) != nil)
    }
}
