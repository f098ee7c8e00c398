import PopstoreCore
import PopstoreOperations
import Testing

/// The forwarding rules of MailRouting, on the test organisation (accounts eastrep,
/// westrep, loner… in example.com, otherrep in other.org).
struct MailRoutingTests {
    private func routing(_ org: TemporaryStore) -> MailRouting { MailRouting(store: org.store) }

    private func id(_ address: String) throws -> AccountID { try AccountID(storedAddress: address) }

    @Test func anAccountWithoutForwardingKeepsItsMail() throws {
        let org = try Organisation.make()
        #expect(routing(org).route("EastRep@Example.COM") == .deliver(.init(accounts: [try id("eastrep@example.com")])))
    }

    @Test func aForwardingNeedNotBeAnAccount() throws {
        let org = try Organisation.make()
        _ = try org.administrator.addForwarding(
            "team", to: ["eastrep@example.com", "westrep@example.com", "Bob@Elsewhere.net"], override: false)
        let verdict = routing(org).route("team@example.com")
        #expect(
            verdict
                == .deliver(
                    .init(
                        accounts: [try id("eastrep@example.com"), try id("westrep@example.com")], relayed: ["Bob@elsewhere.net"],
                        forwardedBy: ["team@example.com"])))
    }

    @Test func aForwardedAccountKeepsNoCopyUnlessItIsATarget() throws {
        let org = try Organisation.make()
        _ = try org.administrator.addForwarding("eastrep", to: ["bob@elsewhere.net"], override: true)
        #expect(
            routing(org).route("eastrep@example.com")
                == .deliver(.init(relayed: ["bob@elsewhere.net"], forwardedBy: ["eastrep@example.com"])))
        _ = try org.administrator.addForwarding("eastrep", to: ["bob@elsewhere.net", "EastRep@example.com"], override: true)
        #expect(
            routing(org).route("eastrep@example.com")
                == .deliver(
                    .init(accounts: [try id("eastrep@example.com")], relayed: ["bob@elsewhere.net"], forwardedBy: ["eastrep@example.com"])))
    }

    @Test func chainsAreFollowedAcrossDomains() throws {
        let org = try Organisation.make()
        _ = try org.administrator.addForwarding("a", to: ["b@other.org"], override: false)
        _ = try org.administrator.addForwarding("b@other.org", to: ["otherrep@other.org"], override: false)
        #expect(
            routing(org).route("a@example.com")
                == .deliver(.init(accounts: [try id("otherrep@other.org")], forwardedBy: ["a@example.com", "b@other.org"])))
    }

    @Test func aLoopWithNowhereElseToGoIsRefused() throws {
        let org = try Organisation.make()
        _ = try org.administrator.addForwarding("a", to: ["b@example.com"], override: false)
        _ = try org.administrator.addForwarding("b", to: ["a@example.com"], override: false)
        #expect(routing(org).route("a@example.com") == .loop)
        _ = try org.administrator.addForwarding("self", to: ["self@example.com"], override: false)
        #expect(routing(org).route("self@example.com") == .loop)
    }

    @Test func aLoopIsCutWhileOtherTargetsStillGetTheMail() throws {
        let org = try Organisation.make()
        _ = try org.administrator.addForwarding("a", to: ["b@example.com", "loner@example.com"], override: false)
        _ = try org.administrator.addForwarding("b", to: ["a@example.com"], override: false)
        guard case .deliver(let route) = routing(org).route("a@example.com") else {
            Issue.record("a@example.com should be delivered")
            return
        }
        #expect(route.accounts == [try id("loner@example.com")])
        #expect(route.dropped.map(\.address) == ["a@example.com"])
        #expect(route.dropped.map(\.verdict) == [.loop])
    }

    @Test func aChainDeeperThanTheLimitIsALoop() throws {
        let org = try Organisation.make()
        let depth = MailRouting.maximumForwardingDepth + 1
        for step in 0..<depth {
            _ = try org.administrator.addForwarding("hop\(step)", to: ["hop\(step + 1)@example.com"], override: false)
        }
        _ = try org.administrator.addForwarding("hop\(depth)", to: ["loner@example.com"], override: false)
        #expect(routing(org).route("hop0@example.com") == .loop)
        #expect(routing(org).route("hop2@example.com") != .loop)
    }

    @Test func disabledTargetsAreDroppedAndTheReasonKeptWhenNothingIsLeft() throws {
        let org = try Organisation.make()
        var change = AccountChange()
        change.addFlags = .dismail
        _ = try org.administrator.modifyAccounts("westrep", change)
        _ = try org.administrator.addForwarding("list", to: ["westrep@example.com"], override: false)
        #expect(routing(org).route("list@example.com") == .disabled)
        _ = try org.administrator.addForwarding(
            "list", to: ["westrep@example.com", "nobody@example.com", "eastrep@example.com"], override: false)
        guard case .deliver(let route) = routing(org).route("list@example.com") else {
            Issue.record("list@example.com should be delivered")
            return
        }
        #expect(route.accounts == [try id("eastrep@example.com")])
        #expect(route.dropped.map(\.verdict) == [.disabled, .unknown])
    }

    @Test func aSubaddressFollowsTheForwardingOfItsBase() throws {
        let org = try Organisation.make()
        _ = try org.administrator.addForwarding("list", to: ["bob@elsewhere.net"], override: false)
        #expect(
            routing(org).route("list+news@example.com")
                == .deliver(.init(relayed: ["bob@elsewhere.net"], forwardedBy: ["list@example.com"])))
        // The exact address wins over its base: an account `list` would not get list+news's mail
        // were list+news itself forwarded; here the base's forwarding applies to every tag.
        #expect(
            routing(org).route("LIST+other@example.com")
                == .deliver(.init(relayed: ["bob@elsewhere.net"], forwardedBy: ["list@example.com"])))
    }
}
