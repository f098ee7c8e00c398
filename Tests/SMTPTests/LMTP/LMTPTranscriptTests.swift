import Testing

@testable import SMTP

/// The LHLO reply of a server named `host` taking messages up to `size` octets, as `S:` lines.
private func lhloLines(_ host: String, size: Int) -> String {
    [
        "250-\(host)", "250-PIPELINING", "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250-SIZE \(size)", "250-DSN", "250-SMTPUTF8",
        "250 CHUNKING",
    ]
    .map { "S: " + $0 }.joined(separator: "\n")
}

private let mebibytes10 = 10_485_760

private func transcript(host: String = "mx.example.net", size: Int = mebibytes10) -> LMTPTranscript {
    var transcript = LMTPTranscript(configuration: LMTPSessionConfiguration(hostname: host, maximumMessageSize: size))
    transcript.verdict = { address in
        address.hasPrefix("nobody@") || address.hasPrefix("jones@")
            ? .refuse(SMTPReply(550, "5.1.1", "No such user here")) : .accept(address)
    }
    return transcript
}

/// A session greeted and introduced, as `S:`/`C:` lines, for dialogues that test what follows.
private let opening = """
    S: 220 mx.example.net LMTP Popstore ready
    C: LHLO client.example
    \(lhloLines("mx.example.net", size: mebibytes10))
    """

struct LMTPTranscriptTests {
    /// RFC 2033 §4.3's example session. The replies that come from the store (the delivery
    /// outcomes and the refused recipient) keep the RFC's texts, with the enhanced status
    /// codes that ENHANCEDSTATUSCODES requires (RFC 2034). Where this server's own texts
    /// differ from the RFC's, this server's are used:
    /// - greeting `220 foo.edu LMTP Popstore ready` for `220 foo.edu LMTP server ready`;
    /// - the LHLO reply lists every extension, SIZE with its limit, for `PIPELINING` and `SIZE`;
    /// - `250 2.1.0 Sender OK` and `250 2.1.5 Recipient OK` for `250 OK`;
    /// - `354 End data with <CR><LF>.<CR><LF>` for `354 Start mail input; end with <CRLF>.<CRLF>`;
    /// - `221 2.0.0 foo.edu closing connection` for `221 foo.edu closing connection`.
    @Test
    func rfc2033Example() throws {
        var session = transcript(host: "foo.edu")
        session.delivery = { transaction in
            transaction.recipients.map {
                $0.address == "green@foo.edu"
                    ? SMTPReply(452, "4.2.2", "<green@foo.edu> is temporarily over quota") : SMTPReply(250, "2.0.0", "OK")
            }
        }
        let dialogue = """
            S: 220 foo.edu LMTP Popstore ready
            C: LHLO foo.edu
            \(lhloLines("foo.edu", size: mebibytes10))
            C: MAIL FROM:<chris@bar.com>
            S: 250 2.1.0 Sender OK
            C: RCPT TO:<pat@foo.edu>
            S: 250 2.1.5 Recipient OK
            C: RCPT TO:<jones@foo.edu>
            S: 550 5.1.1 No such user here
            C: RCPT TO:<green@foo.edu>
            S: 250 2.1.5 Recipient OK
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: Blah blah blah...
            C: ...etc. etc. etc.
            C: .
            S: 250 2.0.0 OK
            S: 452 4.2.2 <green@foo.edu> is temporarily over quota
            C: QUIT
            S: 221 2.0.0 foo.edu closing connection
            """
        #expect(session.replay(dialogue) == dialogue)
        #expect(session.isClosed)
        let message = try #require(session.delivered.first)
        #expect(session.delivered.count == 1)
        #expect(message.transaction.reversePath == "chris@bar.com")
        #expect(message.transaction.recipients.map(\.address) == ["pat@foo.edu", "green@foo.edu"])
        // The third line was dot-stuffed on the wire.
        #expect(message.octets == Array("Blah blah blah...\r\n..etc. etc. etc.\r\n".utf8))
    }

    /// RFC 2920: the client sends MAIL, every RCPT and DATA in one go; the replies come
    /// back in order, and DSN parameters (RFC 3461) reach the store.
    @Test
    func pipelinedTransaction() throws {
        var session = transcript()
        let dialogue = """
            \(opening)
            C: MAIL FROM:<a@example.org> SIZE=40 BODY=8BITMIME RET=HDRS ENVID=id+2B1
            C: RCPT TO:<b@example.com> NOTIFY=FAILURE,DELAY ORCPT=rfc822;b+40example.com
            C: RCPT TO:<nobody@example.com>
            C: RCPT TO:<c@example.com>
            C: DATA
            S: 250 2.1.0 Sender OK
            S: 250 2.1.5 Recipient OK
            S: 550 5.1.1 No such user here
            S: 250 2.1.5 Recipient OK
            S: 354 End data with <CR><LF>.<CR><LF>
            C: Subject: pipelined
            C:
            C: ..leading dot
            C: .
            C: NOOP
            S: 250 2.0.0 Delivered, id 1
            S: 250 2.0.0 Delivered, id 2
            S: 250 2.0.0 OK
            """
        #expect(session.replay(dialogue) == dialogue)
        let message = try #require(session.delivered.first)
        #expect(message.octets == Array("Subject: pipelined\r\n\r\n.leading dot\r\n".utf8))
        #expect(message.transaction.declaredSize == 40)
        #expect(message.transaction.ret == "HDRS")
        #expect(message.transaction.envelopeID == "id+1")
        #expect(message.transaction.recipients.map(\.address) == ["b@example.com", "c@example.com"])
        #expect(message.transaction.recipients.map(\.notify) == ["FAILURE,DELAY", nil])
        #expect(message.transaction.recipients.map(\.originalRecipient) == ["rfc822;b+40example.com", nil])
        #expect(session.opened.count == 1)
    }

    /// RFC 3030: chunks are taken by count, with no dot-stuffing, so a lone dot and a
    /// QUIT inside a chunk are message text.
    @Test
    func chunkedTransaction() throws {
        var session = transcript()
        let dialogue = """
            \(opening)
            C: MAIL FROM:<a@example.org> RET=FULL ENVID=QQ+2B1
            C: RCPT TO:<b@example.com>
            C: BDAT 8
            C: Hello,
            S: 250 2.1.0 Sender OK
            S: 250 2.1.5 Recipient OK
            S: 250 2.0.0 Chunk received
            C: BDAT 9
            C: .
            C: QUIT
            S: 250 2.0.0 Chunk received
            C: BDAT 0 LAST
            S: 250 2.0.0 Delivered, id 1
            C: QUIT
            S: 221 2.0.0 mx.example.net closing connection
            """
        #expect(session.replay(dialogue) == dialogue)
        let message = try #require(session.delivered.first)
        #expect(message.octets == Array("Hello,\r\n.\r\nQUIT\r\n".utf8))
        #expect(message.transaction.ret == "FULL")
        #expect(message.transaction.envelopeID == "QQ+1")
        #expect(session.opened.map(\.envelopeID) == ["QQ+1"])
        #expect(session.isClosed)
    }

    @Test
    func aRefusedChunkIsReadPast() {
        var session = transcript()
        let dialogue = """
            \(opening)
            C: MAIL FROM:<a@example.org>
            C: RCPT TO:<nobody@example.com>
            C: BDAT 6 LAST
            C: QUIT
            S: 250 2.1.0 Sender OK
            S: 550 5.1.1 No such user here
            S: 503 5.5.1 No valid recipients for BDAT
            C: NOOP
            S: 250 2.0.0 OK
            """
        #expect(session.replay(dialogue) == dialogue)
        #expect(!session.isClosed)
        #expect(session.opened.isEmpty)
    }

    /// Before LHLO as after it, the chunk after a refused BDAT is not read as commands.
    @Test
    func bdatBeforeLHLOIsReadPast() {
        var session = transcript()
        let dialogue = """
            S: 220 mx.example.net LMTP Popstore ready
            C: BDAT 6 LAST
            C: QUIT
            S: 503 5.5.1 Send LHLO first
            C: NOOP
            S: 250 2.0.0 OK
            C: MAIL FROM:<a@example.org>
            S: 503 5.5.1 Send LHLO first
            """
        #expect(session.replay(dialogue) == dialogue)
        #expect(!session.isClosed)
    }

    @Test
    func aChunkOverTheSizeLimitIsReadPast() {
        var session = transcript(size: 64)
        let dialogue = """
            S: 220 mx.example.net LMTP Popstore ready
            C: LHLO client.example
            \(lhloLines("mx.example.net", size: 64))
            C: MAIL FROM:<a@example.org>
            C: RCPT TO:<b@example.com>
            C: BDAT 72 LAST
            C: \(String(repeating: "x", count: 70))
            S: 250 2.1.0 Sender OK
            S: 250 2.1.5 Recipient OK
            S: 552 5.3.4 Message too big for this system
            C: NOOP
            S: 250 2.0.0 OK
            """
        #expect(session.replay(dialogue) == dialogue)
        #expect(session.delivered.isEmpty)
    }

    @Test
    func aFailedChunkDropsTheMessage() {
        var session = transcript()
        session.chunkFailure = { number in
            number == 0 ? SMTPReply(452, "4.3.1", "Insufficient system storage; try again later") : nil
        }
        let dialogue = """
            \(opening)
            C: MAIL FROM:<a@example.org>
            C: RCPT TO:<b@example.com>
            C: BDAT 8
            C: Hello,
            S: 250 2.1.0 Sender OK
            S: 250 2.1.5 Recipient OK
            S: 452 4.3.1 Insufficient system storage; try again later
            C: BDAT 8 LAST
            C: world!
            S: 503 5.5.1 No valid recipients for BDAT
            C: RSET
            S: 250 2.0.0 Reset
            """
        #expect(session.replay(dialogue) == dialogue)
        #expect(session.abandoned == 1)
        #expect(session.delivered.isEmpty)
    }

    @Test
    func rsetBetweenChunksDropsTheMessage() {
        var session = transcript()
        let dialogue = """
            \(opening)
            C: MAIL FROM:<a@example.org>
            C: RCPT TO:<b@example.com>
            C: BDAT 8
            C: Hello,
            S: 250 2.1.0 Sender OK
            S: 250 2.1.5 Recipient OK
            S: 250 2.0.0 Chunk received
            C: RSET
            S: 250 2.0.0 Reset
            C: BDAT 8 LAST
            C: world!
            S: 503 5.5.1 No valid recipients for BDAT
            """
        #expect(session.replay(dialogue) == dialogue)
        #expect(session.abandoned == 1)
        #expect(session.delivered.isEmpty)
    }

    /// A message the store cannot keep gets the same reply for every recipient.
    @Test
    func aMessageTooBigFailsForEveryRecipient() {
        var session = transcript()
        session.messageFailure = { octets in
            octets.count > 10 ? SMTPReply(552, "5.3.4", "Message too big for this system (10 octets at most)") : nil
        }
        let dialogue = """
            \(opening)
            C: MAIL FROM:<a@example.org>
            C: RCPT TO:<b@example.com>
            C: RCPT TO:<c@example.com>
            C: DATA
            S: 250 2.1.0 Sender OK
            S: 250 2.1.5 Recipient OK
            S: 250 2.1.5 Recipient OK
            S: 354 End data with <CR><LF>.<CR><LF>
            C: more than ten octets
            C: .
            S: 552 5.3.4 Message too big for this system (10 octets at most)
            S: 552 5.3.4 Message too big for this system (10 octets at most)
            C: MAIL FROM:<a@example.org>
            S: 250 2.1.0 Sender OK
            """
        #expect(session.replay(dialogue) == dialogue)
        #expect(session.delivered.isEmpty)
    }

    @Test
    func aLineTooLongIsOneError() {
        var session = transcript()
        let dialogue = """
            \(opening)
            C: NOOP \(String(repeating: "x", count: 5000))
            C: NOOP
            S: 500 5.5.2 Line too long
            S: 250 2.0.0 OK
            """
        #expect(session.replay(dialogue) == dialogue)
    }

    /// After QUIT nothing more is read.
    @Test
    func quitEndsTheSession() {
        var session = transcript()
        let dialogue = """
            \(opening)
            C: QUIT
            C: NOOP
            S: 221 2.0.0 mx.example.net closing connection
            """
        #expect(session.replay(dialogue) == dialogue)
        #expect(session.isClosed)
    }

    @Test
    func twentyErrorsEndTheSession() {
        var session = transcript()
        let refusals = (1...19).map { "C: JUNK\($0)\nS: 500 5.5.1 Command unrecognized" }.joined(separator: "\n")
        let dialogue = """
            \(opening)
            \(refusals)
            C: JUNK20
            C: NOOP
            S: 421 4.7.0 mx.example.net Too many errors, closing connection
            """
        #expect(session.replay(dialogue) == dialogue)
        #expect(session.isClosed)
    }
}
