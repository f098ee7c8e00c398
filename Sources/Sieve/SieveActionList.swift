/// The actions of one run, with the rules for combining them.
///
/// - Duplicates merge: keep twice is one keep, fileinto one mailbox twice is one, keep
///   and fileinto "INBOX" are one, a redirect to one address twice is one (RFC 5228
///   §2.10.3, §4.3).
/// - reject/ereject cannot be combined with keep, fileinto, redirect or vacation, nor
///   with each other (RFC 5429 §2.1, §2.2); vacation may run once (RFC 5230 §4.7).
/// - keep, fileinto and redirect without `:copy`, discard and reject cancel the implicit
///   keep (RFC 5228 §2.10.2, RFC 3894 §3).
struct SieveActionList {
    private(set) var actions: [SieveAction] = []
    private(set) var implicitKeep = true
    private var redirects = 0

    mutating func add(_ action: SieveAction, at location: SourceLocation) throws(SieveRuntimeError) {
        try checkConflicts(action, at: location)
        switch action {
        case .keep(let flags):
            implicitKeep = false
            if let index = actions.firstIndex(where: Self.storesInInbox) {
                actions[index] = Self.withFlags(actions[index], flags, copy: false)
                return
            }
        case .fileinto(let mailbox, let flags, let copy, let create):
            if !copy { implicitKeep = false }
            // keep is fileinto the default mailbox (RFC 5228 §4.3), so fileinto "INBOX"
            // is a duplicate of keep.
            if let index = actions.firstIndex(where: { Self.stores($0, in: mailbox) }) {
                actions[index] = Self.withFlags(actions[index], flags, copy: copy, create: create)
                return
            }
        case .redirect(let address, let copy):
            if !copy { implicitKeep = false }
            let key = address.lowercased()
            if let index = actions.firstIndex(where: { if case .redirect(let other, _) = $0 { other.lowercased() == key } else { false } })
            {
                if case .redirect(let first, let oldCopy) = actions[index] {
                    actions[index] = .redirect(address: first, copy: copy && oldCopy)
                }
                return
            }
            redirects += 1
            guard redirects <= SieveLimits.maximumRedirects else {
                throw SieveRuntimeError(
                    kind: .tooManyRedirects, location: location,
                    message: "number of redirect actions exceeds policy limit (\(SieveLimits.maximumRedirects))")
            }
        case .discard:
            implicitKeep = false
            if actions.contains(.discard) { return }
        case .reject:
            implicitKeep = false
        case .vacation, .addHeader, .deleteHeader:
            break
        }
        guard actions.count < SieveLimits.maximumActions else {
            throw SieveRuntimeError(
                kind: .tooManyActions, location: location,
                message: "total number of actions exceeds policy limit (\(SieveLimits.maximumActions))")
        }
        actions.append(action)
    }

    /// IMAP's INBOX, the default mailbox, whose name is not case-sensitive (RFC 3501 §5.1).
    private static func isInbox(_ mailbox: String) -> Bool { mailbox.lowercased() == "inbox" }

    private static func storesInInbox(_ action: SieveAction) -> Bool {
        switch action {
        case .keep: true
        case .fileinto(let mailbox, _, _, _): isInbox(mailbox)
        default: false
        }
    }

    /// Whether `action` stores the message in `mailbox` (keep stores it in INBOX).
    private static func stores(_ action: SieveAction, in mailbox: String) -> Bool {
        if isInbox(mailbox) { return storesInInbox(action) }
        if case .fileinto(let other, _, _, _) = action { return other == mailbox }
        return false
    }

    /// A stored action asked for again: the later flags apply; it is a copy only if both
    /// requests were, and creates the mailbox if either did.
    private static func withFlags(_ action: SieveAction, _ flags: [String], copy: Bool, create: Bool = false) -> SieveAction {
        switch action {
        case .keep: return .keep(flags: flags)
        case .fileinto(let mailbox, _, let oldCopy, let oldCreate):
            return .fileinto(mailbox: mailbox, flags: flags, copy: copy && oldCopy, create: create || oldCreate)
        default: return action
        }
    }

    private func checkConflicts(_ action: SieveAction, at location: SourceLocation) throws(SieveRuntimeError) {
        func conflict(_ message: String) -> SieveRuntimeError {
            SieveRuntimeError(kind: .conflictingActions, location: location, message: message)
        }
        let hasReject = actions.contains { if case .reject = $0 { true } else { false } }
        switch action {
        case .reject:
            if let other = actions.first(where: Self.excludesReject) {
                throw conflict("reject cannot be combined with \(Self.name(of: other))")
            }
        case .keep, .fileinto, .redirect:
            if hasReject { throw conflict("\(Self.name(of: action)) cannot be combined with reject") }
        case .vacation:
            if hasReject { throw conflict("vacation cannot be combined with reject") }
            if actions.contains(where: { if case .vacation = $0 { true } else { false } }) {
                throw conflict("vacation may be executed only once")
            }
        case .discard, .addHeader, .deleteHeader:
            break
        }
    }

    private static func excludesReject(_ action: SieveAction) -> Bool {
        switch action {
        case .keep, .fileinto, .redirect, .vacation, .reject: true
        case .discard, .addHeader, .deleteHeader: false
        }
    }

    private static func name(of action: SieveAction) -> String {
        switch action {
        case .keep: "keep"
        case .fileinto: "fileinto"
        case .redirect: "redirect"
        case .discard: "discard"
        case .reject(_, let extended): extended ? "ereject" : "reject"
        case .vacation: "vacation"
        case .addHeader: "addheader"
        case .deleteHeader: "deleteheader"
        }
    }
}
