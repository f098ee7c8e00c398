import Foundation
import NIOCore
import POP3
import SASL
import Testing

/// Replays a `C:` / `S:` transcript against the session state machine, with an
/// in-memory maildrop standing in for the store. The driver does what the server's
/// driver does: performs each action and feeds its result back as an event.
struct TranscriptDriver {
    var machine: POP3SessionStateMachine
    var parser = POP3CommandParser()
    var users: [String: String]
    var messages: [String: [(uid: String, body: String)]]
    var lockedUsers: Set<String> = []
    var policy = POP3Policy()
    var output: [String] = []
    var committed: (deleted: [String], retrieved: [String])? = nil
    var closed = false

    init(
        configuration: POP3SessionConfiguration, users: [String: String], messages: [String: [(uid: String, body: String)]],
        nonce: String = "1896.697170952", host: String = "postoffice.reston.mci.net"
    ) {
        let sasl = SASLServerConfiguration(
            challengeHost: host, scramDecoyKey: ScramDecoyKey(rawBytes: [UInt8](repeating: 7, count: 32))!,
            successData: .asChallenge)!
        machine = POP3SessionStateMachine(configuration: configuration) { mechanism in
            SASLServer(mechanism: mechanism, configuration: sasl, nonce: nonce)
        }
        self.users = users
        self.messages = messages
    }

    mutating func greet() {
        perform(machine.greeting())
    }

    /// Sends one client line (CRLF added) and runs every action it leads to.
    mutating func client(_ line: String) {
        var buffer = ByteBuffer(string: line + "\r\n")
        if machine.expectsSASLResponse {
            do {
                if let response = try parser.parseSASLResponse(from: &buffer) { perform(machine.receive(response)) }
            } catch {
                perform(machine.receiveInvalid(error))
            }
            return
        }
        do {
            if let command = try parser.parseCommand(from: &buffer) { perform(machine.receive(command)) }
        } catch {
            perform(machine.receiveInvalid(error))
        }
    }

    private mutating func write(_ response: POP3Response) {
        var buffer = ByteBuffer()
        response.encode(into: &buffer)
        let text = String(buffer: buffer)
        output += text.components(separatedBy: "\r\n").dropLast()
    }

    private mutating func login(_ user: String) {
        if lockedUsers.contains(user) {
            perform(machine.loginFailed(.inUse))
            return
        }
        let list = (messages[user] ?? []).map { POP3MessageInfo(uid: $0.uid, size: Int64($0.body.utf8.count)) }
        perform(machine.loginSucceeded(messages: list, policy: policy))
    }

    mutating func perform(_ action: POP3SessionAction) {
        switch action {
        case .send(let response):
            write(response)
        case .sendAndClose(let response):
            write(response)
            closed = true
        case .startTLS(let response):
            write(response)
            machine.tlsEstablished()
        case .verifyPassword(let user, let password):
            if users[user] == password { login(user) } else { perform(machine.loginFailed(.badCredentials)) }
        case .verifyAPOP(let user, let digest):
            let timestamp = machine.configuration.apopTimestamp ?? ""
            if APOP.verify(digest: digest, timestamp: timestamp, secret: users[user] ?? "") && users[user] != nil {
                login(user)
            } else {
                perform(machine.loginFailed(.badCredentials))
            }
        case .saslLookup(.verifyPassword(let user, _, let password)):
            perform(machine.saslPasswordVerified(users[user] == password))
        case .saslLookup(.lookupLegacySecret(let user)):
            perform(machine.saslLegacySecretFound(users[user]))
        case .saslLookup(.lookupScramCredentials(let user, _)):
            let credentials = users[user].flatMap {
                try? ScramCredentials.derive(password: $0, salt: Array(Data(base64Encoded: "W22ZaJ0SNY7soEsUEjb6gQ==")!), iterations: 4096)
            }
            perform(machine.saslScramCredentialsFound(credentials, canonicalUsername: user))
        case .saslLookup:
            Issue.record("unexpected SASL action \(action)")
        case .openMaildrop(let user):
            login(user)
        case .sendMessage(let number, let uid, let bodyLines):
            guard let user = messages.keys.first(where: { messages[$0]!.contains { $0.uid == uid } }),
                let message = messages[user]?.first(where: { $0.uid == uid })
            else {
                Issue.record("no message \(uid)")
                return
            }
            output.append("+OK message \(number) follows")
            var lines = message.body.components(separatedBy: "\r\n").dropLast().map { $0 }
            if let bodyLines, let blank = lines.firstIndex(of: "") { lines = Array(lines.prefix(blank + 1 + bodyLines)) }
            output += lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }
            output.append(".")
        case .commitUpdate(let deleted, let retrieved):
            committed = (deleted, retrieved)
            perform(machine.updateFinished(ok: true))
        case .none:
            break
        }
    }

    /// Runs a transcript: `C:` lines are sent, `S:` lines must be what the server said, in order.
    mutating func run(_ transcript: String, sourceLocation: SourceLocation = #_sourceLocation) {
        var expected: [String] = []
        output = []
        greet()
        for line in transcript.split(separator: "\n", omittingEmptySubsequences: true) {
            let text = String(line.drop(while: { $0 == " " }))
            if text.hasPrefix("C: ") || text == "C:" {
                client(String(text.dropFirst(3)))
            } else if text.hasPrefix("S: ") || text == "S:" {
                expected.append(String(text.dropFirst(3)))
            }
        }
        #expect(output == expected, sourceLocation: sourceLocation)
    }
}
