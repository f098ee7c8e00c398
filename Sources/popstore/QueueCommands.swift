import ArgumentParser
import Foundation
import PopstoreCore
import PopstoreOperations

/// `popstore queue`: the outbound queue (forwards waiting for the relay, bounces).
struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "Inspect and manage the outbound queue.",
        subcommands: [List.self, Show.self, Retry.self, Remove.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List queued messages, oldest first.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try runReporting {
                let messages = try caller.operations(try storeOptions.open()).queuedMessages()
                try output.emit(messages, isList: true) {
                    Output.table(
                        ["ID", "SIZE", "QUEUED", "NEXT TRY", "TRIES", "SENDER", "PENDING"],
                        messages.map { message in
                            [
                                message.id, Output.size(Int64(message.size)), QueueCommand.time(message.created),
                                QueueCommand.time(message.nextAttempt), "\(message.attempts)", QueueCommand.sender(message.sender),
                                message.recipients.filter { $0.state == .pending }.map(\.address).joined(separator: ", "),
                            ]
                        })
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one queued message: envelope, recipients, last error.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument(help: "The message's queue id.") var id: String
        @OptionGroup var output: OutputOptions

        func run() throws {
            try runReporting {
                let message = try caller.operations(try storeOptions.open()).queuedMessage(id)
                try output.emit(message, isList: false) {
                    var lines = [
                        "id:           \(message.id)", "origin:       \(message.origin)",
                        "sender:       \(QueueCommand.sender(message.sender))", "size:         \(message.size)",
                        "queued:       \(QueueCommand.time(message.created))", "next attempt: \(QueueCommand.time(message.nextAttempt))",
                        "attempts:     \(message.attempts)",
                    ]
                    if let error = message.lastError { lines.append("last error:   \(error)") }
                    for recipient in message.recipients {
                        lines.append(
                            "recipient:    \(recipient.address) \(recipient.state.rawValue)" + (recipient.reply.map { " (\($0))" } ?? ""))
                    }
                    return lines.joined(separator: "\n")
                }
            }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a queued message due now; a running server sends it on its next look at the queue.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument(help: "Queue ids.") var ids: [String]

        func run() throws {
            try runReporting {
                let operations = try caller.operations(try storeOptions.open())
                for id in ids {
                    _ = try operations.retryQueued(id)
                    Terminal.print("Message \(id) is due now.")
                }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a message out of the queue without sending it; its sender is not told.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument(help: "Queue ids.") var ids: [String]

        func run() throws {
            try runReporting {
                let operations = try caller.operations(try storeOptions.open())
                for id in ids {
                    try operations.removeQueued(id)
                    Terminal.print("Removed message \(id) from the queue.")
                }
            }
        }
    }

    static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func sender(_ sender: String) -> String { sender.isEmpty ? "<>" : sender }
}
