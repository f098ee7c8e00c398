import Foundation
import PopstoreCore
import PopstoreOperations
import PopstoreStore
import Testing

struct OperationsAccountsTests {
    struct Scope: Sendable, CustomTestStringConvertible {
        var manager: String
        var password: String
        var addresses: [String]
        var testDescription: String { manager }
    }

    /// What each manager of `Organisation` lists, written out.
    static let scopes: [Scope] = [
        Scope(
            manager: "bostonboss", password: "boston-pw",
            addresses: ["bostonboss@example.com", "bostonrep@example.com"]),
        Scope(
            manager: "eastboss", password: "east-pw",
            addresses: [
                "bostonboss@example.com", "bostonrep@example.com", "disabledboss@example.com", "eastboss@example.com",
                "eastrep@example.com",
            ]),
        Scope(
            manager: "salesboss", password: "sales-pw",
            addresses: [
                "bostonboss@example.com", "bostonrep@example.com", "disabledboss@example.com", "eastboss@example.com",
                "eastrep@example.com", "pleb@example.com", "salesboss@example.com", "salesrep@example.com",
                "westrep@example.com",
            ]),
        Scope(
            manager: "otherboss@other.org", password: "other-pw",
            addresses: ["otherboss@other.org", "othereast@other.org", "otherrep@other.org"]),
        Scope(
            manager: "worldboss", password: "world-pw",
            addresses: [
                "bostonboss@example.com", "bostonrep@example.com", "disabledboss@example.com", "eastboss@example.com",
                "eastrep@example.com", "loner@example.com", "pleb@example.com", "salesboss@example.com",
                "salesrep@example.com", "westrep@example.com", "worldboss@example.com", "otherboss@other.org",
                "othereast@other.org", "otherrep@other.org",
            ]),
    ]

    @Test(arguments: scopes)
    func managerListsExactlyItsScope(_ scope: Scope) throws {
        let org = try Organisation.make()
        let manager = try org.manager(scope.manager, scope.password)
        #expect(try manager.accounts(matching: nil).map(\.address) == scope.addresses.sorted())
    }

    @Test func administratorListsEveryAccount() throws {
        let org = try Organisation.make()
        #expect(try org.administrator.accounts(matching: nil).count == Organisation.members.count)
    }

    @Test func wildcardListIsLimitedToTheScope() throws {
        let org = try Organisation.make()
        let manager = try org.manager("eastboss", "east-pw")
        #expect(try manager.accounts(matching: "*rep").map(\.address) == ["bostonrep@example.com", "eastrep@example.com"])
        #expect(try manager.accounts(matching: "*@other.org") == [])
    }

    /// An account outside the scope is reported exactly like one that does not exist.
    @Test func accountOutsideTheScopeLooksNonexistent() throws {
        let org = try Organisation.make()
        let manager = try org.manager("eastboss", "east-pw")
        var change = AccountChange()
        change.owner = "touched"
        for (outside, missing) in [("westrep", "nobody"), ("loner", "nobody2"), ("otherrep@other.org", "nobody@other.org")] {
            #expect(throws: PopstoreError.notFound("no such account: \(outside)")) { try manager.modifyAccounts(outside, change) }
            #expect(throws: PopstoreError.notFound("no such account: \(missing)")) { try manager.modifyAccounts(missing, change) }
            #expect(throws: PopstoreError.notFound("no such account: \(outside)")) { try manager.accounts(matching: outside) }
            #expect(throws: PopstoreError.notFound("no such account: \(outside)")) { try manager.removeAccounts(outside) }
            #expect(throws: PopstoreError.notFound("no such account: \(outside)")) { try manager.messages(of: outside) }
            #expect(throws: PopstoreError.notFound("no such account: \(outside)")) {
                try manager.copyAccount(outside, to: "copy", password: nil)
            }
            #expect(throws: PopstoreError.notFound("no such account: \(outside)")) { try manager.renameAccount(outside, to: "renamed") }
            #expect(try org.profile(outside)?.owner == "")
        }
        #expect(throws: PopstoreError.notFound("no account matches \"west*\"")) { try manager.modifyAccounts("west*", change) }
    }

    @Test func wildcardModifyTouchesOnlyTheScope() throws {
        let org = try Organisation.make()
        let manager = try org.manager("eastboss", "east-pw")
        var change = AccountChange()
        change.owner = "touched"
        let changed = try manager.modifyAccounts("*rep", change)
        #expect(changed.map(\.address) == ["bostonrep@example.com", "eastrep@example.com"])
        for name in ["salesrep", "westrep", "otherrep@other.org", "othereast@other.org"] {
            #expect(try org.profile(name)?.owner == "", "\(name)")
        }
        #expect(try org.profile("eastrep")?.owner == "touched")
    }

    @Test func groupManagerCannotTakeAnAccountOutOfEveryGroup() throws {
        let org = try Organisation.make()
        let manager = try org.manager("eastboss", "east-pw")
        var change = AccountChange()
        change.group = .some(nil)
        #expect(throws: PopstoreError.permissionDenied("permission denied: the new group would take eastrep outside your scope")) {
            try manager.modifyAccounts("eastrep", change)
        }
        #expect(try org.profile("eastrep")?.group == "east")
    }

    @Test(arguments: ["west", "sales", "brandnew"])
    func groupManagerCannotMoveAnAccountOutOfItsSubtree(group: String) throws {
        let org = try Organisation.make()
        let manager = try org.manager("eastboss", "east-pw")
        var change = AccountChange()
        change.group = .some(group)
        #expect(throws: PopstoreError.permissionDenied("permission denied: the new group would take eastrep outside your scope")) {
            try manager.modifyAccounts("eastrep", change)
        }
        #expect(try org.profile("eastrep")?.group == "east")
        #expect(try org.administrator.groups().map(\.name).sorted() == ["boston", "east", "sales", "west"])
    }

    @Test func groupManagerCanMoveAnAccountWithinItsSubtree() throws {
        let org = try Organisation.make()
        let manager = try org.manager("eastboss", "east-pw")
        var change = AccountChange()
        change.group = .some("Boston")
        #expect(try manager.modifyAccounts("eastrep", change).map(\.group) == ["boston"])
        let boston = try org.manager("bostonboss", "boston-pw")
        #expect(try boston.accounts(matching: "eastrep").map(\.address) == ["eastrep@example.com"])
    }

    @Test func worldManagerCanTakeAnAccountOutOfItsGroup() throws {
        let org = try Organisation.make()
        var change = AccountChange()
        change.group = .some(nil)
        #expect(try org.manager("worldboss", "world-pw").modifyAccounts("eastrep", change).map(\.group) == [nil])
    }

    @Test func groupManagerAddsAccountsOnlyInsideItsScope() throws {
        let org = try Organisation.make()
        let manager = try org.manager("eastboss", "east-pw")
        #expect(throws: PopstoreError.permissionDenied("permission denied: newbie would be outside your scope")) {
            try manager.addAccount(AccountSpec(name: "newbie"))
        }
        var west = AccountSpec(name: "newbie")
        west.group = .some("west")
        #expect(throws: PopstoreError.permissionDenied("permission denied: newbie would be outside your scope")) {
            try manager.addAccount(west)
        }
        var otherDomain = AccountSpec(name: "newbie@other.org")
        otherDomain.group = .some("east")
        #expect(throws: PopstoreError.permissionDenied("permission denied: newbie@other.org would be outside your scope")) {
            try manager.addAccount(otherDomain)
        }
        #expect(try org.profile("newbie") == nil)
        var boston = AccountSpec(name: "newbie")
        boston.group = .some("boston")
        #expect(try manager.addAccount(boston).group == "boston")
    }

    @Test func domainManagerAddsAccountsOnlyInItsDomain() throws {
        let org = try Organisation.make()
        let manager = try org.manager("otherboss@other.org", "other-pw")
        #expect(throws: PopstoreError.permissionDenied("permission denied: newbie would be outside your scope")) {
            try manager.addAccount(AccountSpec(name: "newbie"))
        }
        #expect(try manager.addAccount(AccountSpec(name: "newbie@other.org")).address == "newbie@other.org")
    }

    @Test func groupManagerCannotRenameAnAccountIntoAnotherDomain() throws {
        let org = try Organisation.make()
        let manager = try org.manager("eastboss", "east-pw")
        #expect(throws: PopstoreError.permissionDenied("permission denied: eastrep@other.org would be outside your scope")) {
            try manager.renameAccount("eastrep", to: "eastrep@other.org")
        }
        #expect(try org.profile("eastrep") != nil)
        #expect(try manager.renameAccount("eastrep", to: "eastrep2").address == "eastrep2@example.com")
    }

    @Test func changeOwnPasswordIsRefusedUnderLockpwd() throws {
        let org = try Organisation.make()
        var spec = AccountSpec(name: "locked")
        spec.flags = .lockpwd
        spec.password = "old-pw"
        try org.administrator.addAccount(spec)
        let before = try #require(try org.profile("locked")?.password)
        #expect(throws: PopstoreError.permissionDenied("the password of locked@example.com is locked")) {
            try Operations.changeOwnPassword(store: org.store, account: "locked", current: "old-pw", new: "new-pw")
        }
        #expect(try org.profile("locked")?.password == before)
    }

    @Test func changeOwnPasswordNeedsTheCurrentPassword() throws {
        let org = try Organisation.make()
        #expect(throws: PopstoreError.permissionDenied("authentication failed")) {
            try Operations.changeOwnPassword(store: org.store, account: "worldboss", current: "wrong", new: "new-pw")
        }
        #expect(throws: PopstoreError.permissionDenied("authentication failed")) {
            try Operations.changeOwnPassword(store: org.store, account: "nobody", current: "world-pw", new: "new-pw")
        }
        try Operations.changeOwnPassword(store: org.store, account: "worldboss", current: "world-pw", new: "new-pw")
        #expect(throws: PopstoreError.permissionDenied("authentication failed")) { try org.manager("worldboss", "world-pw") }
        _ = try org.manager("worldboss", "new-pw")
    }

    @Test func clearTextPasswordNeverReachesTheProfileFile() throws {
        let org = try Organisation.make()
        let passwords = ["first-Clear-Text-pw", "second-Clear-Text-pw", "third-Clear-Text-pw"]
        var spec = AccountSpec(name: "secretive")
        spec.password = passwords[0]
        try org.administrator.addAccount(spec)
        var change = AccountChange()
        change.password = passwords[1]
        try org.administrator.modifyAccounts("secretive", change)
        try Operations.changeOwnPassword(store: org.store, account: "secretive", current: passwords[1], new: passwords[2])

        let profiles = org.files(under: "\(org.root)/profiles").filter { $0.path.hasSuffix(".json") }
        let own = profiles.filter { $0.bytes.contains(Array(#""name" : "secretive""#.utf8)) }
        #expect(own.count == 1, "the profile of secretive is among the files read")
        #expect(own.first?.bytes.contains(Array("$scrypt$".utf8)) == true)
        for file in org.files(under: org.root) {
            for password in passwords {
                #expect(!file.bytes.contains(Array(password.utf8)), "\(password) in \(file.path)")
            }
        }
    }
}
