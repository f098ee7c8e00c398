import NIOCore
import Testing

@testable import SMTP

/// An action in a form tests can compare: replies as their octets on the wire, a
/// transaction as its recipients.
private enum Step: Equatable {
    case send(String, close: Bool)
    case checkRecipient(String, declaredSize: Int?)
    case receiveMessage(recipients: [String], reply: String)
    case receiveChunk(size: Int, last: Bool, opening: [String]?)
    case skipChunk(size: Int, reply: String)
    case deliver(recipients: [String])
    case abandonMessage(String, close: Bool)

    init(_ action: LMTPSessionAction<String>) {
        switch action {
        case .send(let replies, let close): self = .send(wire(replies), close: close)
        case .checkRecipient(let address, let size): self = .checkRecipient(address, declaredSize: size)
        case .receiveMessage(let transaction, let reply):
            self = .receiveMessage(recipients: transaction.recipients.map(\.address), reply: wire([reply]))
        case .receiveChunk(let size, let last, let opening):
            self = .receiveChunk(size: size, last: last, opening: opening?.recipients.map(\.address))
        case .skipChunk(let size, let reply): self = .skipChunk(size: size, reply: wire([reply]))
        case .deliver(let transaction): self = .deliver(recipients: transaction.recipients.map(\.address))
        case .abandonMessage(let replies, let close): self = .abandonMessage(wire(replies), close: close)
        }
    }

    /// One reply sent, the connection kept.
    static func reply(_ wire: String) -> Step { .send(wire, close: false) }
}

private func wire(_ replies: [SMTPReply]) -> String {
    var buffer = ByteBuffer()
    for reply in replies { reply.encode(into: &buffer) }
    return String(decoding: buffer.readableBytesView, as: UTF8.self)
}

private let host = "lmtp.example.net"
private let lhloReply =
    "250-lmtp.example.net\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-SIZE 1000\r\n250-DSN\r\n"
    + "250-SMTPUTF8\r\n250 CHUNKING\r\n"
private let senderOK = Step.reply("250 2.1.0 Sender OK\r\n")
private let recipientOK = Step.reply("250 2.1.5 Recipient OK\r\n")
private let chunkOK = Step.reply("250 2.0.0 Chunk received\r\n")
private let noRecipientsForBDAT = "503 5.5.1 No valid recipients for BDAT\r\n"

/// A session fed wire lines through the real parser, as a client would send them.
private struct Session {
    var machine: LMTPSessionStateMachine<String>
    /// What the pretend store answers once a message is in, for so many recipients.
    var delivery: (Int) -> [SMTPReply] = { Array(repeating: SMTPReply(250, "2.0.0", "Delivered"), count: $0) }

    init(maximumRecipients: Int = 1000, maximumErrors: Int = 20, greeted: Bool = true) {
        machine = LMTPSessionStateMachine(
            configuration: LMTPSessionConfiguration(
                hostname: host, maximumMessageSize: 1000, maximumRecipients: maximumRecipients, maximumErrors: maximumErrors))
        if greeted { _ = machine.command(.lhlo("client.example")) }
    }

    mutating func action(_ line: String) -> LMTPSessionAction<String> {
        var parser = SMTPCommandParser()
        var buffer = ByteBuffer(string: line + "\r\n")
        do {
            guard let command = try parser.parseCommand(from: &buffer) else { preconditionFailure("a whole line") }
            return machine.command(command)
        } catch {
            return machine.parseError(error)
        }
    }

    mutating func send(_ line: String) -> Step { Step(action(line)) }

    /// RCPT, and the driver's verdict on it: the step that answers the client.
    mutating func rcpt(_ line: String, _ verdict: LMTPRecipientVerdict<String>) -> Step {
        let asked = action(line)
        guard case .checkRecipient = asked else { return Step(asked) }
        return Step(machine.recipientChecked(verdict))
    }

    /// MAIL and one accepted RCPT for each recipient, each routed to its own address.
    mutating func open(_ mail: String = "MAIL FROM:<a@example.org>", to recipients: [String] = ["b@example.com"]) {
        #expect(send(mail) == senderOK)
        for recipient in recipients { #expect(rcpt("RCPT TO:<\(recipient)>", .accept(recipient)) == recipientOK) }
    }

    /// The driver's part after `action`, as far as the machine asks: a chunk or message read
    /// (with `failure` as the store's report on it), a delivery made. Every step on the way;
    /// nothing is reported that the machine did not ask for, so a wrong step cannot trap.
    mutating func follow(_ action: LMTPSessionAction<String>, failure: SMTPReply? = nil) -> [Step] {
        var steps = [Step(action)]
        switch action {
        case .receiveChunk: steps += follow(machine.chunkReceived(failure: failure))
        case .skipChunk: steps += follow(machine.chunkReceived(failure: nil))
        case .receiveMessage: steps += follow(machine.messageReceived(failure: failure))
        case .deliver(let transaction): steps += follow(machine.delivered(delivery(transaction.recipients.count)))
        default: break
        }
        return steps
    }

    /// A command line, then the driver's part.
    mutating func run(_ line: String, failure: SMTPReply? = nil) -> [Step] { follow(action(line), failure: failure) }

    /// The transaction DATA hands to the driver.
    mutating func dataTransaction() -> LMTPTransaction<String>? {
        guard case .receiveMessage(let transaction, _) = action("DATA") else { return nil }
        return transaction
    }
}

struct LMTPSessionStateMachineTests {
    // MARK: - Greeting and LHLO (RFC 2033 §4.1)

    @Test
    func greetingAndLHLO() {
        var session = Session(greeted: false)
        #expect(Step(session.machine.greeting()) == .reply("220 lmtp.example.net LMTP Popstore ready\r\n"))
        #expect(session.send("LHLO client.example") == .reply(lhloReply))
        #expect(session.send("LHLO client.example") == .reply(lhloReply))
    }

    @Test(arguments: ["HELO client.example", "EHLO client.example"])
    func smtpGreetingsAreRefused(_ line: String) {
        let refusal = Step.reply("500 5.5.1 This is LMTP: use LHLO (RFC 2033)\r\n")
        var fresh = Session(greeted: false)
        #expect(fresh.send(line) == refusal)
        #expect(fresh.send("MAIL FROM:<a@example.org>") == .reply("503 5.5.1 Send LHLO first\r\n"))
        var greeted = Session()
        #expect(greeted.send(line) == refusal)
    }

    @Test(arguments: ["MAIL FROM:<a@example.org>", "RCPT TO:<b@example.com>", "DATA"])
    func transactionCommandsNeedLHLO(_ line: String) {
        var session = Session(greeted: false)
        #expect(session.send(line) == .reply("503 5.5.1 Send LHLO first\r\n"))
    }

    @Test
    func commandsThatNeedNoLHLO() {
        var session = Session(greeted: false)
        #expect(session.send("NOOP") == .reply("250 2.0.0 OK\r\n"))
        #expect(session.send("NOOP hello") == .reply("250 2.0.0 OK\r\n"))
        #expect(session.send("RSET") == .reply("250 2.0.0 Reset\r\n"))
        #expect(
            session.send("VRFY b@example.com")
                == .reply("252 2.5.0 Cannot verify the user; send the message and delivery will be attempted\r\n"))
        #expect(session.send("HELP") == .reply("214 2.0.0 Commands: LHLO MAIL RCPT DATA BDAT RSET NOOP VRFY QUIT\r\n"))
        #expect(session.send("STARTTLS") == .reply("502 5.5.1 STARTTLS is not offered on LMTP\r\n"))
        // RSET did not stand in for LHLO.
        #expect(session.send("MAIL FROM:<a@example.org>") == .reply("503 5.5.1 Send LHLO first\r\n"))
        #expect(session.send("QUIT") == .send("221 2.0.0 lmtp.example.net closing connection\r\n", close: true))
    }

    @Test
    func vrfyNeverTellsWhetherAUserExists() {
        var session = Session()
        session.open()
        let known = session.send("VRFY b@example.com")
        let unknown = session.send("VRFY nobody@example.com")
        #expect(known == unknown)
    }

    // MARK: - Order of commands (RFC 5321 §4.1.4)

    @Test
    func nestedMAIL() {
        var session = Session()
        session.open()
        #expect(session.send("MAIL FROM:<c@example.org>") == .reply("503 5.5.1 Nested MAIL command\r\n"))
    }

    @Test
    func rcptBeforeMAIL() {
        var session = Session()
        #expect(session.send("RCPT TO:<b@example.com>") == .reply("503 5.5.1 Need MAIL before RCPT\r\n"))
    }

    @Test
    func dataWithoutAnAcceptedRecipient() {
        var session = Session()
        #expect(session.send("DATA") == .reply("503 5.5.1 Need MAIL and RCPT before DATA\r\n"))
        #expect(session.send("MAIL FROM:<a@example.org>") == senderOK)
        #expect(session.send("DATA") == .reply("503 5.5.1 No valid recipients\r\n"))
        let unknown = SMTPReply(550, "5.1.1", "No such user here")
        #expect(session.rcpt("RCPT TO:<nobody@example.com>", .refuse(unknown)) == .reply("550 5.1.1 No such user here\r\n"))
        #expect(session.send("DATA") == .reply("503 5.5.1 No valid recipients\r\n"))
    }

    @Test
    func rsetEndsTheTransaction() {
        var session = Session()
        session.open()
        #expect(session.send("RSET") == .reply("250 2.0.0 Reset\r\n"))
        #expect(session.send("RCPT TO:<c@example.com>") == .reply("503 5.5.1 Need MAIL before RCPT\r\n"))
        #expect(session.send("DATA") == .reply("503 5.5.1 Need MAIL and RCPT before DATA\r\n"))
        #expect(session.send("MAIL FROM:<a@example.org>") == senderOK)
    }

    @Test
    func lhloEndsTheTransaction() {
        var session = Session()
        session.open()
        #expect(session.send("LHLO client.example") == .reply(lhloReply))
        #expect(session.send("DATA") == .reply("503 5.5.1 Need MAIL and RCPT before DATA\r\n"))
    }

    // MARK: - MAIL parameters

    @Test
    func sizeDeclaredAtMAIL() {
        var session = Session()
        #expect(
            session.send("MAIL FROM:<a@example.org> SIZE=1001")
                == .reply("552 5.3.4 Message size exceeds the fixed limit of 1000 octets\r\n"))
        #expect(session.send("MAIL FROM:<a@example.org> SIZE=1000") == senderOK)
        #expect(session.send("RCPT TO:<b@example.com>") == .checkRecipient("b@example.com", declaredSize: 1000))
    }

    @Test(arguments: [
        ("SIZE=", "501 5.5.4 SIZE takes a number of octets"),
        ("SIZE=12k", "501 5.5.4 SIZE takes a number of octets"),
        ("SIZE=-1", "501 5.5.4 SIZE takes a number of octets"),
        ("SIZE=1234567890123456789", "501 5.5.4 SIZE takes a number of octets"),
        ("SIZE", "555 5.5.4 Unsupported parameter SIZE"),
        ("SIZE=10 SIZE=10", "501 5.5.4 SIZE given twice"),
        ("XFOO=1", "555 5.5.4 Unsupported parameter XFOO"),
        ("AUTH=<>", "555 5.5.4 Unsupported parameter AUTH"),
        ("BODY=BINARYMIME", "555 5.5.4 BODY takes 7BIT or 8BITMIME"),
        ("BODY", "555 5.5.4 Unsupported parameter BODY"),
        ("SMTPUTF8=yes", "555 5.5.4 Unsupported parameter SMTPUTF8"),
        ("RET=NONE", "501 5.5.4 RET takes FULL or HDRS"),
        ("RET", "555 5.5.4 Unsupported parameter RET"),
        ("ENVID=a+zz", "501 5.5.4 ENVID must be xtext of at most 100 characters"),
        ("ENVID=a=b", "501 5.5.4 ENVID must be xtext of at most 100 characters"),
        ("ENVID=\(String(repeating: "e", count: 101))", "501 5.5.4 ENVID must be xtext of at most 100 characters"),
    ])
    func mailParameterRefused(_ parameters: String, _ reply: String) {
        var session = Session()
        #expect(session.send("MAIL FROM:<a@example.org> \(parameters)") == .reply(reply + "\r\n"))
        // No transaction was started: MAIL may come again.
        #expect(session.send("MAIL FROM:<a@example.org>") == senderOK)
    }

    @Test
    func mailParametersReachTheDriver() throws {
        var session = Session()
        session.open(
            "MAIL FROM:<a@example.org> SIZE=500 BODY=8bitmime RET=hdrs ENVID=QQ+2Bx+3Dy SMTPUTF8",
            to: ["b@example.com", "c@example.com"])
        let data = session.dataTransaction()
        let transaction = try #require(data)
        #expect(transaction.reversePath == "a@example.org")
        #expect(transaction.declaredSize == 500)
        #expect(transaction.ret == "HDRS")
        #expect(transaction.envelopeID == "QQ+x=y")
        #expect(transaction.smtpUTF8)
        #expect(transaction.recipients.map(\.address) == ["b@example.com", "c@example.com"])
        #expect(transaction.recipients.map(\.route) == ["b@example.com", "c@example.com"])
    }

    @Test
    func nullSenderAndPlainParameters() throws {
        var session = Session()
        session.open("MAIL FROM:<> BODY=7BIT RET=FULL ENVID=\(String(repeating: "e", count: 100))")
        let data = session.dataTransaction()
        let transaction = try #require(data)
        #expect(transaction.reversePath == "")
        #expect(transaction.declaredSize == nil)
        #expect(transaction.ret == "FULL")
        #expect(transaction.envelopeID == String(repeating: "e", count: 100))
        #expect(!transaction.smtpUTF8)
    }

    // MARK: - RCPT parameters (RFC 3461 §4)

    @Test
    func rcptParametersReachTheDriver() throws {
        var session = Session()
        #expect(session.send("MAIL FROM:<a@example.org>") == senderOK)
        #expect(session.rcpt("RCPT TO:<b@example.com> NOTIFY=success,delay ORCPT=rfc822;b+40example.com", .accept("b")) == recipientOK)
        #expect(session.rcpt("RCPT TO:<c@example.com> NOTIFY=NEVER", .accept("c")) == recipientOK)
        #expect(session.rcpt("RCPT TO:<d@example.com>", .accept("d")) == recipientOK)
        let data = session.dataTransaction()
        let transaction = try #require(data)
        #expect(transaction.recipients.map(\.notify) == ["SUCCESS,DELAY", "NEVER", nil])
        #expect(transaction.recipients.map(\.originalRecipient) == ["rfc822;b+40example.com", nil, nil])
        #expect(transaction.recipients.map(\.route) == ["b", "c", "d"])
    }

    @Test(arguments: [
        ("NOTIFY=NEVER,SUCCESS", "501 5.5.4 NOTIFY takes NEVER or SUCCESS,FAILURE,DELAY"),
        ("NOTIFY=SUCCESS,SUCCESS", "501 5.5.4 NOTIFY takes NEVER or SUCCESS,FAILURE,DELAY"),
        ("NOTIFY=SUCCESS,,FAILURE", "501 5.5.4 NOTIFY takes NEVER or SUCCESS,FAILURE,DELAY"),
        ("NOTIFY=", "501 5.5.4 NOTIFY takes NEVER or SUCCESS,FAILURE,DELAY"),
        ("NOTIFY=SOMETIMES", "501 5.5.4 NOTIFY takes NEVER or SUCCESS,FAILURE,DELAY"),
        ("NOTIFY=NEVER NOTIFY=NEVER", "501 5.5.4 NOTIFY given twice"),
        ("ORCPT=rfc822", "501 5.5.4 ORCPT takes addr-type;xtext"),
        ("ORCPT=;b@example.com", "501 5.5.4 ORCPT takes addr-type;xtext"),
        ("ORCPT=rfc822;b+zzexample.com", "501 5.5.4 ORCPT takes addr-type;xtext"),
        ("ORCPT=rfc822;\(String(repeating: "o", count: 494))", "501 5.5.4 ORCPT takes addr-type;xtext"),
        ("XFOO", "555 5.5.4 Unsupported parameter XFOO"),
        ("SIZE=10", "555 5.5.4 Unsupported parameter SIZE"),
    ])
    func rcptParameterRefused(_ parameters: String, _ reply: String) {
        var session = Session()
        #expect(session.send("MAIL FROM:<a@example.org>") == senderOK)
        #expect(session.send("RCPT TO:<b@example.com> \(parameters)") == .reply(reply + "\r\n"))
        // The transaction goes on.
        #expect(session.rcpt("RCPT TO:<b@example.com>", .accept("b")) == recipientOK)
    }

    @Test
    func theLongestORCPTIsTaken() {
        var session = Session()
        let orcpt = "rfc822;" + String(repeating: "o", count: 493)
        #expect(orcpt.count == 500)
        #expect(session.send("MAIL FROM:<a@example.org>") == senderOK)
        #expect(session.send("RCPT TO:<b@example.com> ORCPT=\(orcpt)") == .checkRecipient("b@example.com", declaredSize: nil))
    }

    // MARK: - SMTPUTF8 (RFC 6531 §3.4)

    @Test
    func utf8AddressesNeedSMTPUTF8() throws {
        let needsUTF8 = Step.reply("553 5.6.7 A UTF-8 address needs SMTPUTF8\r\n")
        var session = Session()
        #expect(session.send("MAIL FROM:<δοκιμή@example.org>") == needsUTF8)
        #expect(session.send("MAIL FROM:<a@example.org>") == senderOK)
        #expect(session.send("RCPT TO:<b@παράδειγμα.δοκιμή>") == needsUTF8)
        #expect(session.send("RSET") == .reply("250 2.0.0 Reset\r\n"))
        #expect(session.send("MAIL FROM:<δοκιμή@example.org> SMTPUTF8") == senderOK)
        #expect(session.send("RCPT TO:<b@παράδειγμα.δοκιμή>") == .checkRecipient("b@παράδειγμα.δοκιμή", declaredSize: nil))
        #expect(Step(session.machine.recipientChecked(.accept("b"))) == recipientOK)
        let data = session.dataTransaction()
        let transaction = try #require(data)
        #expect(transaction.reversePath == "δοκιμή@example.org")
        #expect(transaction.smtpUTF8)
    }

    // MARK: - Recipients

    @Test
    func theDriversVerdictIsTheReply() {
        var session = Session()
        #expect(session.send("MAIL FROM:<a@example.org>") == senderOK)
        #expect(session.send("RCPT TO:<B@Example.COM>") == .checkRecipient("B@Example.COM", declaredSize: nil))
        let full = SMTPReply(452, "4.2.2", "Mailbox full; try again later")
        #expect(Step(session.machine.recipientChecked(.refuse(full))) == .reply("452 4.2.2 Mailbox full; try again later\r\n"))
        #expect(session.send("RCPT TO:<c@example.com>") == .checkRecipient("c@example.com", declaredSize: nil))
        #expect(Step(session.machine.recipientChecked(.accept("c"))) == recipientOK)
    }

    /// RFC 5321 §4.5.3.1.10: past the limit, 452 asks the client to send the rest later.
    @Test
    func recipientLimit() {
        var session = Session(maximumRecipients: 2)
        #expect(session.send("MAIL FROM:<a@example.org>") == senderOK)
        #expect(
            session.rcpt("RCPT TO:<x@example.com>", .refuse(SMTPReply(550, "5.1.1", "No such user here")))
                == .reply("550 5.1.1 No such user here\r\n"))
        #expect(session.rcpt("RCPT TO:<b@example.com>", .accept("b")) == recipientOK)
        #expect(session.rcpt("RCPT TO:<c@example.com>", .accept("c")) == recipientOK)
        #expect(
            session.send("RCPT TO:<d@example.com>") == .reply("452 4.5.3 Too many recipients; send the rest in another transaction\r\n"))
        #expect(
            session.send("DATA")
                == .receiveMessage(recipients: ["b@example.com", "c@example.com"], reply: "354 End data with <CR><LF>.<CR><LF>\r\n"))
    }

    /// Unknown users are the store's answer, not the client's fault: they never end the session.
    @Test
    func refusedRecipientsAreNotErrors() {
        var session = Session(maximumErrors: 3)
        #expect(session.send("MAIL FROM:<a@example.org>") == senderOK)
        for number in 1...10 {
            #expect(
                session.rcpt("RCPT TO:<u\(number)@example.com>", .refuse(SMTPReply(550, "5.1.1", "No such user here")))
                    == .reply("550 5.1.1 No such user here\r\n"))
        }
        #expect(session.rcpt("RCPT TO:<b@example.com>", .accept("b")) == recipientOK)
    }

    // MARK: - DATA (RFC 2033 §4.2)

    @Test
    func dataThenOneReplyPerRecipient() {
        var session = Session()
        session.open(to: ["b@example.com", "c@example.com"])
        session.delivery = { _ in [SMTPReply(250, "2.0.0", "Delivered, id 7"), SMTPReply(452, "4.2.2", "Mailbox full; try again later")] }
        #expect(
            session.run("DATA") == [
                .receiveMessage(recipients: ["b@example.com", "c@example.com"], reply: "354 End data with <CR><LF>.<CR><LF>\r\n"),
                .deliver(recipients: ["b@example.com", "c@example.com"]),
                .reply("250 2.0.0 Delivered, id 7\r\n452 4.2.2 Mailbox full; try again later\r\n"),
            ])
        #expect(session.send("MAIL FROM:<a@example.org>") == senderOK)
    }

    @Test
    func aMessageThatCannotBeKeptFailsForEveryRecipient() {
        var session = Session()
        session.open(to: ["b@example.com", "c@example.com", "d@example.com"])
        let tooBig = SMTPReply(552, "5.3.4", "Message too big for this system")
        #expect(
            session.run("DATA", failure: tooBig) == [
                .receiveMessage(
                    recipients: ["b@example.com", "c@example.com", "d@example.com"], reply: "354 End data with <CR><LF>.<CR><LF>\r\n"),
                .abandonMessage(String(repeating: "552 5.3.4 Message too big for this system\r\n", count: 3), close: false),
            ])
        #expect(session.send("RCPT TO:<b@example.com>") == .reply("503 5.5.1 Need MAIL before RCPT\r\n"))
        #expect(session.send("MAIL FROM:<a@example.org>") == senderOK)
    }

    // MARK: - BDAT (RFC 3030 §2)

    @Test
    func chunksThenDelivery() {
        var session = Session()
        session.open(to: ["b@example.com", "c@example.com"])
        #expect(session.run("BDAT 10") == [.receiveChunk(size: 10, last: false, opening: ["b@example.com", "c@example.com"]), chunkOK])
        #expect(session.run("BDAT 20") == [.receiveChunk(size: 20, last: false, opening: nil), chunkOK])
        #expect(
            session.run("BDAT 5 LAST") == [
                .receiveChunk(size: 5, last: true, opening: nil), .deliver(recipients: ["b@example.com", "c@example.com"]),
                .reply("250 2.0.0 Delivered\r\n250 2.0.0 Delivered\r\n"),
            ])
        #expect(session.send("MAIL FROM:<a@example.org>") == senderOK)
    }

    @Test
    func anEmptyLastChunk() {
        var session = Session()
        session.open()
        #expect(
            session.run("BDAT 0 LAST") == [
                .receiveChunk(size: 0, last: true, opening: ["b@example.com"]), .deliver(recipients: ["b@example.com"]),
                .reply("250 2.0.0 Delivered\r\n"),
            ])
    }

    @Test
    func bdatWithoutRecipientsIsReadPast() {
        var session = Session()
        #expect(session.run("BDAT 100 LAST") == [.skipChunk(size: 100, reply: noRecipientsForBDAT), .reply("")])
        #expect(session.send("MAIL FROM:<a@example.org>") == senderOK)
        #expect(
            session.rcpt("RCPT TO:<x@example.com>", .refuse(SMTPReply(550, "5.1.1", "No such user here")))
                == .reply("550 5.1.1 No such user here\r\n"))
        #expect(session.run("BDAT 7") == [.skipChunk(size: 7, reply: noRecipientsForBDAT), .reply("")])
        // The refused chunk ended the transaction (RFC 3030 §2).
        #expect(session.send("RCPT TO:<b@example.com>") == .reply("503 5.5.1 Need MAIL before RCPT\r\n"))
    }

    /// The chunk follows BDAT whatever the answer: before LHLO too, it must be read past,
    /// or its octets would be taken for commands. LHLO is still needed afterwards.
    @Test
    func bdatBeforeLHLOIsReadPast() {
        var session = Session(greeted: false)
        #expect(session.run("BDAT 6 LAST") == [.skipChunk(size: 6, reply: "503 5.5.1 Send LHLO first\r\n"), .reply("")])
        #expect(session.send("MAIL FROM:<a@example.org>") == .reply("503 5.5.1 Send LHLO first\r\n"))
        #expect(session.send("LHLO client.example") == .reply(lhloReply))
    }

    @Test
    func aChunkOverTheSizeLimitIsReadPast() {
        var session = Session()
        session.open()
        #expect(
            session.run("BDAT 1001 LAST") == [.skipChunk(size: 1001, reply: "552 5.3.4 Message too big for this system\r\n"), .reply("")])
        session.open()
        #expect(session.run("BDAT 1000") == [.receiveChunk(size: 1000, last: false, opening: ["b@example.com"]), chunkOK])
    }

    @Test
    func aFailedChunkEndsTheTransaction() {
        var session = Session()
        session.open(to: ["b@example.com", "c@example.com"])
        let storage = SMTPReply(452, "4.3.1", "Insufficient system storage; try again later")
        #expect(
            session.run("BDAT 10", failure: storage) == [
                .receiveChunk(size: 10, last: false, opening: ["b@example.com", "c@example.com"]),
                .abandonMessage("452 4.3.1 Insufficient system storage; try again later\r\n", close: false),
            ])
        // RFC 3030 §2: the client must send no more chunks; those it sends are read past.
        #expect(session.run("BDAT 5 LAST") == [.skipChunk(size: 5, reply: noRecipientsForBDAT), .reply("")])
        session.open()
        #expect(session.run("BDAT 5") == [.receiveChunk(size: 5, last: false, opening: ["b@example.com"]), chunkOK])
    }

    @Test
    func aFailedLastChunkFailsForEveryRecipient() {
        var session = Session()
        session.open(to: ["b@example.com", "c@example.com"])
        #expect(session.run("BDAT 10") == [.receiveChunk(size: 10, last: false, opening: ["b@example.com", "c@example.com"]), chunkOK])
        let tooBig = SMTPReply(552, "5.3.4", "Message too big for this system")
        #expect(
            session.run("BDAT 10 LAST", failure: tooBig) == [
                .receiveChunk(size: 10, last: true, opening: nil),
                .abandonMessage(String(repeating: "552 5.3.4 Message too big for this system\r\n", count: 2), close: false),
            ])
    }

    @Test
    func rsetBetweenChunksDropsTheMessage() {
        var session = Session()
        session.open()
        #expect(session.run("BDAT 10") == [.receiveChunk(size: 10, last: false, opening: ["b@example.com"]), chunkOK])
        #expect(session.send("RSET") == .abandonMessage("250 2.0.0 Reset\r\n", close: false))
        #expect(session.run("BDAT 5 LAST") == [.skipChunk(size: 5, reply: noRecipientsForBDAT), .reply("")])
    }

    @Test
    func lhloBetweenChunksDropsTheMessage() {
        var session = Session()
        session.open()
        #expect(session.run("BDAT 10") == [.receiveChunk(size: 10, last: false, opening: ["b@example.com"]), chunkOK])
        #expect(session.send("LHLO client.example") == .abandonMessage(lhloReply, close: false))
    }

    @Test
    func quitBetweenChunksDropsTheMessage() {
        var session = Session()
        session.open()
        #expect(session.run("BDAT 10") == [.receiveChunk(size: 10, last: false, opening: ["b@example.com"]), chunkOK])
        #expect(session.send("QUIT") == .abandonMessage("221 2.0.0 lmtp.example.net closing connection\r\n", close: true))
    }

    /// RFC 3030 §2: DATA and BDAT do not mix in one transaction; the chunks go on.
    @Test
    func noDataOrRecipientsBetweenChunks() {
        var session = Session()
        session.open()
        #expect(session.run("BDAT 10") == [.receiveChunk(size: 10, last: false, opening: ["b@example.com"]), chunkOK])
        #expect(session.send("DATA") == .reply("503 5.5.1 DATA after BDAT\r\n"))
        #expect(session.send("RCPT TO:<c@example.com>") == .reply("503 5.5.1 RCPT after BDAT\r\n"))
        #expect(session.send("MAIL FROM:<a@example.org>") == .reply("503 5.5.1 Nested MAIL command\r\n"))
        #expect(session.send("NOOP") == .reply("250 2.0.0 OK\r\n"))
        #expect(
            session.run("BDAT 3 LAST") == [
                .receiveChunk(size: 3, last: true, opening: nil), .deliver(recipients: ["b@example.com"]),
                .reply("250 2.0.0 Delivered\r\n"),
            ])
    }

    // MARK: - End of the session

    @Test
    func quit() {
        var session = Session()
        session.open()
        #expect(session.send("QUIT") == .send("221 2.0.0 lmtp.example.net closing connection\r\n", close: true))
    }

    /// Twenty refused commands of any kind end the session with 421; the twentieth gets
    /// that reply instead of its own.
    @Test
    func tooManyErrors() {
        var session = Session()
        let lines = ["XYZZY", "HELO x", "MAIL FROM:<bad>", "RCPT TO:<b@example.com>", "DATA now", "STARTTLS"]
        for number in 1...19 {
            let step = session.send(lines[number % lines.count])
            guard case .send(let reply, close: false) = step, reply.hasPrefix("50") else {
                Issue.record("refusal \(number): \(step)")
                return
            }
        }
        #expect(session.send("XYZZY") == .send("421 4.7.0 lmtp.example.net Too many errors, closing connection\r\n", close: true))
    }

    @Test
    func aSmallerErrorLimit() {
        var session = Session(maximumErrors: 2)
        #expect(session.send("XYZZY") == .reply("500 5.5.1 Command unrecognized\r\n"))
        #expect(session.send("NOOP") == .reply("250 2.0.0 OK\r\n"))
        #expect(session.send("\u{1}") == .send("421 4.7.0 lmtp.example.net Too many errors, closing connection\r\n", close: true))
    }
}
