import ArgumentParser
import Foundation
import PopstoreCore
import PopstoreOperations
import Sieve

/// `popstore sieve`: check and try scripts, and manage accounts' scripts.
struct SieveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sieve", abstract: "Check, try and manage Sieve scripts.",
        subcommands: [Check.self, Test.self, List.self, Get.self, Put.self, Activate.self, Deactivate.self, Remove.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compile a script as delivery would; errors are printed as FILE:LINE:COLUMN: message.")
        @Argument(help: "The script file.") var file: String

        func run() throws {
            let source = try SieveCommand.read(file)
            do { _ = try SieveScript.compile(source) } catch {
                Terminal.error("\(file):\(error)")
                throw ExitCode(1)
            }
            Terminal.print("\(file): ok")
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a script on a message without delivering anything: one JSON object per action, then the implicit keep.")
        @Option(help: "The script file.") var script: String
        @Option(help: "The message file (RFC 5322).") var message: String
        @Option(help: "The envelope sender.") var from: String = ""
        @Option(help: "The envelope recipient.") var to: String = ""

        func run() throws {
            let source = try SieveCommand.read(script)
            let program: SieveProgram
            do { program = try SieveScript.compile(source) } catch {
                Terminal.error("\(script):\(error)")
                throw ExitCode(1)
            }
            guard let data = FileManager.default.contents(atPath: message) else {
                throw PopstoreError.notFound("cannot read \(message)")
            }
            let parsed = SieveMessage(parsing: Array(data), envelopeFrom: from, envelopeTo: to)
            let result: SieveResult
            do { result = try program.run(on: parsed) } catch {
                Terminal.error("\(script):\(error) (delivery would keep the message)")
                throw ExitCode(1)
            }
            for action in result.actions { Terminal.print(action.json) }
            Terminal.print("{\"implicitKeep\":\(result.implicitKeep)}")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an account's scripts, the active one marked.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var account: String
        @OptionGroup var output: OutputOptions

        func run() throws {
            try runReporting {
                let view = try caller.operations(try storeOptions.open()).sieveScripts(of: account)
                try output.emit(view, isList: false) {
                    var text = Output.table(
                        ["NAME", "ACTIVE", "SIZE", "MODIFIED"],
                        view.scripts.map { [$0.name, $0.active ? "yes" : "", "\($0.size)", QueueCommand.time($0.modified)] })
                    if let error = view.lastError {
                        text += "\nlast error (\(QueueCommand.time(error.at)), \(error.script)): \(error.message)"
                    }
                    return text
                }
            }
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one of an account's scripts.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var account: String
        @Argument var name: String

        func run() throws {
            try runReporting {
                let source = try caller.operations(try storeOptions.open()).sieveScript(of: account, named: name)
                FileHandle.standardOutput.write(Data(source.utf8))
            }
        }
    }

    struct Put: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a script for an account (it must compile); - reads standard input.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var account: String
        @Argument var name: String
        @Argument(help: "The script file, or - for standard input.") var file: String
        @Flag(help: "Make it the active script.") var activate = false

        func run() throws {
            let source = try SieveCommand.read(file)
            try runReporting {
                try caller.operations(try storeOptions.open()).putSieveScript(
                    of: account, named: name, source: source, activate: activate)
                Terminal.print("Stored script \(name)\(activate ? " (active)" : "").")
            }
        }
    }

    struct Activate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a script the one run at delivery.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var account: String
        @Argument var name: String

        func run() throws {
            try runReporting {
                try caller.operations(try storeOptions.open()).activateSieveScript(of: account, named: name)
                Terminal.print("Script \(name) is active.")
            }
        }
    }

    struct Deactivate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run no script at delivery for an account.")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var account: String

        func run() throws {
            try runReporting {
                try caller.operations(try storeOptions.open()).activateSieveScript(of: account, named: nil)
                Terminal.print("No script is active.")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a script (not the active one).")
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var caller: CallerOptions
        @Argument var account: String
        @Argument var name: String

        func run() throws {
            try runReporting {
                try caller.operations(try storeOptions.open()).removeSieveScript(of: account, named: name)
                Terminal.print("Removed script \(name).")
            }
        }
    }

    /// A script file's text (UTF-8), or standard input for `-`.
    static func read(_ file: String) throws -> String {
        let data: Data?
        if file == "-" { data = FileHandle.standardInput.readDataToEndOfFile() } else { data = FileManager.default.contents(atPath: file) }
        guard let data else { throw PopstoreError.notFound("cannot read \(file)") }
        guard let text = String(data: data, encoding: .utf8) else { throw PopstoreError.invalidInput("\(file) is not UTF-8") }
        return text
    }
}
