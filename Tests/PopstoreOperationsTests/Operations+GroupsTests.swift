import PopstoreCore
import PopstoreOperations
import Testing

struct OperationsGroupsTests {
    /// Group name to sorted subgroups, as the administrator sees them.
    func layout(_ org: TemporaryStore) throws -> [String: [String]] {
        Dictionary(uniqueKeysWithValues: try org.administrator.groups().map { ($0.name, $0.subgroups.sorted()) })
    }

    static let initialLayout = ["boston": [], "east": ["boston"], "sales": ["east", "west"], "west": []]

    @Test func addGroupCreatesMissingSubgroups() throws {
        let org = try TemporaryStore()
        let view = try org.administrator.addGroup("Sales", subgroups: ["east", "West", "east"])
        #expect(view.name == "sales")
        #expect(view.subgroups == ["east", "west"])
        #expect(try layout(org) == ["sales": ["east", "west"], "east": [], "west": []])
    }

    @Test func addGroupRefusesACycle() throws {
        let org = try Organisation.make()
        #expect(throws: PopstoreError.invalidInput("group loop contains loop: groups cannot nest in a cycle")) {
            try org.administrator.addGroup("loop", subgroups: ["loop"])
        }
        #expect(try layout(org) == Self.initialLayout)
    }

    @Test func modifyGroupRefusesACycle() throws {
        let org = try Organisation.make()
        #expect(throws: PopstoreError.invalidInput("group sales contains boston: groups cannot nest in a cycle")) {
            try org.administrator.modifyGroup("boston", subgroups: nil, adding: ["sales"])
        }
        #expect(throws: PopstoreError.invalidInput("group east contains east: groups cannot nest in a cycle")) {
            try org.administrator.modifyGroup("east", subgroups: ["boston", "east"])
        }
        #expect(try layout(org) == Self.initialLayout)
    }

    @Test func addGroupRefusesAnExistingGroup() throws {
        let org = try Organisation.make()
        #expect(throws: PopstoreError.self) { try org.administrator.addGroup("east", subgroups: []) }
        #expect(try layout(org) == Self.initialLayout)
    }

    @Test func removeGroupKeepsItsAccountsAndLeavesItsParents() throws {
        let org = try Organisation.make()
        try org.administrator.removeGroup("east")
        #expect(try layout(org) == ["boston": [], "sales": ["west"], "west": []])
        #expect(try org.profile("eastrep")?.group == "east")
        #expect(try org.profile("eastboss")?.group == "east")
        // No manager above reaches them through the removed group any more.
        let sales = try org.manager("salesboss", "sales-pw")
        #expect(
            try sales.accounts(matching: nil).map(\.address) == [
                "pleb@example.com", "salesboss@example.com", "salesrep@example.com", "westrep@example.com",
            ])
    }

    @Test func removeGroupOfAnUnknownGroup() throws {
        let org = try Organisation.make()
        #expect(throws: PopstoreError.notFound("no such group: north")) { try org.administrator.removeGroup("north") }
    }

    @Test(arguments: [["west"], ["sales"]])
    func groupManagerCannotAddAnOutsideGroupBelowItsOwn(outside: [String]) throws {
        let org = try Organisation.make()
        let manager = try org.manager("eastboss", "east-pw")
        let denied = PopstoreError.permissionDenied("permission denied: group \(outside[0]) is outside your scope")
        #expect(throws: denied) { try manager.modifyGroup("east", subgroups: nil, adding: outside) }
        #expect(throws: denied) { try manager.modifyGroup("east", subgroups: ["boston"] + outside) }
        #expect(throws: denied) { try manager.modifyGroup("boston", subgroups: nil, adding: outside) }
        #expect(try layout(org) == Self.initialLayout)
        #expect(throws: PopstoreError.notFound("no such account: westrep")) { try manager.accounts(matching: "westrep") }
    }

    @Test(arguments: ["sales", "west"])
    func groupManagerCannotChangeAGroupOutsideItsSubtree(group: String) throws {
        let org = try Organisation.make()
        let manager = try org.manager("eastboss", "east-pw")
        #expect(throws: PopstoreError.permissionDenied("permission denied: group \(group) is outside your scope")) {
            try manager.modifyGroup(group, subgroups: nil, adding: ["extra"])
        }
        #expect(throws: PopstoreError.permissionDenied("permission denied: group \(group) is outside your scope")) {
            try manager.removeGroup(group)
        }
        #expect(try layout(org) == Self.initialLayout)
    }

    @Test func groupManagerCanHangANewGroupBelowItsOwn() throws {
        let org = try Organisation.make()
        let manager = try org.manager("eastboss", "east-pw")
        #expect(try manager.modifyGroup("east", subgroups: nil, adding: ["North"]).subgroups == ["boston", "north"])
        #expect(try manager.groups().map(\.name).sorted() == ["boston", "east", "north"])
    }

    @Test func groupManagerCannotRemoveItsOwnGroup() throws {
        let org = try Organisation.make()
        let manager = try org.manager("eastboss", "east-pw")
        #expect(throws: PopstoreError.permissionDenied("permission denied: a manager cannot remove its own group")) {
            try manager.removeGroup("east")
        }
        #expect(try layout(org) == Self.initialLayout)
        try manager.removeGroup("boston")
        #expect(try layout(org) == ["east": [], "sales": ["east", "west"], "west": []])
    }

    @Test func groupManagerCannotCreateGroups() throws {
        let org = try Organisation.make()
        #expect(throws: PopstoreError.permissionDenied("permission denied: group north is outside your scope")) {
            try org.manager("eastboss", "east-pw").addGroup("north", subgroups: [])
        }
        #expect(throws: PopstoreError.permissionDenied("permission denied: groups are managed by the administrator or group managers")) {
            try org.manager("otherboss@other.org", "other-pw").addGroup("north", subgroups: [])
        }
        #expect(try org.manager("worldboss", "world-pw").addGroup("north", subgroups: []).name == "north")
    }

    @Test func groupManagerSeesOnlyItsSubtree() throws {
        let org = try Organisation.make()
        #expect(try org.manager("eastboss", "east-pw").groups().map(\.name).sorted() == ["boston", "east"])
        #expect(try org.manager("worldboss", "world-pw").groups().map(\.name).sorted() == ["boston", "east", "sales", "west"])
    }

    /// After the administrator removes a group, its accounts still name it. A group
    /// manager that then hangs a "new" group of that name below its own would take over
    /// those accounts, which were never in its scope.
    @Test func reusingARemovedGroupNameDoesNotWidenAManagersScope() throws {
        let org = try Organisation.make()
        try org.administrator.removeGroup("west")
        #expect(try org.profile("westrep")?.group == "west")
        let manager = try org.manager("eastboss", "east-pw")
        let before = try manager.accounts(matching: nil).map(\.address)
        #expect(!before.contains("westrep@example.com"))

        _ = try? manager.modifyGroup("east", subgroups: nil, adding: ["west"])

        #expect(try manager.accounts(matching: nil).map(\.address) == before)
        var change = AccountChange()
        change.owner = "taken over"
        #expect(throws: PopstoreError.notFound("no such account: westrep")) { try manager.modifyAccounts("westrep", change) }
        #expect(try org.profile("westrep")?.owner == "")
    }
}
