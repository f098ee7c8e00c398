import Foundation
import PopstoreCore
import PopstoreStore
import Sieve

/// One script as listed.
public struct SieveScriptView: Sendable, Equatable, Codable {
    public var name: String
    public var active: Bool
    public var size: Int
    public var modified: Date
}

/// An account's scripts as listed, with the last error one met at delivery.
public struct SieveScriptsView: Sendable, Equatable, Codable {
    public var account: String
    public var scripts: [SieveScriptView]
    public var lastError: AccountScripts.ScriptError?
}

extension Operations {
    /// The scripts of an account the caller manages.
    private func managedSieve(_ account: String) throws(PopstoreError) -> AccountSieve {
        AccountSieve(store: store, account: try managedProfile(account, tree: try groupTree()).id, clock: clock)
    }

    public func sieveScripts(of account: String) throws(PopstoreError) -> SieveScriptsView {
        let sieve = try managedSieve(account)
        let scripts = try sieve.scripts()
        return SieveScriptsView(
            account: sieve.account.address,
            scripts: scripts.scripts.map {
                SieveScriptView(name: $0.name, active: $0.name == scripts.active, size: $0.source.utf8.count, modified: $0.modified)
            }, lastError: scripts.lastError)
    }

    public func sieveScript(of account: String, named name: String) throws(PopstoreError) -> String {
        try managedSieve(account).source(of: name)
    }

    public func putSieveScript(of account: String, named name: String, source: String, activate: Bool) throws(PopstoreError) {
        try managedSieve(account).put(name, source: source, activate: activate)
    }

    /// Makes `name` the active script; nil deactivates Sieve for the account.
    public func activateSieveScript(of account: String, named name: String?) throws(PopstoreError) {
        try managedSieve(account).activate(name)
    }

    public func removeSieveScript(of account: String, named name: String) throws(PopstoreError) {
        try managedSieve(account).remove(name)
    }
}
