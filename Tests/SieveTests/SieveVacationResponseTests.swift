import Testing

@testable import Sieve

/// RFC 5230's rules for whether a vacation response goes out, and the message it is
/// (§4.5–§5), and RFC 5429's rejection notice.
@Suite struct SieveVacationResponseTests {
    private static let now = SieveTimestamp(secondsSince1970: 1_700_000_000, utcOffsetMinutes: 60)

    private func vacation(
        _ reason: String = "I am away", subject: String? = nil, from: String? = nil, addresses: [String] = [], mime: Bool = false
    ) -> SieveVacation {
        SieveVacation(reason: reason, subject: subject, from: from, addresses: addresses, mime: mime, handle: "h", seconds: nil)
    }

    private func message(_ header: String, from sender: String = "alice@example.org", to recipient: String = "bob@example.com")
        -> SieveMessage
    {
        SieveMessage(parsing: Array((header + "\n\nHello\n").utf8), envelopeFrom: sender, envelopeTo: recipient)
    }

    private func decide(
        _ vacation: SieveVacation, _ message: SieveMessage, userAddress: String? = nil,
        settings: SieveVacationResponse.Settings = .init()
    ) -> SieveVacationResponse.Decision {
        SieveVacationResponse.decide(
            vacation, for: message, userAddress: userAddress, settings: settings, messageID: "<r1@example.com>", date: Self.now)
    }

    private func refusal(_ decision: SieveVacationResponse.Decision) -> SieveVacationResponse.Refusal? {
        if case .refuse(let refusal) = decision { return refusal }
        return nil
    }

    private func response(_ decision: SieveVacationResponse.Decision) throws -> SieveVacationResponse {
        guard case .send(let response) = decision else { throw Failure.refused(decision) }
        return response
    }

    private enum Failure: Error { case refused(SieveVacationResponse.Decision) }

    /// §4.5, RFC 3834 §2: the messages that never get a response.
    @Test func refusals() {
        let plain = "From: alice@example.org\nTo: bob@example.com\nSubject: hi"
        #expect(refusal(decide(vacation(), message(plain, from: ""))) == .nullSender)
        #expect(refusal(decide(vacation(), message(plain, from: "Bob@Example.com"))) == .ownAddress)
        #expect(refusal(decide(vacation(addresses: ["alice@example.org"]), message(plain))) == .ownAddress)
        #expect(refusal(decide(vacation(), message(plain + "\nList-Id: <l.example.org>"))) == .mailingList)
        #expect(refusal(decide(vacation(), message(plain + "\nAuto-Submitted: auto-generated"))) == .autoSubmitted)
        #expect(refusal(decide(vacation(), message(plain + "\nPrecedence: junk"))) == .bulkPrecedence)
        #expect(refusal(decide(vacation(), message(plain + "\nX-Auto-Response-Suppress: DR, OOF"))) == .responseSuppressed)
        #expect(refusal(decide(vacation(), message(plain, from: "owner-list@example.org"))) == .systemAddress)
        #expect(refusal(decide(vacation(), message(plain, from: "MAILER-DAEMON@example.org"))) == .systemAddress)
        #expect(refusal(decide(vacation(), message("From: alice@example.org\nTo: all@example.com"))) == .notAddressedToUser)
    }

    /// The user is a recipient by the envelope, by `:addresses` or by a configured address;
    /// "Auto-Submitted: no" is a person's mail.
    @Test func replies() throws {
        #expect(refusal(decide(vacation(), message("To: Bob <BOB@example.com>\nAuto-Submitted: no (typed)"))) == nil)
        #expect(refusal(decide(vacation(addresses: ["all@example.com"]), message("To: all@example.com"))) == nil)
        #expect(refusal(decide(vacation(), message("Cc: me@example.com"), userAddress: "me@example.com")) == nil)
        var anyone = SieveVacationResponse.Settings()
        anyone.checkRecipient = false
        #expect(refusal(decide(vacation(), message("To: all@example.com"), settings: anyone)) == nil)
    }

    /// §5: the response's header and text/plain body, from the null sender to the sender.
    @Test func composedOctets() throws {
        let original = message(
            "From: \"Alice A\" <alice@example.org>\nTo: bob@example.com\nSubject: Lunch?\nMessage-ID: <m1@example.org>\nReferences: <m0@example.org>"
        )
        let reply = try response(decide(vacation("Back on Monday.\nBob"), original))
        #expect(reply.envelopeFrom == "")
        #expect(reply.envelopeTo == "alice@example.org")
        let expected = [
            "Date: Tue, 14 Nov 2023 23:13:20 +0100",
            "Message-ID: <r1@example.com>",
            "From: <bob@example.com>",
            "To: \"Alice A\" <alice@example.org>",
            "Subject: Auto: Lunch?",
            "In-Reply-To: <m1@example.org>",
            "References: <m0@example.org> <m1@example.org>",
            "Auto-Submitted: auto-replied (vacation)",
            "Precedence: bulk",
            "X-Auto-Response-Suppress: All",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 7bit",
            "",
            "Back on Monday.",
            "Bob",
            "",
        ].joined(separator: "\r\n")
        #expect(String(decoding: reply.octets, as: UTF8.self) == expected)
    }

    /// §4.3, RFC 2047: a non-ASCII subject and display name are encoded words; a long
    /// subject is cut with an ellipsis; `:from` is the From; 8-bit text is sent as 8bit.
    @Test func encodedHeaders() throws {
        let original = message("To: bob@example.com\nSubject: " + String(repeating: "word ", count: 80))
        let reply = try response(
            decide(vacation("Grüße", subject: nil, from: "Bøb <bob@example.com>"), original))
        let parsed = SieveMessage(parsing: reply.octets)
        func value(_ name: String) -> String? {
            parsed.headerFields.first { $0.name == name }.map { SieveHeaderValue.comparable($0.value) }
        }
        #expect(value("From") == "Bøb <bob@example.com>")
        #expect(parsed.headerFields.first { $0.name == "From" }?.value.unicodeScalars.allSatisfy(\.isASCII) == true)
        let subject = try #require(value("Subject"))
        #expect(subject.unicodeScalars.count == 256 && subject.hasSuffix("\u{2026}") && subject.hasPrefix("Auto: word word"))
        // Folded, every line within 78 characters.
        let text = String(decoding: reply.octets, as: UTF8.self)
        #expect(text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        #expect(value("Content-Transfer-Encoding") == "8bit")

        let russian = try response(decide(vacation(subject: "Я могу есть стекло"), original))
        let russianHeader = SieveMessage(parsing: russian.octets).headerFields.first { $0.name == "Subject" }
        #expect(russianHeader.map { SieveHeaderValue.comparable($0.value) } == "Я могу есть стекло")
        #expect(russianHeader?.value.contains("=?utf-8?b?") == true)
    }

    /// §4.4: a `:mime` reason is the entity itself, its fields joining the header.
    @Test func mimeReason() throws {
        let reason = "Content-Type: text/html; charset=us-ascii\n\n<p>Away</p>\n"
        let reply = try response(decide(vacation(reason, mime: true), message("To: bob@example.com")))
        let text = String(decoding: reply.octets, as: UTF8.self)
        #expect(text.hasSuffix("MIME-Version: 1.0\r\nContent-Type: text/html; charset=us-ascii\r\n\r\n<p>Away</p>\r\n"))
    }

    /// RFC 5429 §2.1: the rejection is an MDN from the null sender, never to the null sender.
    @Test func rejectNotice() throws {
        let original = message("From: alice@example.org\nTo: bob@example.com\nMessage-ID: <m1@example.org>")
        let notice = try #require(
            SieveRejectNotice.compose(
                reason: "Go away", for: original, reportingHost: "mx.example.com", postmaster: "postmaster@example.com",
                messageID: "<n1@example.com>", date: Self.now))
        #expect(notice.envelopeFrom == "" && notice.envelopeTo == "alice@example.org")
        let text = String(decoding: notice.octets, as: UTF8.self)
        #expect(text.contains("From: Postmaster <postmaster@example.com>\r\n"))
        #expect(text.contains("report-type=disposition-notification"))
        #expect(text.contains("Disposition: automatic-action/MDN-sent-automatically; deleted\r\n"))
        #expect(text.contains("Original-Message-ID: <m1@example.org>\r\n"))
        #expect(text.contains("Go away"))
        let nullSender = message("From: alice@example.org", from: "")
        #expect(
            SieveRejectNotice.compose(
                reason: "x", for: nullSender, reportingHost: "h", postmaster: "p@h", messageID: "<n2@h>", date: Self.now) == nil)
    }
}
