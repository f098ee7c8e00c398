import ArgumentParser
import Foundation
import PopstoreCore
import PopstoreOperations
import PopstoreStore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create a store.")

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "The default user domain (default: this host's name).")
    var domain: String?

    func run() throws {
        try runReporting {
            let name = try DomainName(domain ?? InitCommand.hostDomain())
            let store = try Store.create(at: storeOptions.root, defaultDomain: name)
            Terminal.print("Created a store at \(store.root) with default domain \(name).")
        }
    }

    static func hostDomain() -> String {
        let host = ProcessInfo.processInfo.hostName.lowercased()
        return host.isEmpty || host == "localhost" ? "localhost.localdomain" : host
    }
}

struct PasswdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd",
        abstract: "Change your own password ($POPSTORE_PASSWORD: current, $POPSTORE_NEW_PASSWORD: new, or prompts).")

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "Your account.")
    var account: String

    func run() throws {
        try runReporting {
            let store = try storeOptions.open()
            let current = try Terminal.secret(environment: "POPSTORE_PASSWORD", prompt: "Current password: ")
            let new = try Terminal.secret(environment: "POPSTORE_NEW_PASSWORD", prompt: "New password: ")
            if ProcessInfo.processInfo.environment["POPSTORE_NEW_PASSWORD"] == nil {
                let again = try Terminal.secret(environment: "POPSTORE_NEW_PASSWORD", prompt: "New password again: ")
                guard again == new else { throw PopstoreError.invalidInput("the new passwords differ; nothing changed") }
            }
            try PopstoreOperations.Operations.changeOwnPassword(store: store, account: account, current: current, new: new)
            Terminal.print("Password changed.")
        }
    }
}
