import ArgumentParser
import Foundation
import PopstoreCore
import PopstoreOperations
import PopstoreStore

#if canImport(Glibc)
    import Glibc
#endif

/// `--store DIR`, taken by every command.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The store directory (default: $POPSTORE_STORE or ./popstore-data).")
    var store: String?

    var root: String { store ?? ProcessInfo.processInfo.environment["POPSTORE_STORE"] ?? Store.defaultRoot }

    func open() throws(PopstoreError) -> Store {
        try Store.open(at: root, deliveryProbe: CrashInjection.probe())
    }
}

/// `--as ACCOUNT`, taken by every management command.
struct CallerOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: "Act as this MANAGE account (password from $POPSTORE_PASSWORD or a prompt).")
    var account: String?

    func operations(_ store: Store) throws(PopstoreError) -> Operations {
        guard let account else { return Operations(store: store, caller: .administrator) }
        let password = try Terminal.secret(environment: "POPSTORE_PASSWORD", prompt: "Password for \(account): ")
        return try Operations.asManager(store: store, account: account, password: password)
    }
}

/// For tests of crash safety only: `POPSTORE_TEST_CRASH_AT=<step>` ends the process
/// abruptly at that step of a store transaction, as a power cut or `kill -9` would.
enum CrashInjection {
    static func probe() -> (@Sendable (DeliveryStep) throws -> Void)? {
        guard let step = ProcessInfo.processInfo.environment["POPSTORE_TEST_CRASH_AT"], DeliveryStep.names.contains(step) else {
            return nil
        }
        return { current in if current.description == step { _exit(137) } }
    }
}

/// Runs a command body, turning a classified error into one line and a status.
func runReporting(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as PopstoreError {
        Terminal.error(error.message)
        throw ExitCode(Terminal.exitStatus(for: error))
    }
}

/// Splits `a,b,c` lists as the CLI takes them.
func commaList(_ raw: String) -> [String] {
    raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}
