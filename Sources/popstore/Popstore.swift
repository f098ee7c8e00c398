import ArgumentParser
import PopstoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// The `popstore` executable: commands parse their arguments and call the operations
/// layer; no rule lives here.
@main
struct Popstore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "popstore",
        abstract: "A message store for POP3 users.",
        subcommands: [
            InitCommand.self, AccountCommand.self, GroupCommand.self, DomainCommand.self, ForwardCommand.self,
            MessageCommand.self, StoreCommand.self, PasswdCommand.self, ServeCommand.self, ConfigCommand.self, DeliverCommand.self,
            QueueCommand.self,
        ])

    /// Every error is one `error:` line and a non-zero status, usage mistakes included;
    /// `--help` and exit statuses set by a command pass through unchanged.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Self.exit(withError: exit)
        } catch let error as PopstoreError {
            Terminal.error(error.message)
            Glibc.exit(Terminal.exitStatus(for: error))
        } catch {
            let code = exitCode(for: error)
            if code == .success { Self.exit(withError: error) }
            let text = message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid command"
            Terminal.error(text + " (see popstore --help)")
            Glibc.exit(code.rawValue)
        }
    }
}
