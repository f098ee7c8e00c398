import Foundation
import PopstoreCore
import PopstoreStore

/// Session accounting on its way to the profiles: what ended sessions add, per account,
/// until the next flush writes it.
///
/// A profile write costs more than the rest of a short POP3 session (JSON, a new file,
/// a rename, a share of a flush), and a client polling every minute — or a hundred
/// clients polling one shared account — would pay it every time for statistics nobody
/// reads at that instant. So sessions add their figures here and a flush every
/// `pop3.accounting-interval` seconds writes each account once with everything it
/// gathered. A crash loses at most that interval's figures, never a profile; graceful
/// shutdown flushes. Accounting that enforces a rule is not deferred: an account under
/// LOGIN-DELAY is written before its maildrop is released (`MailboxAccess.release`).
public final class DeferredAccounting: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [AccountID: SessionAccounting] = [:]

    public init() {}

    /// Adds one ended session's figures; memory only, so it may run anywhere.
    public func add(_ session: SessionAccounting, to account: AccountID) {
        lock.withLock { pending[account, default: SessionAccounting()].add(session) }
    }

    /// What is waiting for `account`, e.g. the last connect a LOGIN-DELAY check must see.
    public func waiting(for account: AccountID) -> SessionAccounting? {
        lock.withLock { pending[account] }
    }

    /// Writes what is waiting, for one account or for all. A write that fails (a full
    /// disk) puts its figures back for the next flush. Blocking file I/O.
    public func flush(_ account: AccountID? = nil, to store: Store) {
        let taken: [AccountID: SessionAccounting] = lock.withLock {
            if let account {
                guard let one = pending.removeValue(forKey: account) else { return [:] }
                return [account: one]
            }
            defer { pending = [:] }
            return pending
        }
        for (account, figures) in taken {
            do {
                try store.updateProfile(account, durability: .grouped) { profile in profile.sessions.add(figures) }
            } catch .notFound {
                continue  // the account was removed meanwhile: nothing to count against
            } catch {
                add(figures, to: account)
            }
        }
    }

    /// Accounts with figures waiting.
    public var count: Int { lock.withLock { pending.count } }
}
