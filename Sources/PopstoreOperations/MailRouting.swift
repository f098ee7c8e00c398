import PopstoreCore
import PopstoreStore

/// Where mail for an address goes: the one rule behind LMTP's RCPT, `popstore deliver`
/// and the MTA's socketmap lookups, so all three always answer alike.
///
/// An address is in a domain the store serves (its default domain or a user domain),
/// its local part compared without regard to ASCII letter case (NameRules), and a
/// subaddress `user+tag` goes to `user` unless `user+tag` is itself an account.
public struct MailRouting: Sendable {
    public let store: Store
    /// The subaddress separator (RFC 5233); nil: no subaddresses.
    public let subaddressSeparator: Character?

    public init(store: Store, subaddressSeparator: Character? = "+") {
        self.store = store
        self.subaddressSeparator = subaddressSeparator
    }

    /// The answer for one recipient.
    public enum Verdict: Sendable, Equatable {
        /// Store the message in this account's maildrop.
        case deliver(AccountID)
        /// No account or forwarding has this address (550 5.1.1), or its domain is not
        /// served here (550 5.1.2).
        case unknown, foreignDomain
        /// The account takes no mail (DISMAIL, 550 5.2.1).
        case disabled
        /// The account is over its quota, counting the size the client declared (5.2.2).
        case overQuota
        /// The store could not tell now (451 4.3.0).
        case temporary
    }

    /// Decides where mail for `address` goes, counting `declaredSize` octets against quota.
    public func route(_ address: String, declaredSize: Int64? = nil) -> Verdict {
        guard let at = address.lastIndex(of: "@") else { return .unknown }
        let local = String(address[..<at])
        guard let domain = try? DomainName(String(address[address.index(after: at)...])) else { return .foreignDomain }
        do {
            guard try serves(domain) else { return .foreignDomain }
            guard let profile = try profile(local: local, domain: domain) else { return .unknown }
            if profile.flags.contains(.dismail) { return .disabled }
            let usage = try store.maildrop(for: profile).usage()
            guard profile.quotaPolicy.admits(messageSize: declaredSize ?? 0, usage: usage.bytes) else { return .overQuota }
            return .deliver(profile.id)
        } catch {
            return .temporary
        }
    }

    private func serves(_ domain: DomainName) throws(PopstoreError) -> Bool {
        if domain == store.settings.defaultDomain { return true }
        return try store.domain(domain) != nil
    }

    /// The account for a local part: itself, or the part before the subaddress separator.
    private func profile(local: String, domain: DomainName) throws(PopstoreError) -> Profile? {
        var candidates = [local]
        if let separator = subaddressSeparator, let cut = local.firstIndex(of: separator), cut != local.startIndex {
            candidates.append(String(local[..<cut]))
        }
        for candidate in candidates {
            guard let name = try? store.settings.nameRules.canonicalName(candidate, kind: "account name") else { continue }
            if let profile = try store.profile(AccountID(canonicalName: name, domain: domain)) { return profile }
        }
        return nil
    }
}
