import Foundation
import Logging
import NIOCore
import NIOPosix
import SMTP
import Testing

#if canImport(Relay)
    import Relay
#else
    import PopstoreServer
#endif

/// SMTPRelayClient against a scripted relay on loopback.
@Suite struct SMTPRelayClientTests {
    let fileIO = NonBlockingFileIO(threadPool: .singleton)
    let group = MultiThreadedEventLoopGroup.singleton

    func envelope(_ recipients: [String], size: Int? = nil) throws -> SMTPClientEnvelope {
        try SMTPClientEnvelope(sender: "alice@example.org", recipients: recipients.map { try SMTPClientRecipient($0) }, size: size)
    }

    func endpoint(
        _ port: Int, _ security: RelayEndpoint.Security = .none, host: String = "127.0.0.1",
        credentials: SMTPClientConfiguration.Credentials? = nil, caFile: String? = nil, verifyCertificate: Bool = true,
        replyTimeout: TimeAmount = .seconds(10)
    ) -> RelayEndpoint {
        RelayEndpoint(
            host: host, port: port, security: security, credentials: credentials, heloName: "client.test", caFile: caFile,
            verifyCertificate: verifyCertificate, connectTimeout: .seconds(5), replyTimeout: replyTimeout)
    }

    func send(
        _ bytes: [UInt8], length: Int? = nil, envelope: SMTPClientEnvelope, to endpoint: RelayEndpoint,
        logger: Logger = Logger(label: "relay-test")
    ) async throws -> SMTPDeliveryResult {
        try await withRelayTemporaryFile(bytes) { path in
            await SMTPRelayClient.send(
                envelope: envelope, body: RelayMessageBody(path: path, length: length ?? bytes.count), to: endpoint, group: group,
                fileIO: fileIO, logger: logger)
        }
    }

    // MARK: Plain text

    @Test func plainSessionDeliversTheMessageBytesExactly() async throws {
        let server = try await ScriptedRelayServer.start()
        let body = Array("From: alice@example.org\r\nSubject: test\r\n\r\n..a line that began with a dot\r\nlast line\r\n".utf8)
        let result = try await send(body, envelope: envelope(["bob@example.com"]), to: endpoint(server.port))
        await server.stop()

        #expect(result.sessionFailure == nil)
        #expect(result.deliveredRecipients == ["bob@example.com"])
        let session = try #require(server.recorded.first)
        #expect(session.messages == [body + Array(".\r\n".utf8)])
        #expect(
            session.commands.map(\.line) == [
                "EHLO client.test", "MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.com>", "DATA", "QUIT",
            ])
        #expect(session.commands.allSatisfy { !$0.overTLS })
    }

    @Test func withoutPipeliningEachCommandWaitsForItsReply() async throws {
        var script = ScriptedRelayServer.Script()
        script.extensions = ["SIZE 1000"]
        let server = try await ScriptedRelayServer.start(script)
        let body = Array("Subject: x\r\n\r\nhello\r\n".utf8)
        let result = try await send(
            body, envelope: envelope(["bob@example.com", "carol@example.com"], size: body.count), to: endpoint(server.port))
        await server.stop()

        #expect(result.deliveredRecipients == ["bob@example.com", "carol@example.com"])
        #expect(
            server.recorded.first?.commands.map(\.line) == [
                "EHLO client.test", "MAIL FROM:<alice@example.org> SIZE=\(body.count)", "RCPT TO:<bob@example.com>",
                "RCPT TO:<carol@example.com>", "DATA", "QUIT",
            ])
        #expect(server.recorded.first?.messages == [body + Array(".\r\n".utf8)])
    }

    @Test func aMessageWithoutItsFinalLineEndIsStillEndedOnALineOfItsOwn() async throws {
        let server = try await ScriptedRelayServer.start()
        let body = Array("Subject: x\r\n\r\nno line end".utf8)
        let result = try await send(body, envelope: envelope(["bob@example.com"]), to: endpoint(server.port))
        await server.stop()

        #expect(result.sessionFailure == nil)
        #expect(server.recorded.first?.messages == [body + Array("\r\n.\r\n".utf8)])
    }

    @Test func refusedRecipientFailsPermanentlyWithTheServersReply() async throws {
        var script = ScriptedRelayServer.Script()
        script.refusedRecipients = ["nobody@example.com": "550 5.1.1 <nobody@example.com>: Recipient address rejected"]
        let server = try await ScriptedRelayServer.start(script)
        let result = try await send(
            Array("Subject: x\r\n\r\nhi\r\n".utf8), envelope: envelope(["bob@example.com", "nobody@example.com"]), to: endpoint(server.port)
        )
        await server.stop()

        #expect(result.sessionFailure == nil)
        #expect(result.deliveredRecipients == ["bob@example.com"])
        let refusal = SMTPReply(550, "5.1.1", "<nobody@example.com>: Recipient address rejected")
        #expect(
            result.recipients[1]
                == .init(address: "nobody@example.com", status: .failed(.init(.permanent, .recipientRefused, reply: refusal))))
        #expect(server.recorded.first?.messages.count == 1)
    }

    @Test func largeMessageStreamsIntact() async throws {
        var generator = SystemRandomNumberGenerator()
        var raw: [UInt8] = []
        raw.reserveCapacity(1 << 20 + 4096)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789 .,-".utf8)
        while raw.count < 1 << 20 {
            let length = Int.random(in: 0...120, using: &generator)
            for _ in 0..<length { raw.append(alphabet.randomElement(using: &generator)!) }
            raw.append(contentsOf: [13, 10])
        }
        var dataForm = SMTPDotStuffer.dataForm(of: ByteBuffer(bytes: raw))
        let body = Array(dataForm.readBytes(length: dataForm.readableBytes - 3)!)
        #expect(body.count >= 1 << 20)

        let server = try await ScriptedRelayServer.start()
        let result = try await send(body, envelope: envelope(["bob@example.com"]), to: endpoint(server.port))
        await server.stop()

        #expect(result.sessionFailure == nil)
        let received = try #require(server.recorded.first?.messages.first)
        #expect(received.count == body.count + 3)
        #expect(received == body + Array(".\r\n".utf8))
    }

    @Test func messageFileShorterThanDeclaredIsNeverEnded() async throws {
        let server = try await ScriptedRelayServer.start()
        let result = try await send(
            Array("Subject: x\r\n\r\ncut\r\n".utf8), length: 100_000, envelope: envelope(["bob@example.com"]), to: endpoint(server.port))
        await server.stop()

        #expect(result.sessionFailure == .init(.temporary, .connectionLost))
        #expect(result.deliveredRecipients.isEmpty)
        #expect(server.recorded.first?.messages == [])
    }

    @Test func securityNoneDoesNotUseAnOfferedSTARTTLS() async throws {
        var script = ScriptedRelayServer.Script()
        script.offersSTARTTLS = true
        let server = try await ScriptedRelayServer.start(script, tls: try RelayTestCertificate().serverContext())
        let result = try await send(
            Array("Subject: x\r\n\r\nhi\r\n".utf8), envelope: envelope(["bob@example.com"]), to: endpoint(server.port))
        await server.stop()

        #expect(result.sessionFailure == nil)
        #expect(server.recorded.first?.commands.contains { $0.line == "STARTTLS" } == false)
    }

    // MARK: Failures

    @Test func refusedConnectionIsATemporarySessionFailure() async throws {
        let port = try await ScriptedRelayServer.closedPort()
        let result = try await send(Array("Subject: x\r\n\r\nhi\r\n".utf8), envelope: envelope(["bob@example.com"]), to: endpoint(port))

        let failure = SMTPDeliveryResult.Failure(.temporary, .connectionLost)
        #expect(result.sessionFailure == failure)
        #expect(result.recipients == [.init(address: "bob@example.com", status: .failed(failure))])
    }

    @Test func silentServerTimesOut() async throws {
        var script = ScriptedRelayServer.Script()
        script.greets = false
        let server = try await ScriptedRelayServer.start(script)
        let started = ContinuousClock.now
        let result = try await send(
            Array("Subject: x\r\n\r\nhi\r\n".utf8), envelope: envelope(["bob@example.com"]),
            to: endpoint(server.port, replyTimeout: .milliseconds(300)))
        let elapsed = ContinuousClock.now - started
        await server.stop()

        #expect(result.sessionFailure == .init(.temporary, .timedOut))
        #expect(result.deliveredRecipients.isEmpty)
        #expect(elapsed >= .milliseconds(300))
        // Far below the 5-minute default: the 300 ms setting applied (the bound is loose because
        // a loaded 2-core runner may hold this task back for seconds).
        #expect(elapsed < .seconds(60))
    }

    @Test func stalledMessageWritesTimeOut() async throws {
        var script = ScriptedRelayServer.Script()
        script.stallsAfterDATA = true
        let server = try await ScriptedRelayServer.start(script)
        // 8 MiB of 1000-octet lines: more than the socket buffers on both sides hold.
        var body = [UInt8](repeating: UInt8(ascii: "x"), count: 8 << 20)
        for lineEnd in stride(from: 999, to: body.count, by: 1000) { body[lineEnd - 1] = 13; body[lineEnd] = 10 }
        let result = try await send(
            body, envelope: envelope(["bob@example.com"]), to: endpoint(server.port, replyTimeout: .milliseconds(500)))
        await server.stop()

        #expect(result.sessionFailure == .init(.temporary, .timedOut))
        #expect(result.deliveredRecipients.isEmpty)
        #expect(server.recorded.first?.messages == [])
    }

    @Test func requiredTLSWithoutSTARTTLSFailsBeforeTheEnvelope() async throws {
        let server = try await ScriptedRelayServer.start()
        let result = try await send(
            Array("Subject: x\r\n\r\nhi\r\n".utf8), envelope: envelope(["bob@example.com"]), to: endpoint(server.port, .required))
        await server.stop()

        #expect(result.sessionFailure == .init(.temporary, .tlsUnavailable))
        #expect(server.recorded.first?.commands.map(\.line) == ["EHLO client.test", "QUIT"])
    }

    // MARK: TLS

    @Test func startTLSThenAuthPlainSendsCredentialsOnlyOverTLS() async throws {
        var script = ScriptedRelayServer.Script()
        script.offersSTARTTLS = true
        let server = try await ScriptedRelayServer.start(script, tls: try RelayTestCertificate().serverContext())
        let (logger, logLines) = RelayTestLogHandler.logger()
        let body = Array("Subject: confidential-subject\r\n\r\nconfidential-body\r\n".utf8)
        let result = try await send(
            body, envelope: envelope(["bob@example.com"]),
            to: endpoint(
                server.port, .required, credentials: .init(user: "relayuser", password: "s3cret-pass"), verifyCertificate: false),
            logger: logger)
        await server.stop()

        #expect(result.sessionFailure == nil)
        #expect(result.deliveredRecipients == ["bob@example.com"])
        let session = try #require(server.recorded.first)
        let plain = Data([0] + Array("relayuser".utf8) + [0] + Array("s3cret-pass".utf8)).base64EncodedString()
        #expect(
            session.commands == [
                .init(line: "EHLO client.test", overTLS: false),
                .init(line: "STARTTLS", overTLS: false),
                .init(line: "EHLO client.test", overTLS: true),
                .init(line: "AUTH PLAIN \(plain)", overTLS: true),
                .init(line: "MAIL FROM:<alice@example.org>", overTLS: true),
                .init(line: "RCPT TO:<bob@example.com>", overTLS: true),
                .init(line: "DATA", overTLS: true),
                .init(line: "QUIT", overTLS: true),
            ])
        #expect(session.messages == [body + Array(".\r\n".utf8)])

        let logged = logLines.withLockedValue { $0 }.joined(separator: "\n")
        #expect(logged.contains("AUTH PLAIN"))
        #expect(!logged.contains("s3cret-pass"))
        #expect(!logged.contains(plain))
        #expect(!logged.contains("confidential"))
    }

    @Test func implicitTLSTrustsTheCertificateFromCAFile() async throws {
        var script = ScriptedRelayServer.Script()
        script.implicitTLS = true
        let certificate = try RelayTestCertificate()
        let server = try await ScriptedRelayServer.start(script, tls: try certificate.serverContext())
        let result = try await withRelayTemporaryFile(Array(certificate.certificatePEM.utf8)) { caFile in
            try await send(
                Array("Subject: x\r\n\r\nhi\r\n".utf8), envelope: envelope(["bob@example.com"]),
                to: endpoint(server.port, .implicit, credentials: .init(user: "relayuser", password: "pw"), caFile: caFile))
        }
        await server.stop()

        #expect(result.sessionFailure == nil)
        #expect(result.deliveredRecipients == ["bob@example.com"])
        let session = try #require(server.recorded.first)
        #expect(session.commands.first == .init(line: "EHLO client.test", overTLS: true))
        #expect(session.commands.contains { $0.line.hasPrefix("AUTH PLAIN ") && $0.overTLS })
        #expect(!session.commands.contains { $0.line == "STARTTLS" })
    }

    @Test func untrustedCertificateFailsTheSessionTemporarily() async throws {
        var script = ScriptedRelayServer.Script()
        script.offersSTARTTLS = true
        let server = try await ScriptedRelayServer.start(script, tls: try RelayTestCertificate().serverContext())
        let result = try await send(
            Array("Subject: x\r\n\r\nhi\r\n".utf8), envelope: envelope(["bob@example.com"]),
            to: endpoint(server.port, .starttls, credentials: .init(user: "relayuser", password: "pw")))
        await server.stop()

        #expect(result.sessionFailure?.severity == .temporary)
        #expect(result.deliveredRecipients.isEmpty)
        let commands = server.recorded.first?.commands.map(\.line) ?? []
        #expect(commands == ["EHLO client.test", "STARTTLS"])
    }
}
