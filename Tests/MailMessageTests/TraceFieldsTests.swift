import MailMessage
import Testing

private func trace(
    sender: String = "a@example.org", heloName: String? = "mx.example.org", clientAddress: String? = "192.0.2.1",
    recipient: String? = "b@example.com", time: Int64 = 0
) -> TraceFields {
    TraceFields(
        sender: sender, heloName: heloName, clientAddress: clientAddress, host: "pop.example.net", protocolName: "LMTP", id: "17",
        recipient: recipient, time: time)
}

private func text(_ fields: TraceFields) -> String {
    String(decoding: fields.bytes, as: UTF8.self)
}

struct TraceFieldsTests {
    /// RFC 5322 §3.3 date-times, checked against an independent calendar.
    @Test(arguments: [
        (Int64(0), 0, "Thu, 1 Jan 1970 00:00:00 +0000"),
        (951_782_400, 0, "Tue, 29 Feb 2000 00:00:00 +0000"),
        (-1, 0, "Wed, 31 Dec 1969 23:59:59 +0000"),
        (-14_182_940, 0, "Sun, 20 Jul 1969 20:17:40 +0000"),
        (-2_208_988_800, 0, "Mon, 1 Jan 1900 00:00:00 +0000"),
        (1_000_000_000, 0, "Sun, 9 Sep 2001 01:46:40 +0000"),
        (2_147_483_648, 0, "Tue, 19 Jan 2038 03:14:08 +0000"),
        (4_107_456_000, 0, "Sun, 28 Feb 2100 00:00:00 +0000"),
        (4_107_542_400, 0, "Mon, 1 Mar 2100 00:00:00 +0000"),
        (253_402_300_799, 0, "Fri, 31 Dec 9999 23:59:59 +0000"),
        (0, -300, "Wed, 31 Dec 1969 19:00:00 -0500"),
        (951_782_400, -300, "Mon, 28 Feb 2000 19:00:00 -0500"),
        (0, 330, "Thu, 1 Jan 1970 05:30:00 +0530"),
        (0, -30, "Wed, 31 Dec 1969 23:30:00 -0030"),
        (1_798_761_599, 60, "Fri, 1 Jan 2027 00:59:59 +0100"),
    ])
    func date(_ seconds: Int64, _ offset: Int, _ expected: String) {
        #expect(RFC5322Date.format(seconds, utcOffsetMinutes: offset) == expected)
    }

    @Test
    func oneRecipient() {
        #expect(
            text(trace())
                == "Return-Path: <a@example.org>\r\n"
                + "Received: from mx.example.org ([192.0.2.1])\r\n"
                + "\tby pop.example.net (Popstore) with LMTP id 17\r\n"
                + "\tfor <b@example.com>; Thu, 1 Jan 1970 00:00:00 +0000\r\n")
    }

    /// With several recipients sharing one copy, none is named (each would see the others).
    @Test
    func noRecipientNamed() {
        #expect(
            text(trace(recipient: nil))
                == "Return-Path: <a@example.org>\r\n"
                + "Received: from mx.example.org ([192.0.2.1])\r\n"
                + "\tby pop.example.net (Popstore) with LMTP id 17; Thu, 1 Jan 1970 00:00:00 +0000\r\n")
    }

    @Test
    func nullSenderAndOffset() {
        var fields = trace(sender: "", time: 951_782_400)
        fields.utcOffsetMinutes = -300
        #expect(
            text(fields)
                == "Return-Path: <>\r\n"
                + "Received: from mx.example.org ([192.0.2.1])\r\n"
                + "\tby pop.example.net (Popstore) with LMTP id 17\r\n"
                + "\tfor <b@example.com>; Mon, 28 Feb 2000 19:00:00 -0500\r\n")
    }

    @Test
    func whatIsKnownOfTheClient() {
        #expect(text(trace(heloName: nil)).contains("Received: from [192.0.2.1]\r\n\tby "))
        #expect(text(trace(clientAddress: nil)).contains("Received: from mx.example.org\r\n\tby "))
        #expect(
            text(trace(heloName: nil, clientAddress: nil)).contains("\r\nReceived: by pop.example.net (Popstore) with LMTP id 17\r\n\tfor ")
        )
    }

    /// A CR or LF in what the client sent cannot start a header line of its own: every
    /// line after `Return-Path` and `Received` is a continuation (starts with a tab).
    @Test(arguments: [
        "evil\r\nX-Injected: yes", "evil\nX-Injected: yes", "evil\rX-Injected: yes", "evil\r\n\r\nbody", "a b<c>\u{0}\u{7F}",
    ])
    func clientTextCannotForgeAHeader(_ hostile: String) throws {
        let fields = trace(sender: hostile + "@example.org", heloName: hostile, recipient: hostile + "@example.com")
        let bytes = fields.bytes
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        #expect(lines.removeLast().isEmpty)
        #expect(lines.allSatisfy { $0.last == 0x0D && !$0.dropLast().contains(0x0D) })
        #expect(lines.count == 4)
        #expect(String(decoding: lines[0], as: UTF8.self).hasPrefix("Return-Path: <"))
        #expect(String(decoding: lines[1], as: UTF8.self).hasPrefix("Received: from "))
        #expect(lines.dropFirst(2).allSatisfy { $0.first == 0x09 })
        #expect(!bytes.contains(0x00) && !bytes.contains(0x7F))
    }

    @Test
    func clientTextIsMadeSafe() {
        let fields = trace(sender: "\"a b\"@example.org", heloName: "evil\r\nX-Injected: <yes>", recipient: "<b>@example.com")
        #expect(
            text(fields)
                == "Return-Path: <\"a_b\"@example.org>\r\n"
                + "Received: from evil__X-Injected:__yes_ ([192.0.2.1])\r\n"
                + "\tby pop.example.net (Popstore) with LMTP id 17\r\n"
                + "\tfor <_b_@example.com>; Thu, 1 Jan 1970 00:00:00 +0000\r\n")
    }

    @Test
    func aLongHeloNameIsCut() {
        let fields = trace(heloName: String(repeating: "h", count: 1000))
        #expect(text(fields).contains("from \(String(repeating: "h", count: 256)) ([192.0.2.1])"))
    }

    @Test
    func utf8IsKept() {
        let fields = trace(sender: "δοκιμή@παράδειγμα.δοκιμή")
        #expect(text(fields).hasPrefix("Return-Path: <δοκιμή@παράδειγμα.δοκιμή>\r\n"))
    }
}
