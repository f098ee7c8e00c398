import Testing

@testable import Sieve

/// Every example script of RFC 7352 (duplicate), run with a duplicate store that knows
/// some values.
@Suite struct RFC7352ExampleTests {
    /// A store where `seen` holds "handle|unique ID" pairs.
    private func store(_ seen: Set<String>) -> SieveRunContext {
        SieveRunContext(isDuplicate: { seen.contains("\($0.handle)|\($0.uniqueID)") })
    }

    static let message = "Message-ID: <1234@example.org>\nSubject: hello\n\n"

    /// §3.2: the three equivalent forms: the default tracks the Message-ID.
    @Test(arguments: [
        """
        require "duplicate";
        if duplicate {
          discard;
        }
        """,
        """
        require "duplicate";
        if duplicate :header "message-id" {
          discard;
        }
        """,
        """
        require ["duplicate", "variables"];
        if header :matches "message-id" "*" {
          if duplicate :uniqueid "${0}" {
            discard;
          }
        }
        """,
    ])
    func messageIDForms(script: String) throws {
        try expectRun(script, on: Self.message, context: store(["|<1234@example.org>"]), actions: [.discard], implicitKeep: false)
        let fresh = try runResult(script, message: Self.message, context: store([]))
        #expect(fresh.actions.isEmpty)
        #expect(fresh.duplicateChecks.map(\.uniqueID) == ["<1234@example.org>"])
        #expect(fresh.duplicateChecks.map(\.handle) == [""])
    }

    /// §5.1 (Example 1): duplicates go to a trash folder, created if needed.
    @Test func trashDuplicates() throws {
        let script = """
            require ["duplicate", "fileinto", "mailbox"];

            if duplicate {
              fileinto :create "Trash/Duplicate";
            }
            """
        try expectRun(
            script, on: Self.message, context: store(["|<1234@example.org>"]),
            actions: [.fileinto(mailbox: "Trash/Duplicate", flags: [], copy: false, create: true)], implicitKeep: false)
        try expectRun(script, on: Self.message, context: store([]), actions: [], implicitKeep: true)
    }

    /// §5.2 (Example 2): a repeated alert within 60 seconds is filed as seen.
    @Test func alerts() throws {
        let script = """
            require ["duplicate", "variables", "imap4flags",
              "fileinto"];

            if header :matches "subject" "ALERT: *" {
              if duplicate :seconds 60 :uniqueid "${1}" {
                setflag "\\\\seen";
              }
              fileinto "Alerts";
            }
            """
        let alert = "Subject: ALERT: disk full\n\n"
        try expectRun(
            script, on: alert, context: store(["|disk full"]),
            actions: [.fileinto(mailbox: "Alerts", flags: ["\\seen"], copy: false, create: false)], implicitKeep: false)
        let first = try runResult(script, message: alert, context: store([]))
        #expect(first.actions == [fileinto("Alerts")])
        #expect(first.duplicateChecks == [SieveDuplicateCheck(handle: "", uniqueID: "disk full", seconds: 60, last: false)])
        try expectRun(script, on: "Subject: all well\n\n", context: store(["|disk full"]), actions: [], implicitKeep: true)
    }

    /// §5.3 (Example 3): both scripts notify with enotify (RFC 5435), which this
    /// library does not implement, so as printed they must fail to compile with an
    /// error naming "enotify". Their duplicate logic is run below with the notify
    /// replaced by `redirect :copy` (and "enotify" by "copy" in the require).
    @Test(arguments: [
        """
        require ["variables", "envelope", "enotify", "duplicate"];

        if envelope :matches "from" "*" { set "sender" "${1}"; }
        if header :matches "subject" "*" { set "subject" "${1}"; }

        if not duplicate :seconds 1800 :uniqueid "${sender}"
        {
          notify :message "[SIEVE] ${sender}: ${subject}"
            "xmpp:user@im.example.com";
        }
        """,
        """
        require ["variables", "envelope", "enotify", "duplicate"];

        if envelope :matches "from" "*" { set "sender" "${1}"; }
        if header :matches "subject" "*" { set "subject" "${1}"; }

        # account for 'Re:' prefix
        if string :comparator "i;ascii-casemap"
          :matches "${subject}" "Re:*"
        {
          set "subject" "${1}";
        }
        if not duplicate :seconds 1800
          :uniqueid "${sender} ${subject}"
        {
          notify :message "[SIEVE] ${sender}: ${subject}"
            "xmpp:user@im.example.com";
        }
        """,
    ])
    func notifyExamplesNeedEnotify(script: String) {
        let error = compileError(script)
        #expect(error?.message.contains("enotify") == true, "\(String(describing: error))")
    }

    /// §5.3, first script, with `redirect :copy` substituted for notify (see above): at
    /// most one notice per sender per 30 minutes.
    @Test func oneNoticePerSender() throws {
        let script = """
            require ["variables", "envelope", "duplicate", "copy"];

            if envelope :matches "from" "*" { set "sender" "${1}"; }
            if header :matches "subject" "*" { set "subject" "${1}"; }

            if not duplicate :seconds 1800 :uniqueid "${sender}"
            {
              redirect :copy "notify@im.example.com";
            }
            """
        let result = try runResult(script, message: "Subject: hi\n\n", envelopeFrom: "a@example.org", context: store([]))
        #expect(result.actions == [.redirect(address: "notify@im.example.com", copy: true)])
        #expect(result.implicitKeep)
        #expect(result.duplicateChecks == [SieveDuplicateCheck(handle: "", uniqueID: "a@example.org", seconds: 1800, last: false)])
        try expectRun(
            script, on: "Subject: hi\n\n", envelopeFrom: "a@example.org", context: store(["|a@example.org"]), actions: [],
            implicitKeep: true)
    }

    /// §5.3, second script, with `redirect :copy` substituted for notify (see above):
    /// one notice per sender and subject, a "Re:" prefix ignored.
    @Test func oneNoticePerThread() throws {
        let script = """
            require ["variables", "envelope", "duplicate", "copy"];

            if envelope :matches "from" "*" { set "sender" "${1}"; }
            if header :matches "subject" "*" { set "subject" "${1}"; }

            # account for 'Re:' prefix
            if string :comparator "i;ascii-casemap"
              :matches "${subject}" "Re:*"
            {
              set "subject" "${1}";
            }
            if not duplicate :seconds 1800
              :uniqueid "${sender} ${subject}"
            {
              redirect :copy "notify@im.example.com";
            }
            """
        let reply = try runResult(script, message: "Subject: RE: lunch\n\n", envelopeFrom: "a@example.org", context: store([]))
        #expect(reply.duplicateChecks.map(\.uniqueID) == ["a@example.org  lunch"])
        try expectRun(
            script, on: "Subject: Re: lunch\n\n", envelopeFrom: "a@example.org", context: store(["|a@example.org  lunch"]),
            actions: [], implicitKeep: true)
        try expectRun(
            script, on: "Subject: lunch\n\n", envelopeFrom: "a@example.org", context: store(["|a@example.org  lunch"]),
            actions: [.redirect(address: "notify@im.example.com", copy: true)], implicitKeep: true)
    }

    /// §5.4 (Example 4): separate :handle arguments keep separate records.
    @Test func handles() throws {
        let script = """
            require ["duplicate", "imap4flags"];

            if duplicate :header "X-Event-ID" :handle "notifier" {
              discard;
            }
            if allof (
              duplicate :header "X-Ticket-ID" :handle "support",
              address "to" "support@example.com",
              header :contains "subject" "fileserver")
            {
              setflag "\\\\seen";
            }
            """
        let event = "X-Event-ID: 42\nTo: support@example.com\nSubject: fileserver down\n\n"
        try expectRun(script, on: event, context: store(["notifier|42"]), actions: [.discard], implicitKeep: false)
        try expectRun(script, on: event, context: store(["support|42"]), actions: [], implicitKeep: true)
        let ticket = "X-Ticket-ID: 7\nTo: support@example.com\nSubject: fileserver down\n\n"
        let seen = try runResult(script, message: ticket, context: store(["support|7"]))
        #expect(seen.actions.isEmpty)
        #expect(seen.implicitKeep)
        #expect(seen.implicitKeepFlags == ["\\seen"])
        let fresh = try runResult(script, message: ticket, context: store([]))
        #expect(fresh.implicitKeepFlags.isEmpty)
        #expect(fresh.duplicateChecks == [SieveDuplicateCheck(handle: "support", uniqueID: "7", seconds: nil, last: false)])
    }
}
