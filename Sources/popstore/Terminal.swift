import Foundation
import PopstoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// Everything the CLI says to or asks of a person.
enum Terminal {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    static func print(_ text: String) {
        FileHandle.standardOutput.write(Data(text.hasSuffix("\n") || text.isEmpty ? text.utf8 : (text + "\n").utf8))
    }

    /// Exit statuses: 1 for a refused or failed operation, 75 (EX_TEMPFAIL) when a retry may work.
    static func exitStatus(for error: PopstoreError) -> Int32 {
        if case .temporary = error { return 75 }
        return 1
    }

    static var isInteractive: Bool { isatty(0) == 1 }

    /// A secret from an environment variable, else from a prompt without echo on a tty.
    static func secret(environment name: String, prompt: String) throws(PopstoreError) -> String {
        if let value = ProcessInfo.processInfo.environment[name] { return value }
        guard isInteractive, let entered = getpass(prompt) else {
            throw .invalidInput("no password: set \(name) or run on a terminal")
        }
        return String(cString: entered)
    }

    /// One line from standard input, without its line end.
    static func readLine() -> String? {
        Swift.readLine(strippingNewline: true)
    }

    /// Asks once before a wildcard changes several accounts; without a tty, only `--yes` goes on.
    static func confirm(_ question: String, yes: Bool) throws(PopstoreError) {
        if yes { return }
        guard isInteractive else { throw .invalidInput("\(question): confirm with --yes") }
        FileHandle.standardError.write(Data("\(question) [y/N] ".utf8))
        guard let answer = Swift.readLine(), ["y", "yes"].contains(answer.lowercased()) else {
            throw .invalidInput("nothing changed")
        }
    }

    /// All of standard input.
    static func readAllInput() -> [UInt8] {
        Array(FileHandle.standardInput.readDataToEndOfFile())
    }
}
