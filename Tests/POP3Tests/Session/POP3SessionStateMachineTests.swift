import POP3
import SASL
import Testing

/// Transcripts replayed against the state machine, starting from the RFCs' own examples.
@Suite struct POP3SessionStateMachineTests {
    static let first = "Subject: one\r\n\r\nHello\r\n.hidden dot\r\n"  // 36 octets as downloaded
    static let second = "Subject: two\r\n\r\n" + String(repeating: "x", count: 98) + "\r\n"  // 116 octets

    func driver(_ configuration: POP3SessionConfiguration = .init(plaintextAllowedWithoutTLS: true)) -> TranscriptDriver {
        TranscriptDriver(
            configuration: configuration, users: ["mrose": "tanstaaf", "tim": "tanstaaftanstaaf", "user": "pencil", "test": "test"],
            messages: ["mrose": [("uid1", Self.first), ("uid2", Self.second)], "tim": [], "user": [], "test": []])
    }

    /// RFC 1939 §10, with this server's texts.
    @Test func rfc1939ExampleSession() {
        var d = driver()
        d.run(
            """
            S: +OK Popstore ready
            C: USER mrose
            S: +OK send PASS
            C: PASS tanstaaf
            S: +OK maildrop has 2 messages (152 octets)
            C: STAT
            S: +OK 2 152
            C: LIST
            S: +OK 2 messages
            S: 1 36
            S: 2 116
            S: .
            C: RETR 1
            S: +OK message 1 follows
            S: Subject: one
            S:
            S: Hello
            S: ..hidden dot
            S: .
            C: DELE 1
            S: +OK message 1 deleted
            C: RETR 1
            S: -ERR no such message
            C: STAT
            S: +OK 1 116
            C: DELE 2
            S: +OK message 2 deleted
            C: QUIT
            S: +OK bye
            """)
        #expect(d.committed?.deleted == ["uid1", "uid2"])
        #expect(d.committed?.retrieved == [])
        #expect(d.closed)
    }

    /// RFC 1939 §7 APOP example: the digest of the greeting's timestamp and the secret.
    @Test func rfc1939APOP() {
        var d = driver(.init(apopTimestamp: "<1896.697170952@dbc.mtview.ca.us>"))
        d.run(
            """
            S: +OK Popstore ready <1896.697170952@dbc.mtview.ca.us>
            C: APOP mrose c4c9334bac560ecc979e58001b3e22fb
            S: +OK maildrop has 2 messages (152 octets)
            C: APOP mrose c4c9334bac560ecc979e58001b3e22fb
            S: -ERR already logged in
            """)
    }

    @Test func apopIsRefusedWhereTheSiteDidNotEnableIt() {
        var d = driver(.init())
        d.run(
            """
            S: +OK Popstore ready
            C: APOP mrose c4c9334bac560ecc979e58001b3e22fb
            S: -ERR APOP is not available
            """)
    }

    /// RFC 2449: UIDL, TOP, CAPA; RETR marks retrieved; RSET undoes DELE.
    @Test func rfc2449Extensions() {
        var d = driver()
        d.policy = POP3Policy(expireDays: 30, loginDelaySeconds: 300)
        d.run(
            """
            S: +OK Popstore ready
            C: user mrose
            S: +OK send PASS
            C: pass tanstaaf
            S: +OK maildrop has 2 messages (152 octets)
            C: UIDL
            S: +OK unique-id listing follows
            S: 1 uid1
            S: 2 uid2
            S: .
            C: UIDL 2
            S: +OK 2 uid2
            C: TOP 1 0
            S: +OK message 1 follows
            S: Subject: one
            S:
            S: .
            C: RETR 2
            S: +OK message 2 follows
            S: Subject: two
            S:
            S: \(String(repeating: "x", count: 98))
            S: .
            C: DELE 1
            S: +OK message 1 deleted
            C: RSET
            S: +OK maildrop has 2 messages
            C: CAPA
            S: +OK capability list follows
            S: TOP
            S: UIDL
            S: RESP-CODES
            S: AUTH-RESP-CODE
            S: PIPELINING
            S: EXPIRE 30
            S: LOGIN-DELAY 300
            S: IMPLEMENTATION Popstore
            S: .
            C: QUIT
            S: +OK bye
            """)
        #expect(d.committed?.deleted == [])
        #expect(d.committed?.retrieved == ["uid2"])
    }

    /// RFC 2595 §2.2 and DESIGN: no clear-text password off TLS (unless allowed); STLS
    /// turns it on, and CAPA tells the truth before and after.
    @Test func plaintextOnlyAfterSTLS() {
        var d = driver(.init(tlsAvailable: true, mechanisms: [.plain, .scramSHA256]))
        d.run(
            """
            S: +OK Popstore ready
            C: CAPA
            S: +OK capability list follows
            S: TOP
            S: UIDL
            S: RESP-CODES
            S: AUTH-RESP-CODE
            S: PIPELINING
            S: SASL SCRAM-SHA-256
            S: STLS
            S: UTF8 USER
            S: LANG
            S: IMPLEMENTATION Popstore
            S: .
            C: USER mrose
            S: -ERR [AUTH] plaintext authentication is not allowed without TLS; use STLS
            C: AUTH PLAIN
            S: -ERR [AUTH] plaintext authentication is not allowed without TLS; use STLS
            C: STLS
            S: +OK begin TLS negotiation
            C: STLS
            S: -ERR TLS is already on
            C: CAPA
            S: +OK capability list follows
            S: TOP
            S: UIDL
            S: RESP-CODES
            S: AUTH-RESP-CODE
            S: PIPELINING
            S: USER
            S: SASL PLAIN SCRAM-SHA-256
            S: UTF8 USER
            S: LANG
            S: IMPLEMENTATION Popstore
            S: .
            C: USER mrose
            S: +OK send PASS
            """)
    }

    /// RFC 5034 §6 example shape: AUTH PLAIN with an initial response, and a failed one.
    @Test func rfc5034Plain() {
        var d = driver()
        d.run(
            """
            S: +OK Popstore ready
            C: AUTH PLAIN dGVzdAB0ZXN0AHdyb25n
            S: -ERR [AUTH] authentication failed
            C: AUTH PLAIN
            S: + 
            C: dGVzdAB0ZXN0AHRlc3Q=
            S: +OK maildrop has 0 messages (0 octets)
            """)
    }

    @Test func saslCancel() {
        var d = driver()
        d.run(
            """
            S: +OK Popstore ready
            C: AUTH LOGIN
            S: + VXNlcm5hbWU6
            C: *
            S: -ERR authentication cancelled
            C: NOOP
            S: +OK
            """)
    }

    /// RFC 5034 §4: a response that is not base64 rejects the AUTH command; the next
    /// line is a command again.
    @Test func invalidBase64EndsTheExchange() {
        var d = driver()
        d.run(
            """
            S: +OK Popstore ready
            C: AUTH PLAIN
            S: + 
            C: !!!notbase64
            S: -ERR authentication failed: invalid response
            C: NOOP
            S: +OK
            """)
    }

    /// RFC 2195 §2 example, with its challenge.
    @Test func rfc2195CramMD5() {
        var d = driver(.init(mechanisms: [.cramMD5]))
        d.run(
            """
            S: +OK Popstore ready
            C: AUTH CRAM-MD5
            S: + PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+
            C: dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw
            S: +OK maildrop has 0 messages (0 octets)
            """)
    }

    /// RFC 7677 §3 example; the server-final message goes out as a challenge (RFC 5034 §4).
    @Test func rfc7677ScramSHA256() {
        var d = TranscriptDriver(
            configuration: .init(mechanisms: [.scramSHA256]), users: ["user": "pencil"], messages: ["user": []],
            nonce: "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0")
        d.run(
            """
            S: +OK Popstore ready
            C: AUTH SCRAM-SHA-256 biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=
            S: + cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1eEZJbGopaE5sRiRrMCxzPVcyMlphSjBTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY=
            C: Yz1iaXdzLHI9ck9wck5HZndFYmVSV2diTkVrcU8laHZZRHBXVWEyUmFUQ0FmdXhGSWxqKWhObEYkazAscD1kSHpiWmFwV0lrNGpVaE4rVXRlOXl0YWc5empmTUhnc3FtbWl6N0FuZFZRPQ==
            S: + dj02cnJpVFJCaTIzV3BSUi93dHVwK21NaFVaVW4vZEI1bkxUSlJzamw5NUc0PQ==
            C:
            S: +OK maildrop has 0 messages (0 octets)
            """)
    }

    @Test func inUseAndBadCredentials() {
        var d = driver()
        d.lockedUsers = ["mrose"]
        d.run(
            """
            S: +OK Popstore ready
            C: USER mrose
            S: +OK send PASS
            C: PASS wrong
            S: -ERR [AUTH] authentication failed
            C: PASS tanstaaf
            S: -ERR send USER first
            C: USER mrose
            S: +OK send PASS
            C: PASS tanstaaf
            S: -ERR [IN-USE] maildrop is in use by another session
            C: STAT
            S: -ERR not logged in
            """)
    }

    /// A dropped connection changes nothing: DELE only marks (RFC 1939 §6).
    @Test func droppedConnectionCommitsNothing() {
        var d = driver()
        d.run(
            """
            S: +OK Popstore ready
            C: USER mrose
            S: +OK send PASS
            C: PASS tanstaaf
            S: +OK maildrop has 2 messages (152 octets)
            C: DELE 1
            S: +OK message 1 deleted
            """)
        d.machine.connectionClosed()
        #expect(d.committed == nil)
    }

    @Test func badInputGetsTheProtocolsOwnError() {
        var d = driver()
        d.run(
            """
            S: +OK Popstore ready
            C: FOO
            S: -ERR unknown command
            C: RETR x
            S: -ERR invalid arguments
            C: \(String(repeating: "A", count: 300))
            S: -ERR line too long
            C: NOOP
            S: +OK
            C: QUIT
            S: +OK bye
            """)
        #expect(d.committed == nil)
    }
}
