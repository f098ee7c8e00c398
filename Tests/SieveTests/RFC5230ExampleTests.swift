import Testing

@testable import Sieve

/// Every example script of RFC 5230 (vacation), run against messages built for it.
/// vacation keeps the implicit keep (§6); without `:days` the interval is the default (nil).
@Suite struct RFC5230ExampleTests {
    /// The single vacation action of a run, or nil.
    private func vacation(_ script: String, _ message: String) throws -> SieveVacation? {
        let result = try runResult(script, message: message)
        #expect(result.implicitKeep)
        guard result.actions.count == 1, case .vacation(let vacation) = result.actions[0] else { return nil }
        return vacation
    }

    /// §4.2, first example: two different reasons are two responses.
    @Test func cyrusExample() throws {
        let script = """
            require "vacation";
            if header :contains "subject" "cyrus" {
                vacation "I'm out -- send mail to cyrus-bugs";
            } else {
                vacation "I'm out -- call me at +1 304 555 0123";
            }
            """
        let cyrus = try vacation(script, "Subject: cyrus crashed\n\n")
        #expect(cyrus?.reason == "I'm out -- send mail to cyrus-bugs")
        #expect(cyrus?.seconds == nil)
        #expect(try vacation(script, "Subject: lunch?\n\n")?.reason == "I'm out -- call me at +1 304 555 0123")
    }

    /// §4.2, second example, as printed (with `require ["vacation", "variables"];`):
    /// :subject with a match variable.
    @Test func subjectFromMatchVariable() throws {
        let script = """
            require ["vacation", "variables"];
            if header :matches "subject" "*" {
                vacation :subject "Automatic response to: ${1}"
                         "I'm away -- send mail to foo in my absence";
            }
            """
        let reply = try vacation(script, "Subject: Quarterly report\n\n")
        #expect(reply?.subject == "Automatic response to: Quarterly report")
        #expect(reply?.reason == "I'm away -- send mail to foo in my absence")
    }

    /// §4.2, third example (:handle): two reasons that count as one response.
    @Test(arguments: [
        ("Subject: lunch today?\n\n", "I'm out and can't meet for lunch"),
        ("Subject: meeting\n\n", "I'm out"),
    ])
    func sharedHandle(message: String, reason: String) throws {
        let script = """
            require "vacation";
            if header :contains "subject" "lunch" {
                vacation :handle "ran-away" "I'm out and can't meet for lunch";
            } else {
                vacation :handle "ran-away" "I'm out";
            }
            """
        let reply = try vacation(script, message)
        #expect(reply?.handle == "ran-away")
        #expect(reply?.reason == reason)
    }

    /// §4.4 (:mime): the reason is a MIME entity, kept as written (the second line of
    /// the DOCTYPE starts with a space, as printed).
    @Test func mimeReason() throws {
        let script = """
            require "vacation";
            vacation :mime text:
            Content-Type: multipart/alternative; boundary=foo

            --foo

            I'm at the beach relaxing.  Mmmm, surf...

            --foo
            Content-Type: text/html; charset=us-ascii

            <!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0//EN"
             "http://www.w3.org/TR/REC-html40/strict.dtd">
            <HTML><HEAD><TITLE>How to relax</TITLE>
            <BASE HREF="http://home.example.com/pictures/"></HEAD>
            <BODY><P>I'm at the <A HREF="beach.gif">beach</A> relaxing.
            Mmmm, <A HREF="ocean.gif">surf</A>...
            </BODY></HTML>

            --foo--
            .
            ;
            """
        let reply = try vacation(script, "Subject: hi\n\n")
        #expect(reply?.mime == true)
        #expect(reply?.reason.hasPrefix("Content-Type: multipart/alternative; boundary=foo\r\n\r\n--foo\r\n") == true)
        #expect(reply?.reason.hasSuffix("</BODY></HTML>\r\n\r\n--foo--\r\n") == true)
        #expect(reply?.reason.contains("4.0//EN\"\r\n \"http://www.w3.org/TR/REC-html40/strict.dtd\">\r\n") == true)
    }

    /// §4.8, first example: :addresses with :days 23; the reason spans two lines, the
    /// second starting at column 0 as printed.
    @Test func daysAndAddresses() throws {
        let script = """
            require "vacation";
            vacation :days 23 :addresses ["tjs@example.edu",
                                          "ts4z@landru.example.edu"]
            "I'm away until October 19.
            If it's an emergency, call 911, I guess." ;
            """
        let reply = try vacation(script, "Subject: hi\n\n")
        #expect(reply?.addresses == ["tjs@example.edu", "ts4z@landru.example.edu"])
        #expect(reply?.seconds == 23 * 86_400)
        #expect(reply?.reason == "I'm away until October 19.\r\nIf it's an emergency, call 911, I guess.")
    }

    /// §4.8, second example: redirect for the boss, vacation for everyone else.
    @Test func redirectOrVacation() throws {
        let script = """
            require "vacation";
            if header :contains "from" "boss@example.edu" {
                redirect "pleeb@isp.example.org";
            } else {
                vacation "Sorry, I'm away, I'll read your
            message when I get around to it.";
            }
            """
        try expectRun(script, on: "From: boss@example.edu\n\n", actions: [redirect("pleeb@isp.example.org")], implicitKeep: false)
        let reply = try vacation(script, "From: colleague@example.edu\n\n")
        #expect(reply?.reason == "Sorry, I'm away, I'll read your\r\nmessage when I get around to it.")
    }

    /// §7 (examples): the language of the reply follows the message's language fields.
    @Test(arguments: [
        ("Accept-Language: en-GB\n\n", "I am away this week."),
        ("Content-Language: en\n\n", "I am away this week."),
        ("Content-Language: es\n\n", "Estoy ausente esta semana."),
    ])
    func languageExample(message: String, reason: String) throws {
        let script = """
            require "vacation";
            if header :contains ["accept-language", "content-language"] "en"
            {
                vacation "I am away this week.";
            } else {
                vacation "Estoy ausente esta semana.";
            }
            """
        #expect(try vacation(script, message)?.reason == reason)
    }

    /// §7 (examples): a subject chosen by the sender's domain.
    @Test(arguments: [
        ("From: colleague@ourdivision.example.com\n\n", "Gone fishing", "Having lots of fun! Back in a day or two!"),
        ("From: client@example.fr\n\n", "Je suis parti cette semaine", "Je lirai votre message quand je retourne."),
    ])
    func subjectByDomain(message: String, subject: String, reason: String) throws {
        let script = """
            require "vacation";
            if address :matches "from" "*@ourdivision.example.com"
            {
                vacation :subject "Gone fishing"
                        "Having lots of fun! Back in a day or two!";
            } else {
                vacation :subject "Je suis parti cette semaine"
                        "Je lirai votre message quand je retourne.";
            }
            """
        let reply = try vacation(script, message)
        #expect(reply?.subject == subject)
        #expect(reply?.reason == reason)
    }
}
