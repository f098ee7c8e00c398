import Testing

@testable import Sieve

/// Every example script of RFC 5429 (reject, ereject), run against messages built for it.
@Suite struct RFC5429ExampleTests {
    /// §2.1 (ereject).
    @Test func ereject() throws {
        let script = """
            require ["ereject"];

            if address "from" "someone@example.com" {
                ereject "I no longer accept mail from this address";
            }
            """
        try expectRun(
            script, on: "From: Someone <someone@example.com>\n\n",
            actions: [.reject(reason: "I no longer accept mail from this address", extended: true)], implicitKeep: false)
        try expectRun(script, on: "From: someone.else@example.com\n\n", actions: [], implicitKeep: true)
    }

    /// §2.2 (reject), first example: a multi-line reason.
    @Test func rejectTooBig() throws {
        let script = """
            require ["reject"];

            if size :over 100K {
                reject text:
            Your message is too big.  If you want to send me a big attachment,
            put it on a public web site and send me a URL.
            .
                ;
            }
            """
        let reason =
            "Your message is too big.  If you want to send me a big attachment,\r\nput it on a public web site and send me a URL.\r\n"
        let big = "Subject: big\n\n" + String(repeating: "x", count: 100 * 1024 + 1)
        try expectRun(script, on: big, actions: [.reject(reason: reason, extended: false)], implicitKeep: false)
        try expectRun(script, on: "Subject: small\n\n", actions: [], implicitKeep: true)
    }

    /// §2.2.1 (reject), second example.
    @Test func rejectCoyote() throws {
        let script = """
            require ["reject"];

            if header :contains "from" "coyote@desert.example.org" {
                reject text:
            I am not taking mail from you, and I don't
            want your birdseed, either!
            .
                ;
            }
            """
        let reason = "I am not taking mail from you, and I don't\r\nwant your birdseed, either!\r\n"
        try expectRun(
            script, on: "From: Wile E. Coyote <coyote@desert.example.org>\n\n", actions: [.reject(reason: reason, extended: false)],
            implicitKeep: false)
        try expectRun(script, on: "From: roadrunner@desert.example.org\n\n", actions: [], implicitKeep: true)
    }

    /// §2.1, §2.2: ereject needs "ereject" and reject needs "reject".
    @Test func eachNeedsItsCapability() {
        #expect(compileError(#"require "reject"; ereject "no";"#) != nil)
        #expect(compileError(#"require "ereject"; reject "no";"#) != nil)
    }
}
