import Foundation
import NIOConcurrencyHelpers
import NIOCore
import PopstoreCore

/// Slows down password guessing: each recent failure from an address (or against an
/// account from that address) doubles the delay before the next failure is answered,
/// and too many failures for one account from one address refuse that address for the
/// account for a while. Counting is per address, so one attacker (or one NAT) cannot
/// lock an account out for users elsewhere.
final class LoginThrottle: Sendable {
    private struct Record {
        var failures: [Date] = []
    }

    private let state = NIOLockedValueBox<[String: Record]>([:])
    private let configuration: ServerConfiguration
    private let clock: WallClock
    /// The delay after a first failure: too short for a person to notice, and it doubles.
    static let firstFailureDelaySeconds = 0.25
    /// The table holds at most this many keys; past that it starts afresh, so a flood
    /// of addresses cannot exhaust memory (it forgets failures, it never adds delay).
    static let maximumTrackedKeys = 100_000

    init(configuration: ServerConfiguration, clock: WallClock) {
        self.configuration = configuration
        self.clock = clock
    }

    private func recent(_ key: String, now: Date, in table: inout [String: Record]) -> Int {
        guard var record = table[key] else { return 0 }
        record.failures.removeAll { now.timeIntervalSince($0) > configuration.failureWindowSeconds }
        table[key] = record.failures.isEmpty ? nil : record
        return record.failures.count
    }

    /// Whether `account` may try from `address` at all now.
    func mayTry(address: String, account: String) -> Bool {
        let now = clock.now()
        return state.withLockedValue { table in
            recent("\(address) \(account.lowercased())", now: now, in: &table) < configuration.accountFailureLimitPerAddress
        }
    }

    /// Records a failure and returns how long to wait before answering it.
    func failed(address: String, account: String?) -> TimeAmount {
        let now = clock.now()
        return state.withLockedValue { table in
            if table.count > LoginThrottle.maximumTrackedKeys { table.removeAll(keepingCapacity: true) }
            var keys = [address]
            if let account { keys.append("\(address) \(account.lowercased())") }
            var worst = 0
            for key in keys {
                worst = max(worst, recent(key, now: now, in: &table))
                table[key, default: Record()].failures.append(now)
            }
            let seconds = min(configuration.maximumFailureDelaySeconds, LoginThrottle.firstFailureDelaySeconds * pow(2.0, Double(worst)))
            return .milliseconds(Int64(seconds * 1000))
        }
    }

    /// A success from an address clears its account's record there.
    func succeeded(address: String, account: String) {
        _ = state.withLockedValue { $0.removeValue(forKey: "\(address) \(account.lowercased())") }
    }
}

/// Counts sessions per client address and in all.
final class SessionCounter: Sendable {
    private let counts = NIOLockedValueBox<(total: Int, perAddress: [String: Int])>((0, [:]))
    private let configuration: ServerConfiguration

    init(configuration: ServerConfiguration) {
        self.configuration = configuration
    }

    /// Takes a slot, or false when the address or the server is full. Loopback clients
    /// (a webmail, a proxy, a local fetchmail for many users) count only against the
    /// server-wide cap: the per-address limit is against one remote host taking every slot.
    func open(_ address: String, loopback: Bool = false) -> Bool {
        counts.withLockedValue { counts in
            guard counts.total < configuration.maximumSessions,
                loopback || counts.perAddress[address, default: 0] < configuration.maximumSessionsPerAddress
            else { return false }
            counts.total += 1
            counts.perAddress[address, default: 0] += 1
            return true
        }
    }

    func close(_ address: String) {
        counts.withLockedValue { counts in
            counts.total -= 1
            let left = counts.perAddress[address, default: 1] - 1
            counts.perAddress[address] = left > 0 ? left : nil
        }
    }
}
