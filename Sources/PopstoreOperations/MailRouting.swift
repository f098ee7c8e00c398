import PopstoreCore
import PopstoreStore

/// Where mail for an address goes: the one rule behind LMTP's RCPT, `popstore deliver`
/// and the MTA's socketmap lookups, so all three always answer alike.
///
/// An address is in a domain the store serves (its default domain or a user domain),
/// its local part compared without regard to ASCII letter case (NameRules). For each
/// address the forwarding database is consulted before the accounts, the exact address
/// first and then, for a subaddress `user+tag`, the address `user`. A forwarding is
/// followed to its targets: an account keeps a copy only where its own address is a
/// target, targets in served domains are routed again by this same rule, and other
/// targets are relayed through the outbound queue. An address met twice on one path
/// (A→B→A, or an entry naming itself without being an account) is a loop and is not
/// followed again.
public struct MailRouting: Sendable {
    public let store: Store
    /// The subaddress separator (RFC 5233); nil: no subaddresses.
    public let subaddressSeparator: Character?
    /// The Sender Rewriting Scheme, where configured: forwarded mail leaves with a sender
    /// in its domain, and bounces to such addresses are routed back to the original sender.
    public let senderRewriting: SenderRewriting?

    /// Forwardings followed one after another before the chain counts as a loop: deeper
    /// than any sane setup, and a bound on the work one RCPT can cause.
    public static let maximumForwardingDepth = 8
    /// Addresses one recipient may expand to in all, so one RCPT costs bounded lookups.
    public static let maximumExpansion = 200

    public init(store: Store, subaddressSeparator: Character? = "+", senderRewriting: SenderRewriting? = nil) {
        self.store = store
        self.subaddressSeparator = subaddressSeparator
        self.senderRewriting = senderRewriting
    }

    /// Where one recipient's copy goes.
    public struct Route: Sendable, Equatable {
        /// The accounts whose maildrops keep a copy.
        public var accounts: [AccountID] = []
        /// Addresses outside the store, for the outbound queue.
        public var relayed: [String] = []
        /// The forwarding entries followed (canonical addresses), first one first: each
        /// becomes a `Delivered-To` line on the relayed copy, and mail that arrives
        /// already carrying one of them is a loop.
        public var forwardedBy: [String] = []
        /// Targets that take no mail (an unknown or disabled account named in a
        /// forwarding), with the reason; logged, the rest still delivered.
        public var dropped: [(address: String, verdict: Verdict)] = []
        /// The accounts' profiles as the lookup read them: where the message file is
        /// written (their volumes), and what a delivery checks them against (not part of
        /// what the route means, so not compared).
        public var profiles: [Profile] = []

        public init(accounts: [AccountID] = [], relayed: [String] = [], forwardedBy: [String] = []) {
            self.accounts = accounts
            self.relayed = relayed
            self.forwardedBy = forwardedBy
        }

        public static func == (a: Route, b: Route) -> Bool {
            a.accounts == b.accounts && a.relayed == b.relayed && a.forwardedBy == b.forwardedBy
                && a.dropped.map(\.address) == b.dropped.map(\.address) && a.dropped.map(\.verdict) == b.dropped.map(\.verdict)
        }
    }

    /// The answer for one recipient.
    public indirect enum Verdict: Sendable, Equatable {
        /// Deliver to the route's accounts and relay to its outside addresses.
        case deliver(Route)
        /// No account or forwarding has this address (550 5.1.1), or its domain is not
        /// served here (550 5.1.2).
        case unknown, foreignDomain
        /// The account takes no mail (DISMAIL, 550 5.2.1).
        case disabled
        /// The account is over its quota, counting the size the client declared (5.2.2).
        case overQuota
        /// Forwarding leads back to where it started and nowhere else (5.4.6).
        case loop
        /// The store could not tell now (451 4.3.0).
        case temporary
    }

    /// Decides where mail for `address` goes, counting `declaredSize` octets against quota.
    public func route(_ address: String, declaredSize: Int64? = nil) -> Verdict {
        guard let (local, domain) = split(address) else { return .foreignDomain }
        if let rewriting = senderRewriting, domain == rewriting.domain, local.uppercased().hasPrefix("SRS0=") {
            // A bounce to a rewritten sender: back to the original one, if the hash holds.
            guard let original = rewriting.reverse(address, at: store.clock.now()) else { return .unknown }
            return .deliver(Route(relayed: [original]))
        }
        do {
            guard try serves(domain) else { return .foreignDomain }
            var expansion = Expansion(declaredSize: declaredSize ?? 0)
            let verdict = try expand(local: local, domain: domain, depth: 0, into: &expansion)
            if expansion.route.accounts.isEmpty && expansion.route.relayed.isEmpty {
                // Nothing takes it: the first reason on the path, or the address's own.
                return expansion.route.dropped.first?.verdict ?? verdict ?? .unknown
            }
            return .deliver(expansion.route)
        } catch {
            return .temporary
        }
    }

    private struct Expansion {
        let declaredSize: Int64
        var route = Route()
        var visited: Set<String> = []
        var count = 0
    }

    /// Routes one address of a served domain into `expansion`; returns the refusal when
    /// the address itself takes no mail (nil when it was routed).
    private func expand(local: String, domain: DomainName, depth: Int, into expansion: inout Expansion) throws(PopstoreError) -> Verdict? {
        expansion.count += 1
        for id in candidates(local: local, domain: domain) {
            if let entry = try store.forwarding(id) {
                guard depth < Self.maximumForwardingDepth, expansion.visited.insert(id.address).inserted,
                    expansion.count <= Self.maximumExpansion
                else { return .loop }
                expansion.route.forwardedBy.append(id.address)
                for target in entry.targets {
                    try follow(target, from: id, depth: depth, into: &expansion)
                }
                return nil
            }
            if let profile = try store.profile(id) {
                return try admit(profile, into: &expansion)
            }
        }
        return .unknown
    }

    /// One target of the forwarding of `from`.
    private func follow(_ target: String, from: AccountID, depth: Int, into expansion: inout Expansion) throws(PopstoreError) {
        guard let (local, domain) = split(target), try serves(domain) else {
            if !expansion.route.relayed.contains(target) { expansion.route.relayed.append(target) }
            return
        }
        let verdict: Verdict?
        if let own = canonical(local: local, domain: domain), own == from {
            // The forwarded address keeps a copy only as an account of its own.
            if let profile = try store.profile(own) { verdict = try admit(profile, into: &expansion) } else { verdict = .loop }
        } else {
            verdict = try expand(local: local, domain: domain, depth: depth + 1, into: &expansion)
        }
        if let verdict { expansion.route.dropped.append((target, verdict)) }
    }

    /// An account's own checks: DISMAIL, then quota with the declared size.
    private func admit(_ profile: Profile, into expansion: inout Expansion) throws(PopstoreError) -> Verdict? {
        if profile.flags.contains(.dismail) { return .disabled }
        let usage = try store.maildrop(for: profile).usage()
        guard profile.quotaPolicy.admits(messageSize: expansion.declaredSize, usage: usage.bytes) else { return .overQuota }
        if !expansion.route.accounts.contains(profile.id) { expansion.route.accounts.append(profile.id) }
        if !expansion.route.profiles.contains(where: { $0.id == profile.id }) { expansion.route.profiles.append(profile) }
        return nil
    }

    private func split(_ address: String) -> (local: String, domain: DomainName)? {
        guard let at = address.lastIndex(of: "@"), at != address.startIndex,
            let domain = try? DomainName(String(address[address.index(after: at)...]))
        else { return nil }
        return (String(address[..<at]), domain)
    }

    private func serves(_ domain: DomainName) throws(PopstoreError) -> Bool {
        if domain == store.settings.defaultDomain { return true }
        return try store.domain(domain) != nil
    }

    private func canonical(local: String, domain: DomainName) -> AccountID? {
        guard let name = try? store.settings.nameRules.canonicalName(local, kind: "account name") else { return nil }
        return AccountID(canonicalName: name, domain: domain)
    }

    /// The names an address may be known by: itself, then the part before the subaddress separator.
    private func candidates(local: String, domain: DomainName) -> [AccountID] {
        var locals = [local]
        if let separator = subaddressSeparator, let cut = local.firstIndex(of: separator), cut != local.startIndex {
            locals.append(String(local[..<cut]))
        }
        return locals.compactMap { canonical(local: $0, domain: domain) }
    }
}
