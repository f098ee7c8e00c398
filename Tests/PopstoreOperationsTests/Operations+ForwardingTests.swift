import PopstoreCore
import PopstoreOperations
import Testing

struct OperationsForwardingTests {
    @Test func withoutOverrideAnExistingAccountIsRefused() throws {
        let org = try Organisation.make()
        let admin = org.administrator
        #expect(throws: PopstoreError.alreadyExists("eastrep is an account; forwarding it needs override")) {
            try admin.addForwarding("eastrep", to: ["jane@elsewhere.net"], override: false)
        }
        #expect(throws: PopstoreError.alreadyExists("otherrep@other.org is an account; forwarding it needs override")) {
            try admin.addForwarding("OtherRep@Other.org", to: ["jane@elsewhere.net"], override: false)
        }
        #expect(try admin.forwardings(matching: nil) == [])
        let view = try admin.addForwarding("eastrep", to: ["jane@elsewhere.net"], override: true)
        #expect(view.address == "eastrep@example.com")
        #expect(view.targets == ["jane@elsewhere.net"])
        #expect(try admin.forwardings(matching: nil) == [view])
    }

    @Test func addressThatIsNoAccountNeedsNoOverride() throws {
        let org = try Organisation.make()
        let view = try org.administrator.addForwarding(
            "Sales-List", to: ["Bob@Elsewhere.NET", "eastrep@example.com"], override: false)
        #expect(view.address == "sales-list@example.com")
        #expect(view.targets == ["Bob@elsewhere.net", "eastrep@example.com"])
        #expect(try org.administrator.forwardings(matching: "sales-*") == [view])
    }

    @Test(arguments: [[], ["not-an-address"], ["a b@example.com"], ["x@bad_domain"]])
    func refusesInvalidTargets(targets: [String]) throws {
        let org = try Organisation.make()
        #expect(throws: PopstoreError.self) { try org.administrator.addForwarding("list", to: targets, override: false) }
        #expect(try org.administrator.forwardings(matching: nil) == [])
    }

    @Test func onlyManagersOfTheWholeDomainSetForwardings() throws {
        let org = try Organisation.make()
        #expect(
            throws: PopstoreError.permissionDenied("permission denied: managing example.com needs a manager of the whole domain")
        ) {
            try org.manager("eastboss", "east-pw").addForwarding("list", to: ["x@elsewhere.net"], override: false)
        }
        let other = try org.manager("otherboss@other.org", "other-pw")
        #expect(
            throws: PopstoreError.permissionDenied("permission denied: managing example.com needs a manager of the whole domain")
        ) {
            try other.addForwarding("list", to: ["x@elsewhere.net"], override: false)
        }
        _ = try other.addForwarding("list@other.org", to: ["x@elsewhere.net"], override: false)
        _ = try org.manager("worldboss", "world-pw").addForwarding("list", to: ["y@elsewhere.net"], override: false)
        #expect(try other.forwardings(matching: "*@*").map(\.address) == ["list@other.org"])
        #expect(try org.administrator.forwardings(matching: "*@*").map(\.address) == ["list@example.com", "list@other.org"])
    }
}
