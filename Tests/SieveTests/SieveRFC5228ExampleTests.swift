import Testing

@testable import Sieve

/// The example scripts of RFC 5228, run against small messages, and behaviour that RFC
/// 5228 describes without an example (marked so). The other examples are in
/// RFC5228ExampleTests.
@Suite struct SieveRFC5228ExampleTests {
    /// RFC 5228 §9, byte for byte.
    static let extendedExample = """
        #
        # Example Sieve Filter
        # Declare any optional features or extension used by the script
        #
        require ["fileinto"];

        #
        # Handle messages from known mailing lists
        # Move messages from IETF filter discussion list to filter mailbox
        #
        if header :is "Sender" "owner-ietf-mta-filters@imc.org"
                {
                fileinto "filter";  # move to "filter" mailbox
                }
        #
        # Keep all messages to or from people in my company
        #
        elsif address :DOMAIN :is ["From", "To"] "example.com"
                {
                keep;               # keep in "In" mailbox
                }

        #
        # Try and catch unsolicited email.  If a message is not to me,
        # or it contains a subject known to be spam, file it away.
        #
        elsif anyof (NOT address :all :contains
                       ["To", "Cc", "Bcc"] "me@example.com",
                     header :matches "subject"
                       ["*make*money*fast*", "*university*dipl*mas*"])
                {
                fileinto "spam";   # move to "spam" mailbox
                }
        else
                {
                # Move all other (non-company) mail to "personal"
                # mailbox.
                fileinto "personal";
                }

        """

    @Test(arguments: [
        (
            "Sender: owner-ietf-mta-filters@imc.org\nFrom: a@b.org\n\nbody\n",
            #"{"action":"fileinto","mailbox":"filter","flags":[],"copy":false,"create":false}"#
        ),
        ("From: Boss <boss@EXAMPLE.com>\nTo: me@example.net\n\nbody\n", keepJSON),
        (
            "From: x@spam.example\nTo: someone@else.example\n\nbody\n",
            #"{"action":"fileinto","mailbox":"spam","flags":[],"copy":false,"create":false}"#
        ),
        (
            "From: x@spam.example\nTo: list@lists.example\nCc: me@example.com\nSubject: Make MONEY fast!!\n\n",
            #"{"action":"fileinto","mailbox":"spam","flags":[],"copy":false,"create":false}"#
        ),
        (
            "From: friend@home.example\nCc: Me <me@example.com>\nSubject: hi\n\n",
            #"{"action":"fileinto","mailbox":"personal","flags":[],"copy":false,"create":false}"#
        ),
    ])
    func extendedExample(message: String, expected: String) throws {
        let run = try runScript(Self.extendedExample, message: message)
        #expect(run.actions == [expected])
        #expect(!run.implicitKeep)
    }

    /// RFC 5228 §3.1, first example: messages A and B of §1.2 are both dropped.
    @Test func ifElsifElse() throws {
        let script = """
            require "fileinto";
            if header :contains "from" "coyote" {
               discard;
            } elsif header :contains ["subject"] ["$$$"] {
               discard;
            } else {
               fileinto "INBOX";
            }
            """
        #expect(try runScript(script, message: RFC5228ExampleTests.messageA).actions == [discardJSON])
        #expect(try runScript(script, message: RFC5228ExampleTests.messageB).actions == [discardJSON])
        #expect(try runScript(script, message: "From: Wile E. Coyote <coyote@acme.example>\n\n").actions == [discardJSON])
        #expect(try runScript(script, message: "From: a@b\nSubject: win $$$\n\n").actions == [discardJSON])
        #expect(
            try runScript(script, message: "From: a@b\nSubject: hello\n\n").actions == [
                #"{"action":"fileinto","mailbox":"INBOX","flags":[],"copy":false,"create":false}"#
            ])
    }

    /// Behaviour RFC 5228 §3.3 describes (not an RFC example): stop ends the script,
    /// and the implicit keep, not cancelled, is taken.
    @Test func stopLeavesImplicitKeep() throws {
        let run = try runScript("if true { stop; } discard;", message: "\n")
        #expect(run.actions.isEmpty)
        #expect(run.implicitKeep)
    }

    /// RFC 5228 §4.2: redirect all mail.
    @Test func redirect() throws {
        let run = try runScript(#"redirect "bart@example.com";"#, message: "Subject: x\n\n")
        #expect(run.actions == [#"{"action":"redirect","address":"bart@example.com","copy":false}"#])
        #expect(!run.implicitKeep)
    }

    /// Behaviour RFC 5228 §5.1 and §2.7.4 describe (not an RFC example): the address
    /// test never looks at the phrase or comments, and :localpart is the part left of
    /// "@". The §5.1 and §5.4 examples themselves are RFC5228ExampleTests.addressIsAll
    /// and .envelopeFrom, and the §5.5 example is RFC5228ExampleTests.notExists.
    @Test func addressLocalpartIgnoresPhraseAndComment() throws {
        let localpart = #"if address :localpart :is "to" "tim" { discard; }"#
        #expect(try runScript(localpart, message: "To: \"Tim T\" <TIM@example.com> (comment), other@x\n\n").actions == [discardJSON])
        #expect(try runScript(localpart, message: "To: tom@example.com\n\n").actions.isEmpty)
    }

    /// Behaviour RFC 5228 §2.7.2 describes (not an RFC example): encoded words in header
    /// fields are decoded to UTF-8 before comparison.
    @Test func encodedWordsAreDecoded() throws {
        let script = #"if header :contains "subject" "Grüße" { discard; }"#
        #expect(try runScript(script, message: "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= aus\n\n").actions == [discardJSON])
        #expect(try runScript(script, message: "Subject: =?ISO-8859-1?B?R3L832U=?=\n\n").actions == [discardJSON])
    }

    /// Behaviour RFC 5228 §2.7.3 describes (not an RFC example; the section's example is
    /// RFC5228ExampleTests.octetComparator): "i;octet" is case-sensitive, the default
    /// "i;ascii-casemap" is not.
    @Test func comparators() throws {
        let octet = #"if header :comparator "i;octet" :is "subject" "Hello" { discard; }"#
        #expect(try runScript(octet, message: "Subject: hello\n\n").actions.isEmpty)
        #expect(try runScript(octet, message: "Subject: Hello\n\n").actions == [discardJSON])
        let casemap = #"if header :is "subject" "HELLO" { discard; }"#
        #expect(try runScript(casemap, message: "Subject: hello\n\n").actions == [discardJSON])
    }

    /// Behaviour RFC 5228 §2.10.3 describes (not an RFC example): the same action twice
    /// is done once.
    @Test func duplicateActionsMergeAndKeepCounts() throws {
        let run = try runScript(#"keep; keep; redirect "a@b.c"; redirect "A@b.c"; discard; discard;"#, message: "\n")
        #expect(run.actions == [keepJSON, #"{"action":"redirect","address":"a@b.c","copy":false}"#, discardJSON])
        #expect(!run.implicitKeep)
    }

    /// Compile errors RFC 5228 calls for (not RFC examples), with where they are reported.
    @Test(arguments: [
        ("fileinto \"x\";", "1:1", "requires \"fileinto\""),
        ("require \"nonsense\";", "1:9", "unsupported capability 'nonsense'"),
        ("keep;\nrequire \"fileinto\";", "2:1", "must come before"),
        ("if true;", "1:1", "'if' needs a block"),
        ("else { keep; }", "1:1", "without a preceding 'if'"),
        ("if header :is :contains \"a\" \"b\" {}", "1:15", "only one match type"),
        ("if header :bogus \"a\" \"b\" {}", "1:11", "unknown tag ':bogus'"),
        ("if header :comparator \"i;nope\" \"a\" \"b\" {}", "1:23", "unknown comparator"),
        ("if header :comparator \"i;ascii-numeric\" \"a\" \"b\" {}", "1:23", "requires \"comparator-i;ascii-numeric\""),
        ("if size 10 {}", "1:4", "needs ':over' or ':under'"),
        ("if header \"a\" {}", "1:4", "missing its keys"),
        ("keep \"x\";", "1:6", "too many arguments"),
        ("frobnicate;", "1:1", "unknown command"),
        ("if frob {}", "1:4", "unknown test"),
        ("redirect \"not an address\";", "1:10", "not a valid address"),
        ("discard { }", "1:1", "does not take a block"),
        ("if allof true {}", "1:4", "needs a test list"),
        ("if (true) {}", "1:1", "exactly one test"),
        ("if address :all :domain \"to\" \"x\" {}", "1:17", "only one address part"),
        ("if header :is [\"a\"] [\"b\"] :contains {}", "1:27", "unexpected tag ':contains'"),
    ])
    func validationErrors(script: String, location: String, message: String) {
        let error = compileError(script)
        #expect(error?.location.description == location)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }
}
