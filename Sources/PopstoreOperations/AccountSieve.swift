import Foundation
import PopstoreCore
import PopstoreStore
import Sieve

/// One account's Sieve scripts and their rules (names, quotas, the active script), for
/// whoever may act on them: the account itself over ManageSieve, or its managers through
/// `Operations` (which check the scope first).
public struct AccountSieve: Sendable {
    public let store: Store
    public let account: AccountID
    let clock: WallClock

    public init(store: Store, account: AccountID, clock: WallClock = .system) {
        self.store = store
        self.account = account
        self.clock = clock
    }

    /// Checks a script as delivery would compile it; the error names line and column.
    public static func check(_ source: String) throws(PopstoreError) {
        guard source.utf8.count <= AccountScripts.maximumScriptSize else {
            throw Refusal.scriptTooLarge.error
        }
        do { _ = try SieveScript.compile(source) } catch { throw .invalidInput("\(error)") }
    }

    public func scripts() throws(PopstoreError) -> AccountScripts {
        try store.sieveScripts(account)
    }

    public func source(of name: String) throws(PopstoreError) -> String {
        guard let script = try scripts().script(named: name) else { throw noSuchScript(name) }
        return script.source
    }

    /// Whether a script of `size` octets named `name` would fit (ManageSieve HAVESPACE).
    public func hasSpace(for name: String, size: Int) throws(PopstoreError) {
        try AccountScripts.checkName(name)
        guard size <= AccountScripts.maximumScriptSize else {
            throw Refusal.scriptTooLarge.error
        }
        let current = try scripts()
        guard current.script(named: name) != nil || current.scripts.count < AccountScripts.maximumScripts else {
            throw Refusal.tooManyScripts.error
        }
    }

    /// Stores a script (replacing one of that name) that compiles and fits the quota;
    /// `activate` makes it the one run at delivery.
    public func put(_ name: String, source: String, activate: Bool = false) throws(PopstoreError) {
        try AccountScripts.checkName(name)
        try Self.check(source)
        let now = clock.now()
        try store.updateSieveScripts(account) { (scripts) throws(PopstoreError) in
            if let index = scripts.scripts.firstIndex(where: { $0.name == name }) {
                scripts.scripts[index] = .init(name: name, source: source, modified: now)
            } else {
                guard scripts.scripts.count < AccountScripts.maximumScripts else {
                    throw Refusal.tooManyScripts.error
                }
                scripts.scripts.append(.init(name: name, source: source, modified: now))
            }
            if activate { scripts.active = name }
        }
    }

    /// Makes `name` the active script; nil: none.
    public func activate(_ name: String?) throws(PopstoreError) {
        try store.updateSieveScripts(account) { (scripts) throws(PopstoreError) in
            if let name, scripts.script(named: name) == nil { throw noSuchScript(name) }
            scripts.active = name
        }
    }

    /// Removes a script; the active one must be deactivated first (RFC 5804 §2.10).
    public func remove(_ name: String) throws(PopstoreError) {
        try store.updateSieveScripts(account) { (scripts) throws(PopstoreError) in
            guard scripts.script(named: name) != nil else { throw noSuchScript(name) }
            guard scripts.active != name else {
                throw Refusal.activeScript.error
            }
            scripts.scripts.removeAll { $0.name == name }
        }
    }

    /// Renames a script, keeping it active if it was (RFC 5804 §2.11.1).
    public func rename(_ old: String, to new: String) throws(PopstoreError) {
        try AccountScripts.checkName(new)
        try store.updateSieveScripts(account) { (scripts) throws(PopstoreError) in
            guard let index = scripts.scripts.firstIndex(where: { $0.name == old }) else { throw noSuchScript(old) }
            guard scripts.script(named: new) == nil else { throw .alreadyExists("a script named \(NameRules.printable(new)) exists") }
            scripts.scripts[index].name = new
            if scripts.active == old { scripts.active = new }
        }
    }

    private func noSuchScript(_ name: String) -> PopstoreError {
        .notFound("no script \(NameRules.printable(name)) for \(account.address)")
    }

    /// The refusals a client may need to tell apart (ManageSieve's response codes), each
    /// made here, in one place, and recognised by ``refusal(in:)``.
    public enum Refusal: String, Sendable, CaseIterable {
        case scriptTooLarge = "a script is larger than this account may keep"
        case tooManyScripts = "this account keeps no more scripts"
        case activeScript = "that is the active script; deactivate it first"

        var error: PopstoreError {
            switch self {
            case .scriptTooLarge: .overQuota("\(rawValue) (\(AccountScripts.maximumScriptSize) octets at most)")
            case .tooManyScripts: .overQuota("\(rawValue) (\(AccountScripts.maximumScripts) at most)")
            case .activeScript: .invalidInput(rawValue)
            }
        }
    }

    /// Which refusal an error from these operations is, if it is one.
    public static func refusal(in error: PopstoreError) -> Refusal? {
        Refusal.allCases.first { error.message.hasPrefix($0.rawValue) }
    }
}
