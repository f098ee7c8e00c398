import ArgumentParser
import PopstoreCore
import PopstoreOperations
import PopstoreStore

struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "The store itself: figures, checks, volumes, settings.",
        subcommands: [Stats.self, Check.self, VolumeCommand.self, Set.self, Show.self])

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Count accounts, message files and bytes.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try runReporting {
                let stats = try caller.operations(try storeOptions.open()).statistics()
                try output.emit(stats, isList: false) {
                    """
                    Accounts:          \(stats.accounts)
                    Message files:     \(stats.messageFiles)
                    Maildrop entries:  \(stats.maildropEntries)
                    Bytes:             \(stats.bytes)
                    """ + "\n"
                        + Output.table(
                            ["VOLUME", "PATH", "ACCOUNTS", "FILES"],
                            stats.volumes.map { [$0.name, $0.path, String($0.accounts), String($0.messageFiles)] })
                }
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the store against its invariants; --repair mends what a crash left.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Flag(help: "Mend what can be mended (damaged or orphaned mail goes to lost+found, never away).") var repair = false
        @OptionGroup var output: OutputOptions

        struct Result: Encodable {
            var consistent: Bool
            var problems: [StoreProblem]
            var repaired: [StoreProblem]
        }

        func run() throws {
            try runReporting {
                let report = try caller.operations(try storeOptions.open()).check(repair: repair)
                let result = Result(consistent: report.consistent, problems: report.problems, repaired: report.repaired)
                try output.emit(result, isList: false) {
                    if report.problems.isEmpty { return "The store is consistent." }
                    let lines = report.problems.map { problem in
                        let mended = report.repaired.contains(problem) ? " (repaired)" : ""
                        return "\(problem.kind.rawValue): \(problem.path): \(problem.detail)\(mended)"
                    }
                    return lines.joined(separator: "\n") + "\n"
                        + (report.consistent ? "The store is consistent now." : "The store is NOT consistent.")
                }
                if !report.consistent { throw ExitCode(1) }
            }
        }
    }

    struct VolumeCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "volume", abstract: "Manage volumes.", subcommands: [Add.self, List.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add a directory (another disk) as a volume.")
            @OptionGroup var storeOptions: StoreOptions
            @OptionGroup var caller: CallerOptions
            @Argument var path: String
            @Option(help: "The volume's name (default: the directory's name).") var name: String?

            func run() throws {
                try runReporting {
                    let view = try caller.operations(try storeOptions.open()).addVolume(path: path, name: name)
                    Terminal.print("Added volume \(view.name) at \(view.path).")
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List volumes.")
            @OptionGroup var storeOptions: StoreOptions
            @OptionGroup var caller: CallerOptions
            @OptionGroup var output: OutputOptions

            func run() throws {
                try runReporting {
                    let volumes = try caller.operations(try storeOptions.open()).volumes()
                    try output.emit(volumes, isList: true) {
                        Output.table(["VOLUME", "PATH", "ACCOUNTS"], volumes.map { [$0.name, $0.path, String($0.accounts)] })
                    }
                }
            }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a setting: legacy-auth on|off, password-hash-cost N, name-characters CHARS, default-volume NAME.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var key: String
        @Argument var value: String

        func run() throws {
            try runReporting {
                _ = try caller.operations(try storeOptions.open()).set(key, to: value)
                Terminal.print("\(key) = \(value)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the store settings.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try runReporting {
                let view = try caller.operations(try storeOptions.open()).settingsView()
                try output.emit(view, isList: false) {
                    """
                    default-domain:      \(view.defaultDomain)
                    default-volume:      \(view.defaultVolume)
                    legacy-auth:         \(view.legacyAuth ? "on" : "off")
                    password-hash-cost:  \(view.passwordHashCost)
                    name-characters:     \(view.nameCharacters)
                    """
                }
            }
        }
    }
}
