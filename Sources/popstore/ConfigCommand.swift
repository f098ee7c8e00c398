import ArgumentParser
import Foundation
import PopstoreCore
import PopstoreServer

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Configuration files for `popstore serve`.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a configuration file and print the settings it gives (defaults filled in).")

        @Option(help: "The configuration file (TOML).") var config: String

        func run() throws {
            try runReporting {
                let file = try ConfigCommand.load(config)
                let server = file.server
                let lines = [
                    "store = \(file.store ?? "(from --store or $POPSTORE_STORE)")",
                    "pop3.listen = \(server.pop3.map(\.description).joined(separator: ", "))",
                    "pop3.tls-listen = \(server.pop3s.map(\.description).joined(separator: ", "))",
                    "pop3.plaintext-on-loopback = \(server.plaintextOnLoopback)",
                    "pop3.idle-timeout = \(server.idleTimeoutSeconds)",
                    "pop3.max-sessions = \(server.maximumSessions)",
                    "pop3.max-sessions-per-address = \(server.maximumSessionsPerAddress)",
                    "pop3.credential-cache = \(Int(server.credentialCacheSeconds))",
                    "pop3.accounting-interval = \(Int(server.accountingIntervalSeconds))",
                    "pop3.login-delay = \(server.policy.loginDelaySeconds.map(String.init) ?? "off")",
                    "pop3.expire = \(server.policy.expireDays.map { $0 == RetrievalPolicy.never ? "never" : String($0) } ?? "off")",
                    "tls.certificate = \(server.certificateFile ?? "(self-signed, kept in the store)")",
                    "server.user = \(server.runAs?.user ?? "(as started)")",
                ]
                Terminal.print("\(config): OK\n" + lines.joined(separator: "\n"))
            }
        }
    }

    /// Reads and validates a configuration file; errors name the file and the line.
    static func load(_ path: String) throws(PopstoreError) -> ConfigurationFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .notFound("cannot read \(NameRules.printable(path))")
        }
        guard data.count <= TOMLDocument.maximumSize, let text = String(data: data, encoding: .utf8) else {
            throw .invalidInput("\(path): not a UTF-8 text file of at most \(TOMLDocument.maximumSize) octets")
        }
        do { return try ConfigurationFile(parsing: text) } catch { throw .invalidInput("\(path): \(error.description)") }
    }
}
