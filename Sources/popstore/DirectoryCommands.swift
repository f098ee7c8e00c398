import ArgumentParser
import PopstoreCore
import PopstoreOperations

struct GroupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group", abstract: "Manage management groups.", subcommands: [Add.self, Modify.self, Remove.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a group.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var name: String
        @Option(help: "Groups nested directly below it (comma-separated; created if new).") var subgroups: String?

        func run() throws {
            try runReporting {
                let view = try caller.operations(try storeOptions.open()).addGroup(name, subgroups: commaList(subgroups ?? ""))
                Terminal.print("Created group \(view.name).")
            }
        }
    }

    struct Modify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a group's subgroups.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var name: String
        @Option(help: "Replace the subgroups.") var subgroups: String?
        @Option(help: "Subgroups to add.") var addSubgroups: String?
        @Option(help: "Subgroups to remove.") var removeSubgroups: String?
        @Option(help: "EXPIRE for the group's accounts: days, `never`, or `none`.") var expire: String?
        @Option(help: "LOGIN-DELAY for the group's accounts in seconds, or `none`.") var loginDelay: String?

        func run() throws {
            try runReporting {
                let expireDays = try expire.map(RetrievalPolicy.parseExpireSetting)
                let delay = try loginDelay.map(RetrievalPolicy.parseLoginDelaySetting)
                let view = try caller.operations(try storeOptions.open()).modifyGroup(
                    name, subgroups: subgroups.map(commaList), adding: commaList(addSubgroups ?? ""),
                    removing: commaList(removeSubgroups ?? ""), expireDays: expireDays, loginDelaySeconds: delay)
                Terminal.print("Group \(view.name): \(view.subgroups.joined(separator: ", "))")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a group (its accounts stay).")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var name: String

        func run() throws {
            try runReporting {
                try caller.operations(try storeOptions.open()).removeGroup(name)
                Terminal.print("Removed group \(name.lowercased()).")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List groups.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try runReporting {
                let groups = try caller.operations(try storeOptions.open()).groups()
                try output.emit(groups, isList: true) {
                    Output.table(["GROUP", "SUBGROUPS"], groups.map { [$0.name, $0.subgroups.joined(separator: ",")] })
                }
            }
        }
    }
}

struct DomainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domain", abstract: "Manage user domains.", subcommands: [Add.self, Remove.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user domain.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var name: String

        func run() throws {
            try runReporting {
                try caller.operations(try storeOptions.open()).addDomain(name)
                Terminal.print("Added domain \(name.lowercased()).")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user domain that has no accounts.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var name: String

        func run() throws {
            try runReporting {
                try caller.operations(try storeOptions.open()).removeDomain(name)
                Terminal.print("Removed domain \(name.lowercased()).")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List user domains.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try runReporting {
                let domains = try caller.operations(try storeOptions.open()).domains()
                try output.emit(domains, isList: true) {
                    Output.table(["DOMAIN", "DEFAULT"], domains.map { [$0.name, $0.default ? "yes" : ""] })
                }
            }
        }
    }
}

struct ForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward", abstract: "Manage the forwarding database.", subcommands: [Add.self, Remove.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Forward an address (replacing an existing forwarding).")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var address: String
        @Option(help: "Target addresses (comma-separated).") var to: String
        @Flag(help: "Refuse if the address is an existing account.") var noOverride = false

        func run() throws {
            try runReporting {
                let view = try caller.operations(try storeOptions.open()).addForwarding(address, to: commaList(to), override: !noOverride)
                Terminal.print("Forwarding \(view.address) to \(view.targets.joined(separator: ", ")).")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a forwarding.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var address: String

        func run() throws {
            try runReporting {
                try caller.operations(try storeOptions.open()).removeForwarding(address)
                Terminal.print("Removed the forwarding of \(address).")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List forwardings.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var pattern: String?
        @OptionGroup var output: OutputOptions

        func run() throws {
            try runReporting {
                let entries = try caller.operations(try storeOptions.open()).forwardings(matching: pattern)
                try output.emit(entries, isList: true) {
                    Output.table(["ADDRESS", "FORWARDED TO"], entries.map { [$0.address, $0.targets.joined(separator: ", ")] })
                }
            }
        }
    }
}
