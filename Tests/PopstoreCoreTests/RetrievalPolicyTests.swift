import PopstoreCore
import Testing

@Suite struct RetrievalPolicyTests {
    @Test(arguments: [("30", 30), ("0", 0), ("never", RetrievalPolicy.never), ("NEVER", RetrievalPolicy.never)])
    func parsesExpire(raw: String, days: Int) throws {
        #expect(try RetrievalPolicy.parseExpire(raw) == days)
    }

    @Test(arguments: ["-1", "3651", "x", "", "1.5"])
    func refusesBadExpire(raw: String) {
        #expect(throws: PopstoreError.self) { try RetrievalPolicy.parseExpire(raw) }
    }

    @Test func noneClearsALevel() throws {
        #expect(try RetrievalPolicy.parseExpireSetting("none") == nil)
        #expect(try RetrievalPolicy.parseLoginDelaySetting("None") == nil)
        #expect(try RetrievalPolicy.parseLoginDelaySetting("900") == 900)
        #expect(throws: PopstoreError.self) { try RetrievalPolicy.parseLoginDelaySetting("31622401") }
    }

    /// The account's own value wins, then the group's, then the store's.
    @Test func levelsFillWhatIsUnset() {
        let account = RetrievalPolicy(expireDays: nil, loginDelaySeconds: 60)
        let group = RetrievalPolicy(expireDays: 30, loginDelaySeconds: 600)
        let store = RetrievalPolicy(expireDays: 90, loginDelaySeconds: nil)
        #expect(account.over(group).over(store) == RetrievalPolicy(expireDays: 30, loginDelaySeconds: 60))
        #expect(RetrievalPolicy().over(store) == store)
        #expect(RetrievalPolicy(expireDays: 5).with(expireDays: nil) == nil)
        #expect(RetrievalPolicy(expireDays: 5).with(loginDelaySeconds: 10) == RetrievalPolicy(expireDays: 5, loginDelaySeconds: 10))
    }
}
