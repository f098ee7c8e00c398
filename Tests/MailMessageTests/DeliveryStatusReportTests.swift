import MailMessage
import Testing

private typealias Recipient = DeliveryStatusReport.Recipient

private let plainOriginal = bytes("From: alice@example.org\r\nTo: bob@example.com\r\nSubject: hi\r\n\r\nHello\r\n")

private let bob = Recipient(
    finalRecipient: "bob@example.com", originalRecipient: "rfc822;bob@example.com", action: .failed, status: "5.1.1",
    remoteMTA: "mx.example.com", diagnosticCode: "550 5.1.1 no such user", lastAttemptDate: 1_000_000_060)

private func report(
    sender: String = "alice@example.org", recipients: [Recipient] = [bob], returnContent: DeliveryStatusReport.ReturnContent = .full,
    original: [UInt8] = plainOriginal, reportingMTA: String = "pop.example.net", boundary: String = "BOUNDARY"
) -> DeliveryStatusReport {
    DeliveryStatusReport(
        reportingMTA: reportingMTA, postmaster: "MAILER-DAEMON@pop.example.net", sender: sender, envelopeID: "QQ314159",
        arrivalDate: 1_000_000_000, recipients: recipients, returnContent: returnContent, original: original,
        date: 1_000_000_120, messageID: "<dsn.1@pop.example.net>", boundary: boundary)
}

private func text(_ report: DeliveryStatusReport) -> String {
    String(decoding: report.render(), as: UTF8.self)
}

/// The body parts between the delimiters: [preamble, part 1, part 2, (part 3)].
private func parts(_ rendered: String, boundary: String = "BOUNDARY") -> [String] {
    guard let close = rendered.firstRange(of: "\r\n--\(boundary)--\r\n") else {
        return []
    }
    return rendered[..<close.lowerBound].split(separator: "\r\n--\(boundary)\r\n", omittingEmptySubsequences: false).map(String.init)
}

/// Body part `index` of `parts`, or "" when there is none (so a wrong count fails, not traps).
private func part(_ rendered: String, _ index: Int) -> String {
    let all = parts(rendered)
    return index < all.count ? all[index] : ""
}

/// A part's body, after its MIME header.
private func body(_ part: String) -> String {
    guard let end = part.firstRange(of: "\r\n\r\n") else {
        return ""
    }
    return String(part[end.upperBound...])
}

/// The per-recipient blocks of the delivery-status part, each parsed as a header.
private func recipientBlocks(_ rendered: String) -> [MessageHeader] {
    let blocks = body(part(rendered, 2)).split(separator: "\r\n\r\n").dropFirst()
    return blocks.map { MessageHeader(parsing: Array(($0 + "\r\n").utf8)) }
}

private func lines(_ rendered: String) -> [Substring] {
    rendered.split(separator: "\r\n", omittingEmptySubsequences: false)
}

struct DeliveryStatusReportTests {
    @Test
    func rendersOneFailedRecipientExactly() {
        let expected =
            "From: Mail Delivery System <MAILER-DAEMON@pop.example.net>\r\n"
            + "To: <alice@example.org>\r\n"
            + "Subject: Undelivered Mail Returned to Sender\r\n"
            + "Date: Sun, 9 Sep 2001 01:48:40 +0000\r\n"
            + "Message-ID: <dsn.1@pop.example.net>\r\n"
            + "Auto-Submitted: auto-replied\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: multipart/report; report-type=delivery-status;\r\n"
            + " boundary=\"BOUNDARY\"\r\n"
            + "\r\n"
            + "This is a MIME-encapsulated message.\r\n"
            + "\r\n"
            + "--BOUNDARY\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n"
            + "Content-Description: Notification\r\n"
            + "\r\n"
            + "This is the mail system at pop.example.net.\r\n"
            + "\r\n"
            + "Your message could not be delivered to one or more of its recipients, for\r\n"
            + "the reasons below.\r\n"
            + "\r\n"
            + "<bob@example.com> could not be delivered (status 5.1.1).\r\n"
            + "    The server mx.example.com said: 550 5.1.1 no such user\r\n"
            + "\r\n"
            + "--BOUNDARY\r\n"
            + "Content-Type: message/delivery-status\r\n"
            + "Content-Description: Delivery report\r\n"
            + "\r\n"
            + "Reporting-MTA: dns; pop.example.net\r\n"
            + "Original-Envelope-Id: QQ314159\r\n"
            + "Arrival-Date: Sun, 9 Sep 2001 01:46:40 +0000\r\n"
            + "\r\n"
            + "Original-Recipient: rfc822;bob@example.com\r\n"
            + "Final-Recipient: rfc822; bob@example.com\r\n"
            + "Action: failed\r\n"
            + "Status: 5.1.1\r\n"
            + "Remote-MTA: dns; mx.example.com\r\n"
            + "Diagnostic-Code: smtp; 550 5.1.1 no such user\r\n"
            + "Last-Attempt-Date: Sun, 9 Sep 2001 01:47:40 +0000\r\n"
            + "\r\n"
            + "--BOUNDARY\r\n"
            + "Content-Type: message/rfc822\r\n"
            + "Content-Description: Returned message\r\n"
            + "\r\n"
            + "From: alice@example.org\r\n"
            + "To: bob@example.com\r\n"
            + "Subject: hi\r\n"
            + "\r\n"
            + "Hello\r\n"
            + "\r\n"
            + "--BOUNDARY--\r\n"
        #expect(report().render() == Array(expected.utf8))
    }

    @Test(arguments: [
        ([DeliveryStatusReport.Action.failed], "Undelivered Mail Returned to Sender"),
        ([.delayed, .failed], "Undelivered Mail Returned to Sender"),
        ([.delivered, .failed], "Undelivered Mail Returned to Sender"),
        ([.delayed], "Delayed Mail (still being retried)"),
        ([.delayed, .delayed], "Delayed Mail (still being retried)"),
        ([.delayed, .delivered], "Delivery Status Notification"),
        ([.delivered], "Delivery Status Notification"),
        ([.relayed], "Delivery Status Notification"),
        ([.expanded], "Delivery Status Notification"),
    ])
    func subject(_ actions: [DeliveryStatusReport.Action], _ expected: String) {
        let recipients = actions.map { Recipient(finalRecipient: "bob@example.com", action: $0, status: "2.0.0") }
        let header = MessageHeader(parsing: report(recipients: recipients).render())
        #expect(header["Subject"] == expected)
    }

    @Test
    func delayedOnlySaysWhenRetriesEnd() {
        let delayed = Recipient(
            finalRecipient: "bob@example.com", action: .delayed, status: "4.4.1", remoteMTA: "mx.example.com",
            diagnosticCode: "421 4.4.1 try later", lastAttemptDate: 1_000_000_060, willRetryUntil: 1_000_432_000)
        let rendered = text(report(recipients: [delayed]))
        #expect(MessageHeader(parsing: Array(rendered.utf8))["Subject"] == "Delayed Mail (still being retried)")
        let block = recipientBlocks(rendered)
        #expect(block.count == 1)
        #expect(block.first?["Action"] == "delayed")
        #expect(block.first?["Will-Retry-Until"] == "Fri, 14 Sep 2001 01:46:40 +0000")
        let explanation = body(part(rendered, 1)).replacing("\r\n    ", with: " ")
        #expect(explanation.contains("is delayed (status 4.4.1); delivery will be retried until Fri, 14 Sep 2001 01:46:40 +0000."))
    }

    /// Will-Retry-Until is only for delayed recipients (RFC 3464 §2.3.8).
    @Test
    func willRetryUntilOnlyWhenDelayed() {
        var failed = bob
        failed.willRetryUntil = 1_000_432_000
        #expect(!text(report(recipients: [failed])).contains("Will-Retry-Until"))
    }

    @Test
    func retHdrsReturnsOnlyTheHeader() {
        let rendered = text(report(returnContent: .headers))
        #expect(parts(rendered).count == 4)
        #expect(
            part(rendered, 3) == "Content-Type: text/rfc822-headers\r\nContent-Description: Returned message header\r\n\r\n"
                + "From: alice@example.org\r\nTo: bob@example.com\r\nSubject: hi\r\n\r\n")
        #expect(!rendered.contains("Hello"))
        #expect(!rendered.contains("message/rfc822"))
    }

    @Test
    func headerWithoutEmptyLineIsReturnedWhole() {
        let rendered = text(report(returnContent: .headers, original: bytes("Subject: only\r\nX: 1")))
        #expect(body(part(rendered, 3)) == "Subject: only\r\nX: 1")
        #expect(rendered.hasSuffix("X: 1\r\n--BOUNDARY--\r\n"))
    }

    @Test(arguments: [(0, true), (1, false)])
    func sizeLimitDecidesBetweenWholeAndHeader(overLimit: Int, returnsWhole: Bool) {
        let header = bytes("Subject: big\r\n\r\n")
        let lineCount = (DeliveryStatusReport.maximumReturnedContent - header.count) / 100 + 1
        var original = header + Array(repeating: bytes(String(repeating: "x", count: 98) + "\r\n"), count: lineCount).flatMap { $0 }
        original.removeLast(original.count - (DeliveryStatusReport.maximumReturnedContent + overLimit))
        #expect(original.count == DeliveryStatusReport.maximumReturnedContent + overLimit)
        let returned = part(text(report(original: original)), 3)
        #expect(returned.hasPrefix(returnsWhole ? "Content-Type: message/rfc822\r\n" : "Content-Type: text/rfc822-headers\r\n"))
        #expect(returnsWhole ? returned.hasSuffix("xxx") : body(returned) == "Subject: big\r\n\r\n")
    }

    @Test
    func lineOver998OctetsReturnsTheHeaderInstead() {
        let original = bytes("Subject: long\r\n\r\n" + String(repeating: "y", count: 999) + "\r\n")
        #expect(body(part(text(report(original: original)), 3)) == "Subject: long\r\n\r\n")
    }

    @Test
    func longHeaderLineIsBrokenIntoContinuations() {
        let original = bytes("X-Long: " + String(repeating: "z", count: 2500) + "\r\n\r\nbody\r\n")
        let rendered = text(report(returnContent: .headers, original: original))
        #expect(lines(rendered).allSatisfy { $0.utf8.count <= 998 })
        let header = MessageHeader(parsing: Array(body(part(rendered, 3)).utf8))
        #expect(header["X-Long"]?.filter { $0 == "z" }.count == 2500)
    }

    @Test
    func crlfInInputsCannotAddHeaderLines() {
        let hostile = Recipient(
            finalRecipient: "bob@example.com\r\nX-Injected: 1", originalRecipient: "rfc822;bob@example.com\r\nX-Injected: 2",
            action: .failed, status: "5.1.1\r\nX-Injected: 3", remoteMTA: "mx\nX-Injected: 4",
            diagnosticCode: "550 no\r\nBcc: victim@example.net\r\n\r\n--BOUNDARY--\r\nX-Injected: 5")
        let rendered = text(
            report(sender: "alice@example.org>\r\nBcc: victim@example.net", recipients: [hostile], reportingMTA: "pop\r\n\r\n--BOUNDARY"))
        for line in lines(rendered) {
            #expect(!line.hasPrefix("Bcc:") && !line.hasPrefix("X-Injected:"), "\(line)")
        }
        #expect(lines(rendered).filter { $0 == "--BOUNDARY" }.count == 3)
        #expect(lines(rendered).filter { $0.hasPrefix("--BOUNDARY--") }.count == 1)
        #expect(rendered.hasSuffix("\r\n--BOUNDARY--\r\n"))
        #expect(MessageHeader(parsing: Array(rendered.utf8))["Bcc"] == nil)
        #expect(MessageHeader(parsing: Array(rendered.utf8))["To"] == "<alice@example.org???Bcc: victim@example.net>")
        let block = recipientBlocks(rendered)
        #expect(block.count == 1)
        #expect(
            block.first?.fields.map(\.name) == [
                "Original-Recipient", "Final-Recipient", "Action", "Status", "Remote-MTA", "Diagnostic-Code",
            ])
        #expect(block.first?["Diagnostic-Code"] == "smtp; 550 no??Bcc: victim@example.net????--BOUNDARY--??X-Injected: 5")
    }

    @Test
    func nonASCIIAddressUsesTheUTF8Type() {
        let jorg = Recipient(finalRecipient: "j\u{F6}rg+a=b@ex\u{E4}mple.org", action: .failed, status: "5.1.1")
        let rendered = text(report(recipients: [jorg, bob]))
        let blocks = recipientBlocks(rendered)
        #expect(blocks.map { $0["Final-Recipient"] } == ["utf-8; j\\x{F6}rg\\x{2B}a\\x{3D}b@ex\\x{E4}mple.org", "rfc822; bob@example.com"])
        #expect([part(rendered, 1), part(rendered, 2)].allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }, "parts 1 and 2 stay 7-bit")
    }

    @Test
    func nonASCIIOriginalRecipientStaysSevenBit() {
        let jorg = Recipient(
            finalRecipient: "j\u{F6}rg@example.org", originalRecipient: "utf-8;j\u{F6}rg@example.org", action: .failed, status: "5.1.1")
        #expect(recipientBlocks(text(report(recipients: [jorg]))).first?["Original-Recipient"] == "utf-8;j\\x{F6}rg@example.org")
    }

    @Test
    func longDiagnosticIsFolded() {
        let diagnostic = "550 5.7.1 " + Array(repeating: "message refused by local policy", count: 20).joined(separator: " ")
        let rendered = text(
            report(recipients: [Recipient(finalRecipient: "bob@example.com", action: .failed, status: "5.7.1", diagnosticCode: diagnostic)])
        )
        let all = lines(rendered)
        let start = all.firstIndex { $0.hasPrefix("Diagnostic-Code:") }!
        let folded = all[start...].prefix { $0 == all[start] || $0.hasPrefix(" ") }
        #expect(folded.count > 5)
        #expect(all.allSatisfy { $0.utf8.count <= 78 })
        #expect(recipientBlocks(rendered).first?["Diagnostic-Code"] == "smtp; " + diagnostic)
    }

    @Test
    func unbreakableDiagnosticIsCutAt998Octets() {
        let diagnostic = "550 " + String(repeating: "w", count: 5000)
        let rendered = text(
            report(recipients: [Recipient(finalRecipient: "bob@example.com", action: .failed, status: "5.0.0", diagnosticCode: diagnostic)])
        )
        #expect(lines(rendered).allSatisfy { $0.utf8.count <= 998 })
        #expect(lines(rendered).contains { $0.utf8.count == 998 }, "the word was cut, not dropped")
        #expect(rendered.hasSuffix("\r\n--BOUNDARY--\r\n"))
    }

    @Test(arguments: [DeliveryStatusReport.ReturnContent.full, .headers])
    func everyLineEndsInCRLF(returnContent: DeliveryStatusReport.ReturnContent) {
        let original = bytes("From: a@example.org\nSubject: mixed\r\n\nline one\rline two\n\rend")
        let rendered = report(returnContent: returnContent, original: original).render()
        for (index, byte) in rendered.enumerated() {
            if byte == 0x0A {
                #expect(index > 0 && rendered[index - 1] == 0x0D, "bare LF at \(index)")
            }
            if byte == 0x0D {
                #expect(index + 1 < rendered.count && rendered[index + 1] == 0x0A, "bare CR at \(index)")
            }
        }
        #expect(rendered.suffix(2) == [0x0D, 0x0A])
    }

    @Test(arguments: [
        (bytes("Subject: caf\u{E9}\r\n\r\nd\u{E9}j\u{E0} vu\r\n"), true),
        (bytes("Subject: nul\r\n\r\na") + [0] + bytes("b\r\n"), true),
        (plainOriginal, false),
    ])
    func eightBitOriginalIsLabelled(original: [UInt8], is8Bit: Bool) {
        let rendered = report(original: original).render()
        #expect(MessageHeader(parsing: rendered)["Content-Transfer-Encoding"] == (is8Bit ? "8bit" : nil))
        let returned = part(String(decoding: rendered, as: UTF8.self), 3)
        #expect(MessageHeader(parsing: Array(returned.utf8))["Content-Transfer-Encoding"] == (is8Bit ? "8bit" : nil))
        #expect(returned.hasPrefix("Content-Type: message/rfc822\r\n"))
    }

    @Test
    func boundaryInTheBodyReturnsTheHeader() {
        let original = bytes("Subject: trap\r\n\r\n--BOUNDARY--\r\nX-Injected: 1\r\n")
        let rendered = text(report(original: original))
        #expect(parts(rendered).count == 4)
        #expect(body(part(rendered, 3)) == "Subject: trap\r\n\r\n")
        #expect(!rendered.contains("X-Injected"))
    }

    @Test
    func boundaryInTheHeaderLeavesOutTheThirdPart() {
        let original = bytes("Subject: trap\r\n--BOUNDARY\r\n\r\nbody\r\n")
        let rendered = text(report(returnContent: .headers, original: original))
        #expect(parts(rendered).count == 3)
        #expect(!rendered.contains("trap"))
        #expect(rendered.hasSuffix("\r\n--BOUNDARY--\r\n"))
    }

    @Test
    func boundaryIsMadeOfAllowedCharacters() {
        let rendered = text(report(boundary: "a b\"c\r\nd"))
        #expect(MessageHeader(parsing: Array(rendered.utf8))["Content-Type"]?.hasSuffix("boundary=\"a_b_c__d\"") == true)
        #expect(parts(rendered, boundary: "a_b_c__d").count == 4)
    }
}
