import ArgumentParser

/// The `popstore` executable: commands parse their arguments and call the operations
/// layer; no rule lives here.
@main
struct Popstore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "popstore",
        abstract: "A message store for POP3 users.",
        subcommands: [
            InitCommand.self, AccountCommand.self, GroupCommand.self, DomainCommand.self, ForwardCommand.self,
            MessageCommand.self, StoreCommand.self, PasswdCommand.self,
        ])
}
