import Crypto
import Foundation
import PopstoreCore

/// The Sender Rewriting Scheme (SRS0, after Shevek's SRS paper and libsrs2's form): mail
/// Popstore sends on for someone else (a forward, a Sieve redirect) leaves with an envelope
/// sender in a domain this site answers for, so SPF checks at the receiver pass, and a
/// bounce to that address finds its way back to the original sender.
///
///     SRS0=HHHH=TT=original.domain=original-local@srs.domain
///
/// TT is the day (mod 1,024, two base-32 characters), HHHH the first four base-64
/// characters of an HMAC-SHA-256 over TT, the domain and the local part (lower-cased),
/// keyed with the site's secret. A bounce is accepted back for `maximumAgeDays`.
public struct SenderRewriting: Sendable {
    public let domain: DomainName
    private let key: SymmetricKey

    /// Days a rewritten address is honoured: longer than any MTA's retry period (5 days)
    /// plus a bounce's own, short enough that a harvested address soon goes stale.
    public static let maximumAgeDays = 21
    static let prefix = "SRS0="
    static let base32 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    public init(domain: DomainName, secret: [UInt8]) {
        self.domain = domain
        self.key = SymmetricKey(data: secret)
    }

    /// The rewritten sender for `sender` at `now`; the null sender and addresses already in
    /// this domain stay as they are.
    public func forward(_ sender: String, at now: Date) -> String {
        guard let at = sender.lastIndex(of: "@"), at != sender.startIndex else { return sender }
        let local = String(sender[..<at])
        let senderDomain = String(sender[sender.index(after: at)...])
        if senderDomain.lowercased() == domain.value { return sender }
        let stamp = Self.timestamp(now)
        return "\(Self.prefix)\(hash(stamp, senderDomain, local))=\(stamp)=\(senderDomain)=\(local)@\(domain.value)"
    }

    /// The original sender of a rewritten address this site made, if its hash is right and
    /// it is not too old; nil for anything else.
    public func reverse(_ address: String, at now: Date) -> String? {
        guard let at = address.lastIndex(of: "@"), address[address.index(after: at)...].lowercased() == domain.value else {
            return nil
        }
        let local = address[..<at]
        guard local.count > Self.prefix.count, local.prefix(Self.prefix.count).uppercased() == Self.prefix else { return nil }
        let parts = local.dropFirst(Self.prefix.count).split(separator: "=", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, !parts[2].isEmpty, !parts[3].isEmpty else { return nil }
        let (givenHash, stamp, senderDomain, senderLocal) = (String(parts[0]), String(parts[1]), String(parts[2]), String(parts[3]))
        guard givenHash.lowercased() == hash(stamp.uppercased(), senderDomain, senderLocal).lowercased(),
            let age = Self.age(of: stamp.uppercased(), at: now), age <= Self.maximumAgeDays
        else { return nil }
        return "\(senderLocal)@\(senderDomain)"
    }

    private func hash(_ stamp: String, _ senderDomain: String, _ local: String) -> String {
        let input = Array("\(stamp)\(senderDomain)\(local)".lowercased().utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: input, using: key)
        return String(Data(mac).base64EncodedString().prefix(4))
    }

    static func timestamp(_ now: Date) -> String {
        let day = Int(now.timeIntervalSince1970 / 86_400) % 1024
        return String([base32[day >> 5], base32[day & 31]])
    }

    /// Days since the timestamp was made, counting the wrap every 1,024 days.
    static func age(of stamp: String, at now: Date) -> Int? {
        let characters = Array(stamp)
        guard characters.count == 2, let high = base32.firstIndex(of: characters[0]), let low = base32.firstIndex(of: characters[1])
        else { return nil }
        let then = high << 5 | low
        let today = Int(now.timeIntervalSince1970 / 86_400) % 1024
        return (today - then + 1024) % 1024
    }
}
