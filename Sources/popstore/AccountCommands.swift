import ArgumentParser
import Foundation
import PopstoreCore
import PopstoreOperations

struct AccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "Manage accounts.",
        subcommands: [Add.self, Copy.self, Modify.self, Remove.self, Rename.self, Show.self, List.self, Import.self])

    /// Options that `add` and `modify` share.
    struct Settings: ParsableArguments {
        @Option(help: "The password (prefer --password-stdin: arguments are visible to other users).")
        var password: String?
        @Flag(help: "Read the password from the first line of standard input.")
        var passwordStdin = false
        @Option(help: "Quota in bytes, or with K, M, G; `none` for unlimited.")
        var quota: String?
        @Option(help: "Overdraft beyond the quota, in bytes or with K, M, G.")
        var overdraft: String?
        @Option(help: "Flags: DISMAIL, DISUSER, LOCKPWD, MANAGE, PWD_ELSEWHERE, MIGRATED (comma-separated).")
        var flags: String?
        @Option(help: "Management group (created if new).")
        var group: String?
        @Option(help: "Owner (free text).")
        var owner: String?
        @Option(help: "Private site data (free text).")
        var siteData: String?
        @Flag(help: "The user must change the password at first login.")
        var preExpired = false
        @Option(help: "EXPIRE for this account: days, `never`, or `none` to follow its group and the store.")
        var expire: String?
        @Option(help: "LOGIN-DELAY for this account in seconds, or `none` to follow its group and the store.")
        var loginDelay: String?

        func passwordValue() throws(PopstoreError) -> String? {
            if passwordStdin {
                guard let line = Terminal.readLine() else { throw .invalidInput("no password on standard input") }
                return line
            }
            return password
        }

        func quotaValue() throws(PopstoreError) -> Int64?? {
            guard let quota else { return nil }
            return quota.lowercased() == "none" ? .some(nil) : .some(try ByteCount.parse(quota))
        }

        func expireValue() throws(PopstoreError) -> Int?? {
            try expire.map(RetrievalPolicy.parseExpireSetting)
        }

        func loginDelayValue() throws(PopstoreError) -> Int?? {
            try loginDelay.map(RetrievalPolicy.parseLoginDelaySetting)
        }

        func groupValue() -> String?? {
            guard let group else { return nil }
            return group.lowercased() == "none" ? .some(nil) : .some(group)
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account (NAME or NAME@DOMAIN).")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var name: String
        @OptionGroup var settings: Settings
        @Option(help: "The volume for the maildrop.")
        var volume: String?
        @OptionGroup var output: OutputOptions

        func run() throws {
            try runReporting {
                let ops = try caller.operations(try storeOptions.open())
                var spec = AccountSpec(name: name)
                spec.password = try settings.passwordValue()
                spec.quota = try settings.quotaValue()
                spec.overdraft = try settings.overdraft.map(ByteCount.parse)
                spec.flags = try settings.flags.map(AccountFlags.init(parsing:))
                spec.group = settings.groupValue()
                spec.owner = settings.owner
                spec.siteData = settings.siteData
                spec.volume = volume
                spec.preExpired = settings.preExpired
                let expire = try settings.expireValue()
                let delay = try settings.loginDelayValue()
                if expire != nil || delay != nil {
                    spec.retrieval = RetrievalPolicy(expireDays: expire ?? nil, loginDelaySeconds: delay ?? nil)
                }
                let view = try ops.addAccount(spec)
                try output.emit(view, isList: false) { "Created account \(view.address)." }
            }
        }
    }

    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account with the settings of another.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var source: String
        @Argument var name: String
        @Option var password: String?
        @Flag var passwordStdin = false
        @OptionGroup var output: OutputOptions

        func run() throws {
            try runReporting {
                let ops = try caller.operations(try storeOptions.open())
                let password = passwordStdin ? Terminal.readLine() : self.password
                let view = try ops.copyAccount(source, to: name, password: password)
                try output.emit(view, isList: false) { "Created account \(view.address) from \(source)." }
            }
        }
    }

    struct Modify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change accounts (wildcards * and ? allowed).")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var pattern: String
        @OptionGroup var settings: Settings
        @Option(help: "Flags to add.") var addFlags: String?
        @Option(help: "Flags to remove.") var removeFlags: String?
        @Flag(help: "Clear the pre-expired mark.") var noPreExpired = false
        @Flag(help: "Do not ask before changing several accounts.") var yes = false
        @OptionGroup var output: OutputOptions

        func run() throws {
            try runReporting {
                let ops = try caller.operations(try storeOptions.open())
                var change = AccountChange()
                change.password = try settings.passwordValue()
                change.quota = try settings.quotaValue()
                change.overdraft = try settings.overdraft.map(ByteCount.parse)
                change.flags = try settings.flags.map(AccountFlags.init(parsing:))
                change.addFlags = try addFlags.map(AccountFlags.init(parsing:)) ?? []
                change.removeFlags = try removeFlags.map(AccountFlags.init(parsing:)) ?? []
                change.group = settings.groupValue()
                change.owner = settings.owner
                change.siteData = settings.siteData
                if settings.preExpired { change.preExpired = true }
                if noPreExpired { change.preExpired = false }
                change.expireDays = try settings.expireValue()
                change.loginDelaySeconds = try settings.loginDelayValue()
                try confirmWildcard(ops, pattern, verb: "Modify", yes: yes)
                let views = try ops.modifyAccounts(pattern, change)
                try output.emit(views, isList: true) { views.map { "Modified account \($0.address)." }.joined(separator: "\n") }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove accounts and their mail (wildcards allowed).")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var pattern: String
        @Flag(help: "Do not ask before removing several accounts.") var yes = false

        func run() throws {
            try runReporting {
                let ops = try caller.operations(try storeOptions.open())
                try confirmWildcard(ops, pattern, verb: "Remove", yes: yes)
                for id in try ops.removeAccounts(pattern) { Terminal.print("Removed account \(id.address).") }
            }
        }
    }

    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename an account; its mail follows.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var old: String
        @Argument var new: String

        func run() throws {
            try runReporting {
                let ops = try caller.operations(try storeOptions.open())
                let view = try ops.renameAccount(old, to: new)
                Terminal.print("Renamed \(old) to \(view.address).")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show accounts in full.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var pattern: String
        @OptionGroup var output: OutputOptions

        func run() throws {
            try runReporting {
                let ops = try caller.operations(try storeOptions.open())
                let views = try ops.accounts(matching: pattern)
                if WildcardPattern(pattern).hasWildcards {
                    _ = try ops.nonEmptyViews(views, pattern)
                    try output.emit(views, isList: true) { views.map(AccountText.full).joined(separator: "\n\n") }
                } else {
                    try output.emit(views[0], isList: false) { AccountText.full(views[0]) }
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts (all in your scope, or matching a pattern).")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var pattern: String?
        @OptionGroup var output: OutputOptions

        func run() throws {
            try runReporting {
                let ops = try caller.operations(try storeOptions.open())
                let views = try ops.accounts(matching: pattern)
                try output.emit(views, isList: true) {
                    Output.table(
                        ["ACCOUNT", "OWNER", "GROUP", "FLAGS", "MESSAGES", "USED", "QUOTA"],
                        views.map {
                            [
                                $0.address, $0.owner, $0.group ?? "-", $0.flags.joined(separator: ","), String($0.usage.messages),
                                Output.size($0.usage.bytes), Output.size($0.quota),
                            ]
                        })
                }
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create accounts without passwords from names on standard input, one per line.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions

        func run() throws {
            try runReporting {
                let ops = try caller.operations(try storeOptions.open())
                var names: [String] = []
                while let line = Terminal.readLine() { names.append(line) }
                let count = try ops.importAccounts(names)
                Terminal.print("Created \(count) accounts.")
            }
        }
    }
}

/// Asks once before a wildcard changes accounts.
func confirmWildcard(_ ops: Operations, _ pattern: String, verb: String, yes: Bool) throws(PopstoreError) {
    guard WildcardPattern(pattern).hasWildcards else { return }
    let matches = try ops.profiles(matching: pattern)
    guard !matches.isEmpty else { throw .notFound("no account matches \(NameRules.printable(pattern))") }
    try Terminal.confirm("\(verb) \(matches.count) account(s) matching \(pattern)", yes: yes)
}

extension Operations {
    func nonEmptyViews(_ views: [AccountView], _ pattern: String) throws(PopstoreError) -> [AccountView] {
        guard !views.isEmpty else { throw .notFound("no account matches \(NameRules.printable(pattern))") }
        return views
    }
}

enum AccountText {
    static func full(_ view: AccountView) -> String {
        let date: (Date?) -> String = { $0.map { ISO8601DateFormatter().string(from: $0) } ?? "never" }
        return """
            Account:        \(view.address)
            Owner:          \(view.owner)
            Group:          \(view.group ?? "(none)")
            Flags:          \(view.flags.isEmpty ? "(none)" : view.flags.joined(separator: ", "))
            Quota:          \(Output.size(view.quota)) (overdraft \(Output.size(view.overdraft)))
            Usage:          \(view.usage.messages) messages, \(view.usage.bytes) bytes
            Volume:         \(view.volume)
            Password:       \(view.password.set ? "set \(date(view.password.changed))" : "not set")\(view.password.preExpired ? ", pre-expired" : "")
            Connections:    \(view.accounting.connections) (\(view.accounting.connectSeconds) s), last \(date(view.accounting.lastConnect))
            Received:       \(view.accounting.messagesReceived) messages, \(view.accounting.bytesReceived) bytes
            Retrieved:      \(view.accounting.messagesRetrieved) messages, \(view.accounting.bytesRetrieved) bytes
            Block-days:     \(view.accounting.blockDays)
            Site data:      \(view.siteData)
            """
    }
}
