/// The actions of one run, with the rules for combining them.
///
/// - Duplicates merge: keep twice is one keep, fileinto one mailbox twice is one, a
///   redirect to one address twice is one (RFC 5228 §2.10.3).
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
            if let index = actions.firstIndex(where: { if case .keep = $0 { true } else { false } }) {
                actions[index] = .keep(flags: flags)
                return
            }
        case .fileinto(let mailbox, let flags, let copy, let create):
            if !copy { implicitKeep = false }
            if let index = actions.firstIndex(where: { if case .fileinto(mailbox, _, _, _) = $0 { true } else { false } }) {
                if case .fileinto(_, _, let oldCopy, let oldCreate) = actions[index] {
                    actions[index] = .fileinto(mailbox: mailbox, flags: flags, copy: copy && oldCopy, create: create || oldCreate)
                }
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
                    kind: .tooManyRedirects, location: location, message: "more than \(SieveLimits.maximumRedirects) redirects")
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
            throw SieveRuntimeError(kind: .tooManyActions, location: location, message: "more than \(SieveLimits.maximumActions) actions")
        }
        actions.append(action)
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
