import Foundation
import ManageSieve
import NIOCore
import SASL
import Testing

/// Replays a `C:` / `S:` transcript against the session state machine, with an in-memory
/// script store standing in for the real one. It does what the server's driver does:
/// parses what the client sent, performs each action, and feeds its result back.
struct TranscriptDriver {
    var machine: ManageSieveSessionStateMachine
    var parser = ManageSieveCommandParser()
    var input = ByteBuffer()
    /// Account name to password.
    var users: [String: String]
    var disabledUsers: Set<String> = []
    var scripts: [String: String] = [:]
    var active: String?
    var output: [String] = []
    var closed = false
    var tlsHandshakes = 0
    var releasedStores = 0
    var user: String?

    init(
        configuration: ManageSieveSessionConfiguration, users: [String: String] = ["tim": "tanstaaf"],
        nonce: String = "3rfcNHYJY1ZVvWVs7j"
    ) {
        let sasl = SASLServerConfiguration(
            challengeHost: "example.net", scramDecoyKey: ScramDecoyKey(rawBytes: [UInt8](repeating: 7, count: 32))!)!
        machine = ManageSieveSessionStateMachine(configuration: configuration) { mechanism in
            SASLServer(mechanism: mechanism, configuration: sasl, nonce: nonce)
        }
        self.users = users
    }

    /// Sends client octets and runs every command they complete, as a channel handler does.
    mutating func client(_ bytes: String) {
        input.writeString(bytes)
        while !closed {
            parser.maximumLiteralLength = machine.maximumLiteralLength
            do {
                if machine.expectsSASLResponse {
                    guard let response = try parser.parseSASLResponse(from: &input) else { return }
                    perform(machine.receive(response))
                } else {
                    guard let command = try parser.parseCommand(from: &input) else { return }
                    perform(machine.receive(command))
                }
            } catch {
                perform(machine.receiveInvalid(error))
            }
        }
    }

    private mutating func write(_ response: ManageSieveResponse) {
        var buffer = ByteBuffer()
        response.encode(into: &buffer)
        output += String(buffer: buffer).split(separator: "\r\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    mutating func perform(_ action: ManageSieveSessionAction) {
        switch action {
        case .send(let response):
            write(response)
        case .sendAndClose(let response):
            write(response)
            closed = true
        case .startTLS(let response):
            write(response)
            // Whatever the client pipelined after STARTTLS is thrown away unread.
            input.clear()
            parser.reset()
            tlsHandshakes += 1
            perform(machine.tlsEstablished())
        case .saslLookup(.verifyPassword(let username, _, let password)):
            perform(machine.saslPasswordVerified(users[username] == password))
        case .saslLookup(.lookupScramCredentials(let username, _)):
            // RFC 7677 §3's salt and iteration count.
            let credentials = users[username].flatMap {
                try? ScramCredentials.derive(password: $0, salt: Array(Data(base64Encoded: "W22ZaJ0SNY7soEsUEjb6gQ==")!), iterations: 4096)
            }
            perform(machine.saslScramCredentialsFound(credentials, canonicalUsername: username))
        case .saslLookup(let other):
            Issue.record("unexpected SASL lookup \(other)")
        case .openScripts(let name):
            if disabledUsers.contains(name) {
                perform(machine.loginFailed(.notPermitted))
            } else {
                user = name
                perform(machine.loginSucceeded(owner: name))
            }
        case .releaseScripts(let response):
            user = nil
            releasedStores += 1
            write(response)
        case .listScripts:
            perform(machine.scriptsListed(scripts.keys.sorted().map { ManageSieveScriptEntry(name: $0, isActive: $0 == active) }))
        case .putScript(let name, let script):
            scripts[name] = script
            perform(machine.storeSucceeded())
        case .setActive(let name):
            if let name, scripts[name] == nil {
                perform(machine.storeFailed(.nonexistent))
            } else {
                active = name
                perform(machine.storeSucceeded())
            }
        case .getScript(let name):
            perform(scripts[name].map { machine.scriptRetrieved($0) } ?? machine.storeFailed(.nonexistent))
        case .deleteScript(let name):
            if scripts[name] == nil {
                perform(machine.storeFailed(.nonexistent))
            } else if active == name {
                perform(machine.storeFailed(.active))
            } else {
                scripts[name] = nil
                perform(machine.storeSucceeded())
            }
        case .renameScript(let oldName, let newName):
            if scripts[oldName] == nil {
                perform(machine.storeFailed(.nonexistent))
            } else if scripts[newName] != nil {
                perform(machine.storeFailed(.alreadyExists))
            } else {
                scripts[newName] = scripts.removeValue(forKey: oldName)
                if active == oldName { active = newName }
                perform(machine.storeSucceeded())
            }
        case .none:
            break
        }
    }

    /// Runs a transcript: consecutive `C:` lines are sent as one write (CRLF after each),
    /// `S:` lines must be what the server said, in order. The greeting comes first.
    mutating func run(_ transcript: String, sourceLocation: SourceLocation = #_sourceLocation) {
        var expected: [String] = []
        output = []
        perform(machine.greeting())
        var pending: String?
        for line in transcript.split(separator: "\n", omittingEmptySubsequences: true) {
            let text = String(line.drop(while: { $0 == " " }))
            if text.hasPrefix("C:") {
                pending = (pending ?? "") + String(text.dropFirst(3)) + "\r\n"
            } else if text.hasPrefix("S:") {
                if let bytes = pending {
                    client(bytes)
                    pending = nil
                }
                expected.append(String(text.dropFirst(3)))
            }
        }
        if let bytes = pending { client(bytes) }
        #expect(output == expected, sourceLocation: sourceLocation)
    }
}
