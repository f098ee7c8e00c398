import PopstoreCore
import Testing

struct QuotaPolicyTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var quota: Int64?
        var overdraft: Int64
        var usage: Int64
        var size: Int64
        var admits: Bool
        var testDescription: String
    }

    static let cases: [Case] = [
        Case(quota: nil, overdraft: 0, usage: 0, size: 1 << 40, admits: true, testDescription: "no quota: a huge message"),
        Case(quota: nil, overdraft: 0, usage: 1 << 50, size: 1, admits: true, testDescription: "no quota: huge usage"),
        Case(quota: 1000, overdraft: 0, usage: 0, size: 1000, admits: true, testDescription: "fills the quota exactly"),
        Case(quota: 1000, overdraft: 0, usage: 0, size: 1001, admits: false, testDescription: "one byte over the quota"),
        Case(quota: 1000, overdraft: 0, usage: 1000, size: 0, admits: true, testDescription: "usage at quota, empty message"),
        Case(quota: 1000, overdraft: 0, usage: 1000, size: 1, admits: false, testDescription: "usage at quota, no overdraft"),
        Case(quota: 1000, overdraft: 500, usage: 1000, size: 500, admits: true, testDescription: "usage at quota, fits the overdraft"),
        Case(
            quota: 1000, overdraft: 500, usage: 1000, size: 501, admits: false,
            testDescription: "usage at quota, one byte past the overdraft"),
        Case(
            quota: 1000, overdraft: 500, usage: 1001, size: 1, admits: false,
            testDescription: "usage already exceeds the quota, room left in the overdraft"),
        Case(quota: 1000, overdraft: 500, usage: 900, size: 600, admits: true, testDescription: "fits quota + overdraft exactly"),
        Case(quota: 1000, overdraft: 500, usage: 900, size: 601, admits: false, testDescription: "one byte over quota + overdraft"),
        Case(quota: 0, overdraft: 0, usage: 0, size: 0, admits: true, testDescription: "zero quota, empty message"),
        Case(quota: 0, overdraft: 0, usage: 0, size: 1, admits: false, testDescription: "zero quota refuses everything"),
        Case(quota: 0, overdraft: 100, usage: 0, size: 100, admits: true, testDescription: "zero quota, overdraft only"),
        Case(
            quota: 1 << 50, overdraft: 1 << 50, usage: 1 << 50, size: 1 << 50, admits: true,
            testDescription: "largest sizes do not overflow"),
    ]

    @Test(arguments: cases)
    func admits(_ c: Case) {
        let policy = QuotaPolicy(quota: c.quota, overdraft: c.overdraft)
        #expect(policy.admits(messageSize: c.size, usage: c.usage) == c.admits)
    }

    @Test func profileCarriesItsPolicy() throws {
        let profile = Profile(
            id: AccountID(canonicalName: "jdoe", domain: try DomainName("example.com")), volume: "default",
            maildropID: String(repeating: "0", count: 32), created: .init(timeIntervalSince1970: 0), quota: 1000,
            overdraft: 10)
        #expect(profile.quotaPolicy == QuotaPolicy(quota: 1000, overdraft: 10))
    }
}
