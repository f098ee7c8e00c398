import Foundation
import ManageSieve
import SASL
import Sieve
import Testing

private func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

/// The compiler's error for a script, as PUTSCRIPT and CHECKSCRIPT must report it.
private func compileError(_ script: String) -> SieveError? {
    do {
        _ = try SieveScript.compile(script)
        return nil
    } catch {
        return error
    }
}

private let sieve = SieveCapabilities.all.advertised
private let rfcBadScript = "#comment\r\nInvalidSieveCommand\r\n"
/// RFC 5804 §2.6's script, with the `envelope` require it forgets (RFC 5228 §5.4 needs it).
private let mySieveScript =
    "require [\"fileinto\", \"envelope\"];\r\n\r\nif envelope :contains \"to\" \"tmartin+sent\" {\r\n  fileinto \"INBOX.sent\";\r\n}\r\n"

/// Transcripts replayed against the state machine, starting from RFC 5804's own examples.
@Suite struct ManageSieveSessionStateMachineTests {
    static let tlsOffered = ManageSieveSessionConfiguration(tlsAvailable: true)
    static let loopback = ManageSieveSessionConfiguration(plaintextAllowedWithoutTLS: true)

    /// RFC 5804 §1.7, §2.2 and §2.1: the greeting, STARTTLS, capabilities again under TLS,
    /// then AUTHENTICATE failing until the server says BYE.
    @Test func startTLSThenFailedLoginsEndInBye() {
        var d = TranscriptDriver(configuration: Self.tlsOffered)
        d.run(
            """
            S: "IMPLEMENTATION" "Popstore"
            S: "SASL" "SCRAM-SHA-256"
            S: "SIEVE" "\(sieve)"
            S: "STARTTLS"
            S: "MAXREDIRECTS" "4"
            S: "VERSION" "1.0"
            S: "UNAUTHENTICATE"
            S: OK
            C: StartTls
            S: OK "Begin TLS negotiation now"
            S: "IMPLEMENTATION" "Popstore"
            S: "SASL" "PLAIN SCRAM-SHA-256"
            S: "SIEVE" "\(sieve)"
            S: "MAXREDIRECTS" "4"
            S: "VERSION" "1.0"
            S: "UNAUTHENTICATE"
            S: OK
            C: AUTHENTICATE "PLAIN" "\(base64("\u{0}tim\u{0}wrong1"))"
            S: NO "Authentication failed"
            C: AUTHENTICATE "PLAIN" "\(base64("\u{0}tim\u{0}wrong2"))"
            S: NO "Authentication failed"
            C: AUTHENTICATE "PLAIN" "\(base64("\u{0}tim\u{0}wrong3"))"
            S: BYE "Too many failed authentication attempts"
            """)
        #expect(d.closed)
        #expect(d.tlsHandshakes == 1)
    }

    /// RFC 5804 §2.2: commands pipelined after STARTTLS are thrown away, and STARTTLS is
    /// refused once TLS is on.
    @Test func bytesPipelinedAfterStartTLSAreDiscarded() {
        var d = TranscriptDriver(configuration: Self.tlsOffered)
        d.run(
            """
            C: STARTTLS
            C: AUTHENTICATE "PLAIN" "\(base64("\u{0}tim\u{0}tanstaaf"))"
            S: OK "Begin TLS negotiation now"
            S: "IMPLEMENTATION" "Popstore"
            S: "SASL" "PLAIN SCRAM-SHA-256"
            S: "SIEVE" "\(sieve)"
            S: "MAXREDIRECTS" "4"
            S: "VERSION" "1.0"
            S: "UNAUTHENTICATE"
            S: OK
            C: STARTTLS
            S: NO "TLS is already active"
            """.withGreeting(Self.tlsOffered))
        #expect(d.user == nil)
        #expect(d.tlsHandshakes == 1)
    }

    @Test func startTLSIsRefusedWhereItIsNotOffered() {
        var d = TranscriptDriver(configuration: Self.loopback)
        d.run(
            """
            C: STARTTLS
            S: NO "TLS is not available"
            """.withGreeting(Self.loopback))
    }

    /// Clear-text mechanisms are refused before TLS (ENCRYPT-NEEDED), as in POP3.
    @Test func plainIsRefusedBeforeTLS() {
        var d = TranscriptDriver(configuration: Self.tlsOffered)
        d.greetAndSend(
            [
                "AUTHENTICATE \"PLAIN\" \"\(base64("\u{0}tim\u{0}tanstaaf"))\"",
                "AUTHENTICATE \"DIGEST-MD5\"",
                "GETSCRIPT \"foo\"",
            ])
        #expect(
            d.output == [
                "NO (ENCRYPT-NEEDED) \"Use STARTTLS before sending a password\"",
                "NO \"Unsupported authentication mechanism\"",
                "NO \"Authenticate first\"",
            ])
    }

    /// RFC 5804 §2.1 with SASL PLAIN: no initial response, an empty challenge, the
    /// response as a literal; then OWNER appears and STARTTLS does not.
    @Test func plainWithAnEmptyChallengeAndALiteralResponse() {
        var d = TranscriptDriver(configuration: ManageSieveSessionConfiguration(tlsActive: true))
        let response = base64("\u{0}tim\u{0}tanstaaf")
        d.greetAndSend([
            "AUTHENTICATE \"PLAIN\"", "{\(response.utf8.count)+}\r\n\(response)", "CAPABILITY", "STARTTLS", "AUTHENTICATE \"PLAIN\"",
        ])
        #expect(
            d.output == [
                "\"\"",
                "OK \"Logged in\"",
                "\"IMPLEMENTATION\" \"Popstore\"",
                "\"SASL\" \"PLAIN SCRAM-SHA-256\"",
                "\"SIEVE\" \"\(sieve)\"",
                "\"MAXREDIRECTS\" \"4\"",
                "\"OWNER\" \"tim\"",
                "\"VERSION\" \"1.0\"",
                "\"UNAUTHENTICATE\"",
                "OK",
                "NO \"Already authenticated\"",
                "NO \"Already authenticated\"",
            ])
    }

    /// RFC 5804 §2.1: `"*"` cancels; a response that is not base64 fails the command.
    @Test func cancelledAndMalformedExchanges() {
        var d = TranscriptDriver(configuration: Self.loopback)
        d.run(
            """
            C: AUTHENTICATE "PLAIN"
            S: ""
            C: "*"
            S: NO "Authentication cancelled"
            C: AUTHENTICATE "PLAIN"
            S: ""
            C: "not base64!"
            S: NO "Invalid SASL response"
            C: AUTHENTICATE "PLAIN"
            S: ""
            C: unquoted
            S: NO "Invalid SASL response"
            C: NOOP
            S: OK "Done"
            """.withGreeting(Self.loopback))
    }

    /// RFC 7677 §3's SCRAM-SHA-256 exchange: the server's final message comes in the OK's
    /// SASL response code (RFC 5804 §2.1).
    @Test func scramSendsItsFinalMessageWithTheOK() {
        var d = TranscriptDriver(
            configuration: Self.tlsOffered, users: ["user": "pencil"], nonce: "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0")
        let nonce = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
        d.greetAndSend([
            "AUTHENTICATE \"SCRAM-SHA-256\" \"\(base64("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"))\"",
            "\"\(base64("c=biws,r=\(nonce),p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="))\"",
        ])
        #expect(
            d.output == [
                "\"\(base64("r=\(nonce),s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))\"",
                "OK (SASL \"\(base64("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="))\") \"Logged in\"",
            ])
        #expect(d.user == "user")
    }

    /// An account the store will not open is told exactly what a wrong password is told.
    @Test func aDisabledAccountLooksLikeAWrongPassword() {
        var d = TranscriptDriver(configuration: Self.loopback)
        d.disabledUsers = ["tim"]
        d.greetAndSend(["AUTHENTICATE \"PLAIN\" \"\(base64("\u{0}tim\u{0}tanstaaf"))\""])
        #expect(d.output == ["NO \"Authentication failed\""])
    }

    /// RFC 5804 §2.3–§2.14, one command after another, with this server's texts.
    @Test func rfc5804ScriptManagement() throws {
        let error = try #require(compileError(rfcBadScript))
        // The compiler's own words, after `line:column: ` (RFC 5804 §2.6 shows "line 2: Syntax error").
        #expect(error.description.hasPrefix("\(error.location.line):\(error.location.column): "))
        var d = TranscriptDriver(configuration: Self.loopback)
        d.run(
            """
            C: Authenticate "PLAIN" "\(base64("\u{0}tim\u{0}tanstaaf"))"
            S: OK "Logged in"
            C: Putscript "foo" {31+}
            C: #comment
            C: InvalidSieveCommand
            C:
            S: NO "\(error.description)"
            C: Putscript "mysievescript" {\(mySieveScript.utf8.count)+}
            C: require ["fileinto", "envelope"];
            C:
            C: if envelope :contains "to" "tmartin+sent" {
            C:   fileinto "INBOX.sent";
            C: }
            C:
            S: OK "Completed"
            C: Listscripts
            S: "mysievescript"
            S: OK
            C: Setactive "mysievescript"
            S: OK "Completed"
            C: Putscript "summer_script" "keep;"
            S: OK "Completed"
            C: Listscripts
            S: "mysievescript" ACTIVE
            S: "summer_script"
            S: OK
            C: Setactive "baz"
            S: NO (NONEXISTENT) "There is no script by that name"
            C: Getscript "mysievescript"
            S: {\(mySieveScript.utf8.count)}
            S: require ["fileinto", "envelope"];
            S:
            S: if envelope :contains "to" "tmartin+sent" {
            S:   fileinto "INBOX.sent";
            S: }
            S:
            S: OK
            C: Getscript "baz"
            S: NO (NONEXISTENT) "There is no script by that name"
            C: Deletescript "mysievescript"
            S: NO (ACTIVE) "You may not delete the active script"
            C: Renamescript "mysievescript" "main_script"
            S: OK "Completed"
            C: Renamescript "main_script" "summer_script"
            S: NO (ALREADYEXISTS) "A script by that name already exists"
            C: Renamescript "nothere" "x"
            S: NO (NONEXISTENT) "There is no script by that name"
            C: Listscripts
            S: "main_script" ACTIVE
            S: "summer_script"
            S: OK
            C: HAVESPACE "myscript" 999999999
            S: NO (QUOTA/MAXSIZE) "Script too large"
            C: HAVESPACE "foobar" 435
            S: OK "Putscript would succeed"
            C: CheckScript {31+}
            C: #comment
            C: InvalidSieveCommand
            C:
            S: NO "\(error.description)"
            C: CHECKSCRIPT "keep;"
            S: OK "Script is valid"
            C: NOOP
            S: OK "Done"
            C: NOOP "STARTTLS-SYNC-42"
            S: OK (TAG "STARTTLS-SYNC-42") "Done"
            C: Setactive ""
            S: OK "Completed"
            C: Deletescript "main_script"
            S: OK "Completed"
            C: UNAUTHENTICATE
            S: OK "Unauthenticated"
            C: LISTSCRIPTS
            S: NO "Authenticate first"
            C: UNAUTHENTICATE
            S: NO "Authenticate first"
            C: Logout
            S: OK "Logout completed"
            """.withGreeting(Self.loopback))
        #expect(d.scripts == ["summer_script": "keep;"])
        #expect(d.active == nil)
        #expect(d.releasedStores == 1)
        #expect(d.closed)
    }

    /// A script the compiler refuses is never handed to the store.
    @Test func badScriptsAreNotStored() {
        var d = TranscriptDriver(configuration: Self.loopback)
        d.greetAndSend(["AUTHENTICATE \"PLAIN\" \"\(base64("\u{0}tim\u{0}tanstaaf"))\"", "PUTSCRIPT \"x\" \"fileinto \\\"a\\\";\""])
        #expect(d.scripts.isEmpty)
        #expect(d.output.last?.hasPrefix("NO \"1:") == true)
    }

    /// QUOTA/MAXSCRIPTS counts scripts; replacing one takes no new slot (RFC 5804 §2.5, §2.6).
    @Test func maximumScripts() {
        var configuration = Self.loopback
        configuration.maximumScripts = 1
        var d = TranscriptDriver(configuration: configuration)
        d.greetAndSend([
            "AUTHENTICATE \"PLAIN\" \"\(base64("\u{0}tim\u{0}tanstaaf"))\"",
            "PUTSCRIPT \"a\" \"keep;\"", "PUTSCRIPT \"a\" \"discard;\"", "HAVESPACE \"b\" 10", "HAVESPACE \"a\" 10",
            "PUTSCRIPT \"b\" \"keep;\"",
        ])
        #expect(
            d.output == [
                "OK \"Logged in\"", "OK \"Completed\"", "OK \"Completed\"", "NO (QUOTA/MAXSCRIPTS) \"Too many scripts\"",
                "OK \"Putscript would succeed\"", "NO (QUOTA/MAXSCRIPTS) \"Too many scripts\"",
            ])
        #expect(d.scripts == ["a": "discard;"])
    }

    /// QUOTA/MAXSIZE, whether the script comes quoted or as a literal the parser refuses.
    @Test func maximumScriptSize() {
        var configuration = Self.loopback
        configuration.maximumScriptSize = 10
        var d = TranscriptDriver(configuration: configuration)
        d.greetAndSend([
            "AUTHENTICATE \"PLAIN\" \"\(base64("\u{0}tim\u{0}tanstaaf"))\"", "PUTSCRIPT \"a\" \"keep; keep;\"",
            "PUTSCRIPT \"a\" {12+}\r\nkeep;\r\nkeep;", "CHECKSCRIPT {12+}\r\nkeep;\r\nkeep;", "HAVESPACE \"a\" 11", "HAVESPACE \"a\" 10",
        ])
        #expect(
            d.output == [
                "OK \"Logged in\"", "NO (QUOTA/MAXSIZE) \"Script too large\"", "NO (QUOTA/MAXSIZE) \"Script too large\"",
                "NO (QUOTA/MAXSIZE) \"Script too large\"", "NO (QUOTA/MAXSIZE) \"Script too large\"", "OK \"Putscript would succeed\"",
            ])
        #expect(d.scripts.isEmpty)
    }

    /// Before login a literal may hold only a SASL response's worth.
    @Test func unauthenticatedLiteralsAreSmall() {
        var d = TranscriptDriver(configuration: Self.loopback)
        d.greetAndSend(["PUTSCRIPT \"a\" {20000+}\r\n" + String(repeating: "#", count: 20_000), "NOOP"])
        #expect(d.output == ["NO \"Command too large\"", "OK \"Done\""])
    }

    /// Repeated invalid commands end the session with BYE; a valid one resets the count.
    @Test func repeatedInvalidCommandsEndInBye() {
        var configuration = Self.loopback
        configuration.maximumInvalidCommands = 3
        var d = TranscriptDriver(configuration: configuration)
        d.greetAndSend(["FOO", "BAR", "NOOP", "FOO", "GETSCRIPT", "HAVESPACE \"a\" x", "NOOP"])
        #expect(
            d.output == [
                "NO \"Unknown command\"", "NO \"Unknown command\"", "OK \"Done\"", "NO \"Unknown command\"", "NO \"Invalid arguments\"",
                "BYE \"Too many invalid commands\"",
            ])
        #expect(d.closed)
    }

    @Test func idleTimeoutAndShutdownSayBye() {
        var machine = TranscriptDriver(configuration: Self.loopback).machine
        #expect(machine.idleTimeout() == .sendAndClose(.bye(nil, "Idle timeout")))
        #expect(machine.isClosed)
        var other = TranscriptDriver(configuration: Self.loopback).machine
        #expect(other.serverShuttingDown() == .sendAndClose(.bye(.tryLater, "Server shutting down")))
        #expect(other.receive(.noop(tag: nil)) == .none)
    }

    /// The literal limit follows the session: small before login, a script's size after.
    @Test func literalLimitFollowsLogin() {
        var d = TranscriptDriver(configuration: Self.loopback)
        #expect(d.machine.maximumLiteralLength == ManageSieveLimits.unauthenticatedLiteralLength)
        d.greetAndSend(["AUTHENTICATE \"PLAIN\" \"\(base64("\u{0}tim\u{0}tanstaaf"))\""])
        #expect(d.machine.maximumLiteralLength == ManageSieveLimits.scriptSize)
    }
}

extension TranscriptDriver {
    /// Sends the greeting (not recorded), then each line with CRLF, one write each.
    mutating func greetAndSend(_ lines: [String]) {
        perform(machine.greeting())
        output = []
        for line in lines { client(line + "\r\n") }
    }
}

extension String {
    /// The transcript with the greeting's lines for `configuration` put in front.
    fileprivate func withGreeting(_ configuration: ManageSieveSessionConfiguration) -> String {
        let mechanisms = configuration.usableMechanisms.map(\.rawValue).joined(separator: " ")
        let greeting = [
            "S: \"IMPLEMENTATION\" \"Popstore\"", "S: \"SASL\" \"\(mechanisms)\"", "S: \"SIEVE\" \"\(sieve)\"",
        ]
        let startTLS = configuration.tlsAvailable && !configuration.tlsActive ? ["S: \"STARTTLS\""] : []
        let rest = ["S: \"MAXREDIRECTS\" \"4\"", "S: \"VERSION\" \"1.0\"", "S: \"UNAUTHENTICATE\"", "S: OK"]
        return (greeting + startTLS + rest).joined(separator: "\n") + "\n" + self
    }
}
