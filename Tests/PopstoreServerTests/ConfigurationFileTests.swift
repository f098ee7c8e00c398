import PopstoreCore
import PopstoreServer
import Testing

@Suite struct TOMLDocumentTests {
    @Test func parsesTheSubsetConfigurationFilesUse() throws {
        let document = try TOMLDocument(
            parsing: """
                # Popstore
                store = "/var/lib/popstore"   # the store
                [pop3]
                listen = ["0.0.0.0:110", '[::]:110',]
                idle-timeout = 1_200
                plaintext-on-loopback = false
                [tls]
                "certificate" = "/etc/cert.pem"
                escaped = "a\\tb\\u00e9"
                multi = [
                  1,  # one
                  2,
                ]
                """)
        #expect(document.values["store"]?.value == .string("/var/lib/popstore"))
        #expect(document.values["pop3.listen"]?.value == .array([.string("0.0.0.0:110"), .string("[::]:110")]))
        #expect(document.values["pop3.idle-timeout"]?.value == .integer(1200))
        #expect(document.values["pop3.plaintext-on-loopback"]?.value == .boolean(false))
        #expect(document.values["tls.certificate"]?.value == .string("/etc/cert.pem"))
        #expect(document.values["tls.escaped"]?.value == .string("a\tb\u{e9}"))
        #expect(document.values["tls.multi"]?.value == .array([.integer(1), .integer(2)]))
        #expect(document.tables == ["pop3", "tls"])
    }

    @Test(arguments: [
        ("key = \"unterminated", 1), ("[pop3]\nlisten = [1, 2", 2), ("a = 1\na = 2", 2), ("a = yes", 1),
        ("[t]\n[t]", 2), ("a = 1 b", 1), ("= 3", 1), ("a = \"bad \\q escape\"", 1),
    ])
    func errorsNameTheLine(text: String, line: Int) {
        do {
            _ = try TOMLDocument(parsing: text)
            Issue.record("parsed \(text)")
        } catch {
            #expect(error.line == line, "\(error)")
        }
    }
}

@Suite struct ConfigurationFileTests {
    @Test func theEmptyFileIsTheEmbeddedDefault() throws {
        let file = try ConfigurationFile(parsing: "")
        #expect(file.server.pop3 == [ServerConfiguration.Endpoint(host: "127.0.0.1", port: 1110)])
        #expect(file.server.pop3s == [ServerConfiguration.Endpoint(host: "127.0.0.1", port: 1995)])
        #expect(file.server.idleTimeoutSeconds == 600)
        #expect(file.store == nil)
    }

    @Test func everyKeyIsApplied() throws {
        let file = try ConfigurationFile(
            parsing: """
                store = "/srv/popstore"
                [pop3]
                listen = ["0.0.0.0:110"]
                tls-listen = ["0.0.0.0:995", "[::1]:995"]
                plaintext-on-loopback = false
                idle-timeout = 900
                max-sessions = 100
                max-sessions-per-address = 5
                credential-cache = 0
                accounting-interval = 10
                login-delay = 300
                expire = "never"
                implementation = "Example Mail"
                [tls]
                certificate = "/etc/popstore/cert.pem"
                private-key = "/etc/popstore/key.pem"
                chunk-size = 65536
                [login]
                max-failure-delay = 4
                failures-per-account-and-address = 5
                failure-window = 600
                [server]
                user = "popstore"
                group = "mail"
                """)
        let server = file.server
        #expect(file.store == "/srv/popstore")
        #expect(server.pop3 == [.init(host: "0.0.0.0", port: 110)])
        #expect(server.pop3s == [.init(host: "0.0.0.0", port: 995), .init(host: "::1", port: 995)])
        #expect(!server.plaintextOnLoopback)
        #expect(server.idleTimeoutSeconds == 900)
        #expect(server.maximumSessions == 100 && server.maximumSessionsPerAddress == 5)
        #expect(server.credentialCacheSeconds == 0)
        #expect(server.accountingIntervalSeconds == 10)
        #expect(server.policy == RetrievalPolicy(expireDays: RetrievalPolicy.never, loginDelaySeconds: 300))
        #expect(server.implementation == "Example Mail")
        #expect(server.certificateFile == "/etc/popstore/cert.pem" && server.privateKeyFile == "/etc/popstore/key.pem")
        #expect(server.tlsChunkSize == 65536)
        #expect(server.maximumFailureDelaySeconds == 4 && server.accountFailureLimitPerAddress == 5 && server.failureWindowSeconds == 600)
        #expect(server.runAs?.user == "popstore" && server.runAs?.group == "mail")
    }

    @Test(arguments: [
        ("[pop3]\nlisen = [\"0.0.0.0:110\"]", "unknown key pop3.lisen"),
        ("[pop]\n", "unknown table [pop]"),
        ("[pop3]\nidle-timeout = 60", "pop3.idle-timeout"),  // RFC 1939 §3: at least 10 minutes
        ("[pop3]\nlisten = \"0.0.0.0:110\"", "pop3.listen"),
        ("[pop3]\nlisten = [\"nowhere\"]", "ADDR:PORT"),
        ("[tls]\ncertificate = \"/x.pem\"", "go together"),
        ("[pop3]\nexpire = \"sometimes\"", "pop3.expire"),
        ("[pop3]\naccounting-interval = 301", "pop3.accounting-interval"),  // at most 5 minutes of counts at risk
        ("[server]\ngroup = \"mail\"", "server.group needs server.user"),
    ])
    func mistakesAreNamed(text: String, expected: String) {
        do {
            _ = try ConfigurationFile(parsing: text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.contains(expected), "\(error)")
        }
    }
}
