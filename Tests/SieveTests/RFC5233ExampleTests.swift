import Testing

@testable import Sieve

/// The example script of RFC 5233 (subaddress, separator "+"), and the examples of
/// :user and :detail in its text.
@Suite struct RFC5233ExampleTests {
    /// §4, byte for byte.
    static let example = """
        require ["envelope", "subaddress", "fileinto"];

        # In this example the same user account receives mail for both
        # "ken@example.com" and "postmaster@example.com"

        # File all messages to postmaster into a single mailbox,
        # ignoring the :detail part.
        if envelope :user "to" "postmaster" {
            fileinto "inbox.postmaster";
            stop;
        }

        # File mailing list messages (subscribed as "ken+mta-filters").
        if envelope :detail "to" "mta-filters" {
            fileinto "inbox.ietf-mta-filters";
        }

        # Redirect all mail sent to "ken+foo".
        if envelope :detail "to" "foo" {
            redirect "ken@example.net";
        }
        """

    @Test(
        arguments: [
            ("postmaster@example.com", [fileinto("inbox.postmaster")], false),
            ("postmaster+mta-filters@example.com", [fileinto("inbox.postmaster")], false),
            ("ken+mta-filters@example.com", [fileinto("inbox.ietf-mta-filters")], false),
            ("ken+foo@example.com", [redirect("ken@example.net")], false),
            ("ken@example.com", [], true),
            ("ken+bar@example.com", [], true),
        ] as [(String, [SieveAction], Bool)])
    func example(recipient: String, actions: [SieveAction], implicitKeep: Bool) throws {
        try expectRun(Self.example, on: "Subject: x\n\n", envelopeTo: recipient, actions: actions, implicitKeep: implicitKeep)
    }

    /// §4: "ken+sieve@example.org" has user "ken" and detail "sieve"; "ken+@example.org"
    /// has the empty detail; "ken@example.org" has no detail, so no :detail test
    /// matches it, not even against "".
    @Test(arguments: [
        (#"address :user "to" "ken""#, "ken+sieve@example.org", true),
        (#"address :detail "to" "sieve""#, "ken+sieve@example.org", true),
        (#"address :detail "to" """#, "ken+@example.org", true),
        (#"address :user "to" "ken""#, "ken+@example.org", true),
        (#"address :detail "to" """#, "ken@example.org", false),
        (#"address :detail :matches "to" "*""#, "ken@example.org", false),
        (#"address :user "to" "ken""#, "ken@example.org", true),
    ])
    func userAndDetail(test: String, to: String, holds: Bool) throws {
        let script = "require \"subaddress\"; if \(test) { discard; }"
        try expectRun(script, on: "To: \(to)\n\n", actions: holds ? [.discard] : [], implicitKeep: !holds)
    }
}
