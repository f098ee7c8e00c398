import ArgumentParser
import Dispatch
import PopstoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// The `popstore` executable: commands parse their arguments and call the operations
/// layer; no rule lives here.
@main
struct Popstore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "popstore",
        abstract: "A message store for POP3 users.",
        subcommands: [
            InitCommand.self, AccountCommand.self, GroupCommand.self, DomainCommand.self, ForwardCommand.self,
            MessageCommand.self, StoreCommand.self, PasswdCommand.self, ServeCommand.self, ConfigCommand.self, DeliverCommand.self,
            QueueCommand.self, SieveCommand.self,
        ])

    /// Every error is one `error:` line and a non-zero status, usage mistakes included;
    /// `--help` and exit statuses set by a command pass through unchanged.
    ///
    /// An asynchronous command (`serve`) runs in a task while the main thread waits for it,
    /// alive. (An `async` main would hand the main thread to libdispatch, which parks it in
    /// an exiting state where glibc's setuid no longer reaches it: `serve` dropping root
    /// would leave that one thread root.)
    static func main() {
        let command: any ParsableCommand
        do { command = try parseAsRoot() } catch { fail(error) }
        if let asynchronous = command as? any AsyncParsableCommand {
            nonisolated(unsafe) var running = asynchronous
            let done = DispatchSemaphore(value: 0)
            Task.detached {
                do { try await running.run() } catch { fail(error) }
                done.signal()
            }
            done.wait()
        } else {
            var running = command
            do { try running.run() } catch { fail(error) }
        }
    }

    private static func fail(_ error: any Error) -> Never {
        switch error {
        case let exit as ExitCode:
            Self.exit(withError: exit)
        case let error as PopstoreError:
            Terminal.error(error.message)
            Glibc.exit(Terminal.exitStatus(for: error))
        default:
            let code = exitCode(for: error)
            if code == .success { Self.exit(withError: error) }
            let text = message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid command"
            Terminal.error(text + " (see popstore --help)")
            Glibc.exit(code.rawValue)
        }
    }
}
