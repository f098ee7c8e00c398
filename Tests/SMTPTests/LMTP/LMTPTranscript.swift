import NIOCore

@testable import SMTP

/// Replays a dialogue against ``LMTPSessionStateMachine`` the way PopstoreServer's
/// `LMTPSessionHandler` drives it, with no socket: client octets are framed by
/// ``SMTPCommandParser``, DATA read with ``SMTPDataDecoder``, BDAT chunks by count, and
/// each action is performed at once against a pretend store. A route is the address.
///
/// A dialogue is `C:` and `S:` lines. Each run of `C:` lines is sent in one read, every
/// line with CRLF (so a run is a pipelined group, RFC 2920); the `S:` lines after it are
/// what the server must have written by then, each line CRLF-ended. ``replay(_:)``
/// returns the dialogue as it happened, for a byte-for-byte comparison.
struct LMTPTranscript {
    /// The pretend store's verdict on each recipient.
    var verdict: (String) -> LMTPRecipientVerdict<String> = { .accept($0) }
    /// Why the message after DATA cannot be kept, given its octets; nil to keep it.
    var messageFailure: ([UInt8]) -> SMTPReply? = { _ in nil }
    /// Why a BDAT chunk cannot be kept, given its number in the message (0 first).
    var chunkFailure: (Int) -> SMTPReply? = { _ in nil }
    /// The per-recipient replies of the store once the message is in.
    var delivery: (LMTPTransaction<String>) -> [SMTPReply] = { transaction in
        transaction.recipients.indices.map { SMTPReply(250, "2.0.0", "Delivered, id \($0 + 1)") }
    }

    /// Every transaction a message was opened for, in order.
    private(set) var opened: [LMTPTransaction<String>] = []
    /// Every message stored, with the octets the store got.
    private(set) var delivered: [(transaction: LMTPTransaction<String>, octets: [UInt8])] = []
    /// How many messages were dropped before their end (abandonMessage).
    private(set) var abandoned = 0
    /// Whether the server closed the connection.
    private(set) var isClosed = false

    private enum Reading {
        case commands
        case message
        case chunk(remaining: Int, skipReply: SMTPReply?)
    }

    private var machine: LMTPSessionStateMachine<String>
    private var parser = SMTPCommandParser()
    private var decoder = SMTPDataDecoder()
    private var reading = Reading.commands
    private var input = ByteBuffer()
    private var output = ByteBuffer()
    private var octets: [UInt8] = []
    private var chunkNumber = 0

    init(configuration: LMTPSessionConfiguration) {
        machine = LMTPSessionStateMachine(configuration: configuration)
        perform(machine.greeting())
    }

    /// Sends the `C:` lines of `dialogue` and returns the dialogue as it went: the same
    /// `C:` lines, each run followed by what the server wrote meanwhile as `S:` lines.
    mutating func replay(_ dialogue: String) -> String {
        var happened: [String] = []
        var pending: [UInt8] = []
        func send() {
            guard !pending.isEmpty else { return }
            input.writeBytes(pending)
            pending = []
            process()
        }
        for line in dialogue.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            if line.hasPrefix("C: ") || line == "C:" {
                if pending.isEmpty { happened += serverLines() }
                happened.append(String(line))
                pending += Array(line.dropFirst(3).utf8) + [0x0D, 0x0A]
            } else {
                precondition(line.hasPrefix("S: "), "a dialogue line starts with C: or S:")
                send()
            }
        }
        send()
        happened += serverLines()
        return happened.joined(separator: "\n")
    }

    /// What the server wrote since the last call, as `S:` lines; anything not ended by
    /// CRLF, or holding a bare CR or LF, is shown escaped so that it cannot compare equal.
    private mutating func serverLines() -> [String] {
        let written = Array(output.readableBytesView)
        output.clear()
        var lines: [String] = []
        var line: [UInt8] = []
        var index = 0
        while index < written.count {
            if written[index] == 0x0D, index + 1 < written.count, written[index + 1] == 0x0A {
                lines.append("S: " + String(decoding: line, as: UTF8.self))
                line = []
                index += 2
            } else {
                line.append(written[index])
                index += 1
            }
        }
        if !line.isEmpty { lines.append("S? unterminated: " + String(decoding: line, as: UTF8.self)) }
        return lines.map { $0.unicodeScalars.contains { $0 == "\r" || $0 == "\n" } ? "S? " + $0.debugDescription : $0 }
    }

    private mutating func process() {
        while !isClosed && input.readableBytes > 0 {
            switch reading {
            case .commands:
                do {
                    guard let command = try parser.parseCommand(from: &input) else { return }
                    perform(machine.command(command))
                } catch {
                    perform(machine.parseError(error))
                }
            case .message:
                if decoder.decode(from: &input, into: &octets) == .complete {
                    reading = .commands
                    perform(machine.messageReceived(failure: messageFailure(octets)))
                }
            case .chunk(let remaining, let skipReply):
                let count = min(remaining, input.readableBytes)
                if skipReply == nil { octets += input.readableBytesView.prefix(count) }
                input.moveReaderIndex(forwardBy: count)
                reading = .chunk(remaining: remaining - count, skipReply: skipReply)
                if remaining == count { chunkComplete(skipReply: skipReply) }
            }
        }
        if case .chunk(0, let skipReply) = reading { chunkComplete(skipReply: skipReply) }
    }

    private mutating func chunkComplete(skipReply: SMTPReply?) {
        reading = .commands
        var failure: SMTPReply?
        if let skipReply {
            write([skipReply])
        } else {
            failure = chunkFailure(chunkNumber)
            chunkNumber += 1
        }
        perform(machine.chunkReceived(failure: failure))
    }

    private mutating func perform(_ action: LMTPSessionAction<String>) {
        switch action {
        case .send(let replies, let close):
            write(replies)
            isClosed = isClosed || close
        case .checkRecipient(let address, _):
            perform(machine.recipientChecked(verdict(address)))
        case .receiveMessage(let transaction, let reply):
            opened.append(transaction)
            octets = []
            decoder = SMTPDataDecoder()
            reading = .message
            write([reply])
        case .receiveChunk(let size, _, let opening):
            if let opening {
                opened.append(opening)
                octets = []
                chunkNumber = 0
            }
            reading = .chunk(remaining: size, skipReply: nil)
        case .skipChunk(let size, let reply):
            reading = .chunk(remaining: size, skipReply: reply)
        case .deliver(let transaction):
            delivered.append((transaction, octets))
            perform(machine.delivered(delivery(transaction)))
        case .abandonMessage(let replies, let close):
            abandoned += 1
            write(replies)
            isClosed = isClosed || close
        }
    }

    private mutating func write(_ replies: [SMTPReply]) {
        for reply in replies { reply.encode(into: &output) }
    }
}
