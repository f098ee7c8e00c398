import PopstoreCore

/// The steps of a store transaction, in order, named so tests can fail or crash at each.
public enum DeliveryStep: Sendable, Equatable, CustomStringConvertible {
    case createTmp
    case writeBody
    case syncTmp
    case lockMaildrop(AccountID)
    case linkEntry(AccountID)
    case syncMaildrop(AccountID)
    case updateUsage(AccountID)
    case removeTmp

    public var description: String {
        switch self {
        case .createTmp: "create-tmp"
        case .writeBody: "write-body"
        case .syncTmp: "sync-tmp"
        case .lockMaildrop: "lock-maildrop"
        case .linkEntry: "link-entry"
        case .syncMaildrop: "sync-maildrop"
        case .updateUsage: "update-usage"
        case .removeTmp: "remove-tmp"
        }
    }

    /// Step names, for `POPSTORE_TEST_CRASH_AT` and test tables.
    public static let names = [
        "create-tmp", "write-body", "sync-tmp", "lock-maildrop", "link-entry", "sync-maildrop", "update-usage", "remove-tmp",
    ]
}

/// What became of a message for one recipient.
public enum DeliveryOutcome: Sendable, Equatable {
    case stored(uid: String)
    case noSuchAccount
    /// DISMAIL: the account refuses new mail.
    case disabled
    case overQuota
    /// The store failed for this recipient; nothing was acknowledged for it.
    case failed(PopstoreError)
}
