import Testing

@testable import Sieve

/// Every example of RFC 5231 (relational), run against messages built for it.
@Suite struct RFC5231ExampleTests {
    /// §6: the message the tests of the example run against.
    static let message = """
        received: from a.example.com by b.example.com; Mon, 20 Jul 2009 21:44:43 +0300
        received: from c.example.com by a.example.com; Mon, 20 Jul 2009 21:44:40 +0300
        subject: example
        to: foo@example.com.invalid, baz@example.com.invalid
        cc: qux@example.com.invalid


        """

    /// §6: :count counts addresses for address, fields for header.
    @Test(arguments: [
        (#"address :count "ge" :comparator "i;ascii-numeric" ["to", "cc"] ["3"]"#, true),
        (
            #"anyof (address :count "ge" :comparator "i;ascii-numeric" ["to"] ["3"], address :count "ge" :comparator "i;ascii-numeric" ["cc"] ["3"])"#,
            false
        ),
        (#"header :count "ge" :comparator "i;ascii-numeric" ["received"] ["3"]"#, false),
        (#"header :count "ge" :comparator "i;ascii-numeric" ["received", "subject"] ["3"]"#, true),
        (#"header :count "ge" :comparator "i;ascii-numeric" ["to", "cc"] ["3"]"#, false),
    ])
    func countExamples(test: String, holds: Bool) throws {
        let script = """
            require ["relational", "comparator-i;ascii-numeric"];
            if \(test) { discard; }
            """
        try expectRun(script, on: Self.message, actions: holds ? [.discard] : [], implicitKeep: !holds)
    }

    /// §6, the extended example, byte for byte.
    static let extendedExample = """
        require ["relational", "comparator-i;ascii-numeric", "fileinto"];

        if header :value "lt" :comparator "i;ascii-numeric"
                  ["x-priority"] ["3"]
        {
            fileinto "Priority";
        }

        elsif address :count "gt" :comparator "i;ascii-numeric"
                      ["to"] ["5"]
        {
            # everything with more than 5 recipients in the "to" field
            # is considered SPAM
            fileinto "SPAM";
        }

        elsif address :value "gt" :all :comparator "i;ascii-casemap"
                      ["from"] ["M"]
        {
            fileinto "From N-Z";
        } else {
            fileinto "From A-M";
        }

        if allof ( address :count "eq" :comparator "i;ascii-numeric"
                           ["to", "cc"] ["1"] ,
                   address :all :comparator "i;ascii-casemap"
                           ["to", "cc"] ["me@foo.example.com"] )
        {
            fileinto "Only me";
        }
        """

    @Test(arguments: [
        ("From: zed@example.com\nTo: a@example.com\nX-Priority: 1\n\n", ["Priority"]),
        ("From: zed@example.com\nTo: a@x, b@x, c@x, d@x, e@x, f@x\nX-Priority: 3\n\n", ["SPAM"]),
        ("From: Zed <zed@example.com>\nTo: a@example.com\n\n", ["From N-Z"]),
        ("From: alice@example.com\nTo: a@x, b@x, c@x, d@x, e@x\n\n", ["From A-M"]),
        ("From: alice@example.com\nTo: Me <ME@foo.example.com>\n\n", ["From A-M", "Only me"]),
        ("From: zed@example.com\nCc: me@foo.example.com\nX-Priority: 2\n\n", ["Priority", "Only me"]),
    ])
    func extendedExample(message: String, mailboxes: [String]) throws {
        try expectRun(Self.extendedExample, on: message, actions: mailboxes.map(fileinto), implicitKeep: false)
    }
}
