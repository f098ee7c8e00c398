import Testing

@testable import Sieve

/// Every example script of RFC 5228, compiled and run against messages built for it.
/// §3.1's first example, §4.2 and the §9 extended example are in SieveRFC5228ExampleTests.
@Suite struct RFC5228ExampleTests {
    static let small = "From: a@example.org\nDate: Mon, 20 Jul 2009 21:44:43 +0300\nSubject: small\n\nhi\n"
    static let big = "From: a@example.org\nSubject: big\n\n" + String(repeating: "x", count: 600 * 1024) + "\n"

    /// §2.3: a hash comment runs to the end of the line.
    @Test func hashComment() throws {
        let script = """
            if size :over 100k { # this is a comment
                discard;
            }
            """
        try expectRun(script, on: Self.small, actions: [], implicitKeep: true)
        try expectRun(script, on: Self.big, actions: [.discard], implicitKeep: false)
    }

    /// §2.3: a bracketed comment may span lines and sit inside a command.
    @Test func bracketedComment() throws {
        let script = """
            if size :over 100K { /* this is a comment
                this is still a comment */ discard /* this is a comment
                */ ;
            }
            """
        try expectRun(script, on: Self.small, actions: [], implicitKeep: true)
        try expectRun(script, on: Self.big, actions: [.discard], implicitKeep: false)
    }

    /// §2.4.2.4: "$${hex:24 24}" is "$$$" once encoded-character is required. The RFC
    /// shows the test alone; it is run here with its `require`, and without it the
    /// string stays as written.
    @Test func encodedCharacter() throws {
        let script = """
            require "encoded-character";
            if header :contains "Subject" "$${hex:24 24}" {
                discard;
            }
            """
        try expectRun(script, on: "Subject: win $$$ now\n\n", actions: [.discard], implicitKeep: false)
        try expectRun(script, on: "Subject: win $$ now\n\n", actions: [], implicitKeep: true)
        let unrequired = #"if header :contains "Subject" "$${hex:24 24}" { discard; }"#
        try expectRun(unrequired, on: "Subject: win $$$ now\n\n", actions: [], implicitKeep: true)
        try expectRun(unrequired, on: "Subject: $${hex:24 24}\n\n", actions: [.discard], implicitKeep: false)
    }

    /// §2.5: a test list with `not` and `anyof`.
    @Test func anyofNotExists() throws {
        let script = """
            if anyof (not exists ["From", "Date"],
                      header :contains "from" "fool@example.com") {
                discard;
            }
            """
        try expectRun(script, on: "From: a@example.org\nSubject: no date\n\n", actions: [.discard], implicitKeep: false)
        try expectRun(script, on: Self.small, actions: [], implicitKeep: true)
        let fool = "From: Fool <fool@example.com>\nDate: Mon, 20 Jul 2009 21:44:43 +0300\n\n"
        try expectRun(script, on: fool, actions: [.discard], implicitKeep: false)
    }

    /// §2.7.3: "i;octet" compares exactly, so lowercase money is not caught.
    @Test func octetComparator() throws {
        let script = """
            if header :contains :comparator "i;octet" "Subject"
                "MAKE MONEY FAST" {
                discard;
            }
            """
        try expectRun(script, on: "Subject: MAKE MONEY FAST!!\n\n", actions: [.discard], implicitKeep: false)
        try expectRun(script, on: "Subject: make money fast\n\n", actions: [], implicitKeep: true)
    }

    /// §2.9: a command with a test and a block.
    @Test func sizeOver500K() throws {
        let script = "if size :over 500K { discard; }"
        try expectRun(script, on: Self.big, actions: [.discard], implicitKeep: false)
        try expectRun(script, on: Self.small, actions: [], implicitKeep: true)
    }

    /// §3.1: the second if/elsif/else example, with redirect in each branch.
    @Test(arguments: [
        ("From: Wile E. Coyote <coyote@desert.example.org>\nSubject: $$$\n\n", "acm@example.com"),
        ("From: a@example.org\nSubject: get $$$ now\n\n", "postmaster@example.com"),
        ("From: a@example.org\nSubject: hello\n\n", "field@example.com"),
    ])
    func ifElsifElseRedirect(message: String, address: String) throws {
        let script = """
            if header :contains ["From"] ["coyote"] {
                redirect "acm@example.com";
            } elsif header :contains "Subject" "$$$" {
                redirect "postmaster@example.com";
            } else {
                redirect "field@example.com";
            }
            """
        try expectRun(script, on: message, actions: [redirect(address)], implicitKeep: false)
    }

    /// §3.2: require before use.
    @Test func requireFileinto() throws {
        let script = """
            require "fileinto";
            if header :contains ["from"] "coyote" {
                fileinto "INBOX.harassment";
            }
            """
        try expectRun(
            script, on: "From: coyote@desert.example.org\n\n", actions: [fileinto("INBOX.harassment")], implicitKeep: false)
        try expectRun(script, on: "From: roadrunner@desert.example.org\n\n", actions: [], implicitKeep: true)
        #expect(compileError(#"if header :contains ["from"] "coyote" { fileinto "INBOX.harassment"; }"#) != nil)
    }

    /// §4.3: an explicit keep, and discard otherwise.
    @Test func keepSmallMessages() throws {
        let script = "if size :under 1M { keep; } else { discard; }"
        try expectRun(script, on: Self.small, actions: [.keep(flags: [])], implicitKeep: false)
        let huge = "Subject: huge\n\n" + String(repeating: "x", count: 1024 * 1024)
        try expectRun(script, on: huge, actions: [.discard], implicitKeep: false)
    }

    /// §4.4: discard.
    @Test func discardIdiot() throws {
        let script = """
            if header :contains ["from"] ["idiot@example.com"] {
                discard;
            }
            """
        try expectRun(script, on: "From: The Idiot <idiot@example.com>\n\n", actions: [.discard], implicitKeep: false)
        try expectRun(script, on: "From: genius@example.com\n\n", actions: [], implicitKeep: true)
    }

    /// §5.1: address :all on the From field, whatever its display name.
    @Test func addressIsAll() throws {
        let script = """
            if address :is :all "from" "tim@example.com" {
                discard;
            }
            """
        try expectRun(script, on: "From: \"Tim\" <Tim@Example.COM>\n\n", actions: [.discard], implicitKeep: false)
        try expectRun(script, on: "From: tim@example.net\n\n", actions: [], implicitKeep: true)
    }

    /// §5.4: envelope reads MAIL FROM, not the From field.
    @Test func envelopeFrom() throws {
        let script = """
            require "envelope";
            if envelope :all :is "from" "tim@example.com" {
                discard;
            }
            """
        try expectRun(script, on: "From: x@example.net\n\n", envelopeFrom: "tim@example.com", actions: [.discard], implicitKeep: false)
        try expectRun(script, on: "From: tim@example.com\n\n", envelopeFrom: "x@example.net", actions: [], implicitKeep: true)
    }

    /// §5.5: exists needs every field named.
    @Test func notExists() throws {
        let script = """
            if not exists ["From","Date"] {
                discard;
            }
            """
        try expectRun(script, on: "From: a@example.org\n\n", actions: [.discard], implicitKeep: false)
        try expectRun(script, on: Self.small, actions: [], implicitKeep: true)
    }

    /// §5.7: with "X-Caffeine: C8H10N4O2", `:is ""` is false and `:contains ""` true; an
    /// absent field matches no key, not even ""; `not header :matches "Cc" "?*"` holds
    /// for a Cc that is absent or only white space.
    @Test(arguments: [
        (#"header :is ["X-Caffeine"] [""]"#, "X-Caffeine: C8H10N4O2\n\n", false),
        (#"header :contains ["X-Caffeine"] [""]"#, "X-Caffeine: C8H10N4O2\n\n", true),
        (#"header :contains ["X-Caffeine"] [""]"#, "Subject: decaf\n\n", false),
        (#"header :is ["X-Caffeine"] [""]"#, "X-Caffeine:\n\n", true),
        (#"not header :matches "Cc" "?*""#, "Subject: no cc\n\n", true),
        (#"not header :matches "Cc" "?*""#, "Cc:   \n\n", true),
        (#"not header :matches "Cc" "?*""#, "Cc: a@example.org\n\n", false),
    ])
    func headerEmptyKey(test: String, message: String, holds: Bool) throws {
        try expectRun("if \(test) { discard; }", on: message, actions: holds ? [.discard] : [], implicitKeep: !holds)
    }
}
