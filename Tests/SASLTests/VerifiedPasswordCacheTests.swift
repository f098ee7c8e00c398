import Foundation
import SASL
import Testing

@Suite struct VerifiedPasswordCacheTests {
    final class Clock: @unchecked Sendable {
        var now = Date(timeIntervalSince1970: 1_000_000)
    }

    @Test func remembersAVerificationUntilItExpires() {
        let clock = Clock()
        let cache = VerifiedPasswordCache(lifetime: 300, now: { clock.now })
        cache.insert(account: "jdoe@example.com", password: "pw", storedHash: "$scrypt$a")
        #expect(cache.contains(account: "jdoe@example.com", password: "pw", storedHash: "$scrypt$a"))
        #expect(!cache.contains(account: "jdoe@example.com", password: "wrong", storedHash: "$scrypt$a"))
        #expect(!cache.contains(account: "ann@example.com", password: "pw", storedHash: "$scrypt$a"))
        clock.now += 301
        #expect(!cache.contains(account: "jdoe@example.com", password: "pw", storedHash: "$scrypt$a"))
    }

    @Test func aPasswordChangeEndsIt() {
        let cache = VerifiedPasswordCache(lifetime: 300)
        cache.insert(account: "jdoe@example.com", password: "pw", storedHash: "$scrypt$old")
        #expect(!cache.contains(account: "jdoe@example.com", password: "pw", storedHash: "$scrypt$new"))
    }

    @Test func offMeansOff() {
        let cache = VerifiedPasswordCache(lifetime: 0)
        cache.insert(account: "a", password: "pw", storedHash: "h")
        #expect(!cache.contains(account: "a", password: "pw", storedHash: "h"))
    }

    @Test func staysWithinCapacity() {
        let clock = Clock()
        let cache = VerifiedPasswordCache(lifetime: 300, capacity: 10, now: { clock.now })
        for n in 0..<25 {
            clock.now += 1
            cache.insert(account: "user\(n)", password: "pw", storedHash: "h")
        }
        #expect(cache.contains(account: "user24", password: "pw", storedHash: "h"))
        #expect(!cache.contains(account: "user0", password: "pw", storedHash: "h"))
    }
}
