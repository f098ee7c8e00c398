import Foundation
import PopstoreCore
import PopstoreStore
import SASL

/// Turns a password into what a profile keeps (never the clear text), and checks one.
enum Credentials {
    /// Longest password accepted: long enough for any passphrase, short enough that
    /// hashing cannot be used to burn CPU.
    static let maximumPasswordLength = 1024

    static func record(password: String, for id: AccountID, settings: StoreSettings, store: Store, now: Date, preExpired: Bool)
        throws(PopstoreError) -> PasswordRecord
    {
        guard !password.isEmpty, password.utf8.count <= maximumPasswordLength else {
            throw .invalidInput("a password must be 1 to \(maximumPasswordLength) octets")
        }
        do {
            let hash = try PasswordHash.make(password: password, cost: ScryptCost(logN: settings.passwordHashCost))
            let scram = try ScramCredentials.make(password: password)
            var legacy: String? = nil
            if settings.legacyAuth {
                let key = try LegacySecretKey(rawBytes: try store.legacySecretKeyBytes())
                legacy = try SealedLegacySecret.seal(password: password, account: id.address, key: key).encoded
            }
            return PasswordRecord(
                hash: hash.encoded,
                scram: StoredScram(
                    salt: Data(scram.salt).base64EncodedString(), iterations: scram.iterations,
                    storedKey: Data(scram.storedKey).base64EncodedString(),
                    serverKey: Data(scram.serverKey).base64EncodedString()),
                legacySecret: legacy, changed: now, preExpired: preExpired)
        } catch let error as PopstoreError {
            throw error
        } catch is SASLprepError {
            throw .invalidInput("the password holds characters that cannot be used in a password")
        } catch {
            throw .permanent("cannot hash the password")
        }
    }

    /// A hash of a password nobody has, at the store's cost, so that checking an unknown
    /// account costs the same time as checking a wrong password.
    static func decoyHash(settings: StoreSettings) -> PasswordHash? {
        try? PasswordHash.make(password: "decoy-\(UInt64.random(in: 0...UInt64.max))", cost: ScryptCost(logN: settings.passwordHashCost))
    }

    /// Whether `password` is the account's. Runs a hash whatever the account's state.
    static func verify(_ password: String, profile: Profile?, settings: StoreSettings) -> Bool {
        guard let profile, let record = profile.password, !profile.flags.contains(.pwdElsewhere),
            let hash = try? PasswordHash(encoded: record.hash)
        else {
            _ = decoyHash(settings: settings)
            return false
        }
        return hash.verify(password)
    }
}
