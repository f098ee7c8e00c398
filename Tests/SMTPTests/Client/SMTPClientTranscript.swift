import NIOCore
import SMTP
import Testing

/// Replays a transcript against the client state machine, doing what the NIO driver will:
/// server lines go through ``SMTPReplyParser``, each action is performed, and the message
/// is streamed through ``SMTPDotStuffer``.
///
/// A transcript is one entry per line; the driver writes the same entries to its log as
/// things happen, and the log must equal the transcript:
/// - `S: text`: the server sends this line (input);
/// - `C: text`: the client sends this line (output, one per line of a command or the data);
/// - `-- TLS`: the client starts TLS, which completes at once (output);
/// - `-- close`: the client closes the connection (output);
/// - `-- server closes`: the connection drops (input).
/// Indentation and blank lines are ignored.
struct SMTPClientTranscript {
    var machine: SMTPClientStateMachine
    let message: [UInt8]
    var parser = SMTPReplyParser()
    var received = ByteBuffer()
    var log: [String] = []
    var results: [SMTPDeliveryResult] = []
    var isClosed = false

    init(configuration: SMTPClientConfiguration, envelope: SMTPClientEnvelope, message: String = "Hello\r\n") {
        machine = SMTPClientStateMachine(configuration: configuration, envelope: envelope)
        self.message = Array(message.utf8)
    }

    /// The one result the session reported; records an issue if there was not exactly one.
    func result(sourceLocation: SourceLocation = #_sourceLocation) -> SMTPDeliveryResult? {
        #expect(results.count == 1, "results: \(results)", sourceLocation: sourceLocation)
        return results.first
    }

    mutating func run(_ transcript: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let entries = transcript.split(separator: "\n").map { $0.trimmingPrefix(while: \.isWhitespace) }.filter { !$0.isEmpty }
        for entry in entries.map(String.init) {
            if entry.hasPrefix("S: ") || entry == "S:" {
                log.append(entry)
                server(String(entry.dropFirst(3)))
            } else if entry == "-- server closes" {
                log.append(entry)
                isClosed = true
                perform(machine.connectionClosed())
            }
        }
        #expect(log == entries.map(String.init), sourceLocation: sourceLocation)
        #expect(isClosed, "the client never closed", sourceLocation: sourceLocation)
        #expect(machine.isDone, sourceLocation: sourceLocation)
    }

    private mutating func server(_ line: String) {
        precondition(!isClosed, "the transcript goes on after the client closed")
        received.writeString(line + "\r\n")
        while true {
            do {
                guard let reply = try parser.parse(from: &received) else { return }
                perform(machine.receivedReply(reply))
            } catch {
                perform(machine.receivedInvalidReply(error))
            }
        }
    }

    mutating func perform(_ actions: [SMTPClientAction]) {
        for action in actions {
            switch action {
            case .send(let command):
                var buffer = ByteBuffer()
                command.encode(into: &buffer)
                logClientLines(buffer)
            case .startTLS:
                log.append("-- TLS")
                received.clear()
                parser.reset()
                perform(machine.tlsEstablished())
            case .sendMessageBody:
                logClientLines(SMTPDotStuffer.dataForm(of: ByteBuffer(bytes: message)))
                perform(machine.dataSent())
            case .finished(let result):
                results.append(result)
            case .close:
                log.append("-- close")
                isClosed = true
            }
        }
    }

    private mutating func logClientLines(_ buffer: ByteBuffer) {
        let text = String(buffer: buffer)
        #expect(text.hasSuffix("\r\n"), "a client write that does not end its line")
        // "\r\n" is one Character, so this splits at line ends only.
        log += text.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast().map { "C: " + $0 }
    }
}
