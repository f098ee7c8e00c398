import ArgumentParser
import Foundation
import PopstoreCore
import PopstoreOperations

struct MessageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "message", abstract: "Add, list, show and remove stored messages.",
        subcommands: [Add.self, List.self, Show.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store a message from standard input for accounts.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Option(help: "Recipient accounts (comma-separated).") var to: String
        @Option(help: "The envelope sender (empty for the null sender).") var from: String = ""
        @OptionGroup var output: OutputOptions

        func run() throws {
            try runReporting {
                let ops = try caller.operations(try storeOptions.open())
                let results = try ops.addMessage(Terminal.readAllInput(), from: from, to: commaList(to))
                try output.emit(results, isList: true) {
                    results.map { "\($0.account): \($0.result)\($0.uid.map { " \($0)" } ?? "")" }.joined(separator: "\n")
                }
                if results.contains(where: { $0.result != "stored" }) { throw ExitCode(1) }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an account's messages in arrival order.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var account: String
        @OptionGroup var output: OutputOptions

        func run() throws {
            try runReporting {
                let messages = try caller.operations(try storeOptions.open()).messages(of: account)
                try output.emit(messages, isList: true) {
                    Output.table(
                        ["#", "UID", "SIZE", "READ", "ARRIVED", "FROM", "SUBJECT"],
                        messages.map {
                            [
                                String($0.number), $0.uid, String($0.size), $0.retrieved ? "yes" : "",
                                ISO8601DateFormatter().string(from: $0.arrived),
                                $0.from.isEmpty ? "<>" : $0.from, $0.subject,
                            ]
                        })
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a message to standard output as a POP3 client receives it.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var account: String
        @Argument var uid: String

        func run() throws {
            try runReporting {
                let bytes = try caller.operations(try storeOptions.open()).messageContent(of: account, uid: uid)
                FileHandle.standardOutput.write(Data(bytes))
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a message from an account's maildrop.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var account: String
        @Argument var uid: String

        func run() throws {
            try runReporting {
                try caller.operations(try storeOptions.open()).removeMessage(of: account, uid: uid)
                Terminal.print("Removed message \(uid).")
            }
        }
    }
}
