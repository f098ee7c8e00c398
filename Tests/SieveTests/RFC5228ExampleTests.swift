import Testing

@testable import Sieve

/// Every example script of RFC 5228, compiled and run against messages built for it.
/// §3.1's first example, §4.2 and the §9 extended example are in SieveRFC5228ExampleTests.
@Suite struct RFC5228ExampleTests {
    static let small = "From: a@example.org\nDate: Mon, 20 Jul 2009 21:44:43 +0300\nSubject: small\n\nhi\n"
    static let big = "From: a@example.org\nSubject: big\n\n" + String(repeating: "x", count: 600 * 1024) + "\n"

    /// §1.2, message A (its body shortened).
    static let messageA = """
        Date: Tue, 1 Apr 1997 09:06:31 -0800 (PST)
        From: coyote@desert.example.org
        To: roadrunner@acme.example.com
        Subject: I have a present for you

        Look, I'm sorry about the whole anvil thing, and I really
        didn't mean to try and drop it on you from the top of the
        cliff.
        --
        Wile E. Coyote   "Super Genius"   coyote@desert.example.org

        """

    /// §1.2, message B (its body shortened).
    static let messageB = """
        From: youcouldberich!@reply-by-postal-mail.invalid
        Sender: b1ff@de.res.example.com
        To: rube@landru.example.com
        Date:  Mon, 31 Mar 1997 18:26:10 -0800
        Subject: $$$ YOU, TOO, CAN BE A MILLIONAIRE! $$$

        YOU MAY HAVE ALREADY WON TEN MILLION DOLLARS, BUT I DOUBT
        IT!

        """

    /// §2.4.2.1: a test with a header list and a key list is true if any field named
    /// contains any key.
    @Test(arguments: [
        ("To: me00@landru.example.com\n\n", true),
        ("To: someone@example.org\nCc: Me <me@example.com>\n\n", true),
        ("To: someone@example.org\nCc: other@example.org\n\n", false),
        ("From: me@example.com\n\n", false),
    ])
    func stringLists(message: String, holds: Bool) throws {
        let script = """
            if header :contains ["To", "Cc"] ["me@example.com", "me00@landru.example.com"] {
                discard;
            }
            """
        try expectRun(script, on: message, actions: holds ? [.discard] : [], implicitKeep: !holds)
    }

    /// §2.4.2.1: a single string is a list of one, so 'exists "To"' is 'exists ["To"]'.
    @Test(arguments: [#"exists "To""#, #"exists ["To"]"#])
    func singleStringIsAList(test: String) throws {
        let script = "if \(test) { discard; }"
        try expectRun(script, on: "To: a@example.org\n\n", actions: [.discard], implicitKeep: false)
        try expectRun(script, on: "From: a@example.org\n\n", actions: [], implicitKeep: true)
    }

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

    /// §2.4.2.4, as printed (with `require "encoded-character";` and `{ discard; }`):
    /// "$${hex:24 24}" is "$$$", so message B (whose subject holds "$$$") is discarded.
    /// The last two runs are not the RFC's: without the `require` the string stays as
    /// written (§2.10.5).
    @Test func encodedCharacter() throws {
        let script = """
            require "encoded-character";
            if header :contains "Subject" "$${hex:24 24}" {
                discard;
            }
            """
        try expectRun(script, on: Self.messageB, actions: [.discard], implicitKeep: false)
        try expectRun(script, on: Self.messageA, actions: [], implicitKeep: true)
        try expectRun(script, on: "Subject: win $$$ now\n\n", actions: [.discard], implicitKeep: false)
        try expectRun(script, on: "Subject: win $$ now\n\n", actions: [], implicitKeep: true)
        let unrequired = #"if header :contains "Subject" "$${hex:24 24}" { discard; }"#
        try expectRun(unrequired, on: "Subject: win $$$ now\n\n", actions: [], implicitKeep: true)
        try expectRun(unrequired, on: "Subject: $${hex:24 24}\n\n", actions: [.discard], implicitKeep: false)
    }

    /// §2.4.2.4: each row of the table of valid and invalid encodings. A string is made
    /// visible by rejecting with it; "error" rows must not compile.
    @Test(
        arguments: [
            (#""$${hex:40}""#, "$@"),
            (#""${hex: 40 }""#, "@"),
            (#""${HEX: 40}""#, "@"),
            (#""${hex:40""#, "${hex:40"),
            (#""${hex:400}""#, "${hex:400}"),
            (#""${hex:4${hex:30}}""#, "${hex:40}"),
            (#""${unicode:40}""#, "@"),
            (#""${ unicode:40}""#, "${ unicode:40}"),
            (#""${UNICODE:40}""#, "@"),
            (#""${UnICoDE:0000040}""#, "@"),
            (#""${Unicode:40}""#, "@"),
            (#""${Unicode:Cool}""#, "${Unicode:Cool}"),
            (#""${unicode:200000}""#, nil),
            // The RFC prints this row without its closing quote ("${Unicode:DF01} -> error).
            (#""${Unicode:DF01}""#, nil),
        ] as [(String, String?)])
    func encodedCharacterTable(string: String, value: String?) throws {
        let script = "require [\"encoded-character\", \"reject\"];\nreject \(string);"
        if let value {
            try expectRun(script, on: "\n", actions: [.reject(reason: value, extended: false)], implicitKeep: false)
        } else {
            #expect(compileError(script) != nil, "\(string) must be an error")
        }
    }

    /// §2.5.1: a test list with `not` and `anyof`.
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
        try expectRun(script, on: "Subject: You can MAKE MONEY FAST\n\n", actions: [.discard], implicitKeep: false)
        try expectRun(script, on: "Subject: You can Make Money Fast\n\n", actions: [], implicitKeep: true)
        try expectRun(script, on: "Subject: MAKE MONEY FAST!!\n\n", actions: [.discard], implicitKeep: false)
        try expectRun(script, on: "Subject: make money fast\n\n", actions: [], implicitKeep: true)
    }

    /// §2.10.2: with any of the short messages of §1.2 this script takes no action, so
    /// the implicit keep is taken.
    @Test func sizeOver500K() throws {
        let script = "if size :over 500K { discard; }"
        try expectRun(script, on: Self.messageA, actions: [], implicitKeep: true)
        try expectRun(script, on: Self.messageB, actions: [], implicitKeep: true)
        try expectRun(script, on: Self.big, actions: [.discard], implicitKeep: false)
    }

    /// §3.1: the second if/elsif/else example: message A goes to acm@example.com,
    /// message B to postmaster@example.com, any other message to field@example.com.
    @Test(arguments: [
        (RFC5228ExampleTests.messageA, "acm@example.com"),
        (RFC5228ExampleTests.messageB, "postmaster@example.com"),
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

    /// §3.2: the two require examples, as printed; they compile and, alone, take no
    /// action.
    @Test(arguments: [
        #"require ["fileinto", "reject"];"#,
        """
        require "fileinto";
        require "vacation";
        """,
    ])
    func requireExamples(script: String) throws {
        #expect(compileError(script) == nil)
        try expectRun(script, on: Self.messageA, actions: [], implicitKeep: true)
    }

    /// §4.1: message A is filed into "INBOX.harassment". Without its `require` the
    /// script does not compile (§3.2).
    @Test func fileintoHarassment() throws {
        let script = """
            require "fileinto";
            if header :contains ["from"] "coyote" {
                fileinto "INBOX.harassment";
            }
            """
        try expectRun(script, on: Self.messageA, actions: [fileinto("INBOX.harassment")], implicitKeep: false)
        try expectRun(script, on: Self.messageB, actions: [], implicitKeep: true)
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

    /// §4.3, second example: "identical" to the first; the small message is kept (by
    /// the implicit keep here), the huge one discarded.
    @Test func notSizeUnder1M() throws {
        let script = "if not size :under 1M { discard; }"
        try expectRun(script, on: Self.small, actions: [], implicitKeep: true)
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

    /// §5.2 and §5.3: the truth tables of allof and anyof.
    @Test(arguments: [
        ("allof (false, false)", false),
        ("allof (false, true)", false),
        ("allof (true, true)", true),
        ("anyof (false, false)", false),
        ("anyof (false, true)", true),
        ("anyof (true, true)", true),
    ])
    func allofAnyof(test: String, holds: Bool) throws {
        try expectRun("if \(test) { discard; }", on: "\n", actions: holds ? [.discard] : [], implicitKeep: !holds)
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

    /// §5.5: mail without a From and a Date field is thrown out; exists needs every
    /// field named.
    @Test func notExists() throws {
        let script = """
            if not exists ["From","Date"] {
                discard;
            }
            """
        try expectRun(script, on: "From: a@example.org\n\n", actions: [.discard], implicitKeep: false)
        try expectRun(script, on: "Date: Mon, 31 Mar 1997 18:26:10 -0800\n\n", actions: [.discard], implicitKeep: false)
        try expectRun(script, on: Self.small, actions: [], implicitKeep: true)
        try expectRun(script, on: Self.messageA, actions: [], implicitKeep: true)
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

    /// §5.8: "not false" evaluates to "true" and "not true" to "false".
    @Test(arguments: [("not false", true), ("not true", false)])
    func not(test: String, holds: Bool) throws {
        try expectRun("if \(test) { discard; }", on: "\n", actions: holds ? [.discard] : [], implicitKeep: !holds)
    }
}
