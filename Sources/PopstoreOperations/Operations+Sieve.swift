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
    /// Checks a script as delivery would compile it; the error names line and column.
    public static func checkSieveScript(_ source: String) throws(PopstoreError) {
        guard source.utf8.count <= AccountScripts.maximumScriptSize else {
            throw .invalidInput("a script is at most \(AccountScripts.maximumScriptSize) octets")
        }
        do { _ = try SieveScript.compile(source) } catch { throw .invalidInput("\(error)") }
    }

    public func sieveScripts(of account: String) throws(PopstoreError) -> SieveScriptsView {
        let profile = try managedProfile(account, tree: try groupTree())
        let scripts = try store.sieveScripts(profile.id)
        return SieveScriptsView(
            account: profile.id.address,
            scripts: scripts.scripts.map {
                SieveScriptView(name: $0.name, active: $0.name == scripts.active, size: $0.source.utf8.count, modified: $0.modified)
            }, lastError: scripts.lastError)
    }

    public func sieveScript(of account: String, named name: String) throws(PopstoreError) -> String {
        let profile = try managedProfile(account, tree: try groupTree())
        guard let script = try store.sieveScripts(profile.id).script(named: name) else {
            throw .notFound("no script \(NameRules.printable(name)) for \(profile.id.address)")
        }
        return script.source
    }

    /// Stores a script (replacing one of that name) after checking that it compiles and
    /// fits the account's quota; `activate` makes it the one run at delivery.
    public func putSieveScript(of account: String, named name: String, source: String, activate: Bool) throws(PopstoreError) {
        let profile = try managedProfile(account, tree: try groupTree())
        try AccountScripts.checkName(name)
        try Self.checkSieveScript(source)
        let now = clock.now()
        try store.updateSieveScripts(profile.id) { (scripts) throws(PopstoreError) in
            if let index = scripts.scripts.firstIndex(where: { $0.name == name }) {
                scripts.scripts[index] = .init(name: name, source: source, modified: now)
            } else {
                guard scripts.scripts.count < AccountScripts.maximumScripts else {
                    throw .overQuota("an account keeps at most \(AccountScripts.maximumScripts) scripts")
                }
                scripts.scripts.append(.init(name: name, source: source, modified: now))
            }
            if activate { scripts.active = name }
        }
    }

    /// Makes `name` the active script; nil deactivates Sieve for the account.
    public func activateSieveScript(of account: String, named name: String?) throws(PopstoreError) {
        let profile = try managedProfile(account, tree: try groupTree())
        try store.updateSieveScripts(profile.id) { (scripts) throws(PopstoreError) in
            if let name, scripts.script(named: name) == nil {
                throw .notFound("no script \(NameRules.printable(name)) for \(profile.id.address)")
            }
            scripts.active = name
        }
    }

    /// Removes a script; the active one must be deactivated first (as ManageSieve does).
    public func removeSieveScript(of account: String, named name: String) throws(PopstoreError) {
        let profile = try managedProfile(account, tree: try groupTree())
        try store.updateSieveScripts(profile.id) { (scripts) throws(PopstoreError) in
            guard scripts.script(named: name) != nil else {
                throw .notFound("no script \(NameRules.printable(name)) for \(profile.id.address)")
            }
            guard scripts.active != name else {
                throw .invalidInput("\(NameRules.printable(name)) is the active script; deactivate it first")
            }
            scripts.scripts.removeAll { $0.name == name }
        }
    }
}
