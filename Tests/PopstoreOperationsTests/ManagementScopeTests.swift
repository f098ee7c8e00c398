import Foundation
import PopstoreCore
import PopstoreOperations
import Testing

struct ManagementScopeTests {
    static let example = try! DomainName("example.com")
    static let other = try! DomainName("other.org")
    /// sales -> {east, west}, east -> {boston}.
    static let tree = GroupTree([
        ManagementGroup(name: "sales", subgroups: ["east", "west"]),
        ManagementGroup(name: "east", subgroups: ["boston"]),
        ManagementGroup(name: "west"),
        ManagementGroup(name: "boston"),
    ])

    enum Manager: String, Sendable, CaseIterable, CustomTestStringConvertible {
        case salesManager = "MANAGE in sales, example.com"
        case eastManager = "MANAGE in east, example.com"
        case bostonManager = "MANAGE in boston, example.com"
        case otherEastManager = "MANAGE in east, other.org"
        case worldManager = "MANAGE in no group, example.com (default domain)"
        case otherWorldManager = "MANAGE in no group, other.org"
        case plainAccount = "no MANAGE, in sales, example.com"
        case disabledWorldManager = "MANAGE,DISUSER in no group, example.com"
        case disabledEastManager = "MANAGE,DISUSER in east, example.com"

        var testDescription: String { rawValue }

        var profile: Profile {
            let (domain, group, flags): (DomainName, String?, AccountFlags) =
                switch self {
                case .salesManager: (example, "sales", .manage)
                case .eastManager: (example, "east", .manage)
                case .bostonManager: (example, "boston", .manage)
                case .otherEastManager: (other, "east", .manage)
                case .worldManager: (example, nil, .manage)
                case .otherWorldManager: (other, nil, .manage)
                case .plainAccount: (example, "sales", [])
                case .disabledWorldManager: (example, nil, [.manage, .disuser])
                case .disabledEastManager: (example, "east", [.manage, .disuser])
                }
            return Profile(
                id: AccountID(canonicalName: "manager", domain: domain), volume: "default",
                maildropID: "0123456789abcdef0123456789abcdef", created: Date(timeIntervalSince1970: 0), group: group,
                flags: flags)
        }
    }

    struct Pair: Sendable, CustomTestStringConvertible {
        var manager: Manager
        var domain: DomainName
        var group: String?
        var covered: Bool
        var testDescription: String {
            "\(manager.rawValue) \(covered ? "manages" : "does not manage") \(group ?? "(no group)")@\(domain)"
        }
    }

    /// Target groups, in the column order of `expectations`.
    static let targetGroups: [String?] = ["sales", "east", "west", "boston", nil]

    /// The truth, written out: for each manager and target domain, whether it manages an
    /// account in sales, east, west, boston, and in no group.
    static let expectations: [(Manager, DomainName, [Bool])] = [
        // columns: sales, east, west, boston, no group
        (.salesManager, example, [true, true, true, true, false]),
        (.salesManager, other, [false, false, false, false, false]),
        (.eastManager, example, [false, true, false, true, false]),
        (.eastManager, other, [false, false, false, false, false]),
        (.bostonManager, example, [false, false, false, true, false]),
        (.bostonManager, other, [false, false, false, false, false]),
        (.otherEastManager, example, [false, false, false, false, false]),
        (.otherEastManager, other, [false, true, false, true, false]),
        (.worldManager, example, [true, true, true, true, true]),
        (.worldManager, other, [true, true, true, true, true]),
        (.otherWorldManager, example, [false, false, false, false, false]),
        (.otherWorldManager, other, [true, true, true, true, true]),
        (.plainAccount, example, [false, false, false, false, false]),
        (.plainAccount, other, [false, false, false, false, false]),
        (.disabledWorldManager, example, [false, false, false, false, false]),
        (.disabledWorldManager, other, [false, false, false, false, false]),
        (.disabledEastManager, example, [false, false, false, false, false]),
        (.disabledEastManager, other, [false, false, false, false, false]),
    ]

    static let pairs: [Pair] = expectations.flatMap { manager, domain, row in
        zip(targetGroups, row).map { Pair(manager: manager, domain: domain, group: $0, covered: $1) }
    }

    @Test func tableCoversEveryManagerAndTarget() {
        #expect(Self.pairs.count == Manager.allCases.count * 2 * Self.targetGroups.count)
        for manager in Manager.allCases {
            #expect(Self.expectations.filter { $0.0 == manager }.count == 2, "\(manager.rawValue)")
        }
    }

    @Test(arguments: pairs)
    func covers(_ pair: Pair) {
        let covered = ManagementScope.covers(
            manager: pair.manager.profile, domain: pair.domain, group: pair.group, defaultDomain: Self.example,
            subtree: Self.tree.subtree)
        #expect(covered == pair.covered)
    }

    /// Whether each manager manages the whole of example.com and of other.org (forwardings,
    /// the DEFAULT template).
    static let domainManagers: [(Manager, Bool, Bool)] = [
        (.salesManager, false, false),
        (.eastManager, false, false),
        (.bostonManager, false, false),
        (.otherEastManager, false, false),
        (.worldManager, true, true),
        (.otherWorldManager, false, true),
        (.plainAccount, false, false),
        (.disabledWorldManager, false, false),
        (.disabledEastManager, false, false),
    ]

    @Test(arguments: domainManagers)
    func coversDomain(manager: Manager, example: Bool, other: Bool) {
        #expect(ManagementScope.coversDomain(manager: manager.profile, domain: Self.example, defaultDomain: Self.example) == example)
        #expect(ManagementScope.coversDomain(manager: manager.profile, domain: Self.other, defaultDomain: Self.example) == other)
    }

    /// Whether each manager manages the store itself.
    static let storeManagers: [(Manager, Bool)] = [
        (.salesManager, false),
        (.eastManager, false),
        (.bostonManager, false),
        (.otherEastManager, false),
        (.worldManager, true),
        (.otherWorldManager, false),
        (.plainAccount, false),
        (.disabledWorldManager, false),
        (.disabledEastManager, false),
    ]

    @Test(arguments: storeManagers)
    func coversStore(manager: Manager, expected: Bool) {
        #expect(ManagementScope.coversStore(manager: manager.profile, defaultDomain: Self.example) == expected)
    }
}

struct GroupTreeTests {
    @Test func subtreeHoldsTheGroupAndEverythingBelow() {
        let tree = ManagementScopeTests.tree
        #expect(tree.subtree("sales") == ["sales", "east", "west", "boston"])
        #expect(tree.subtree("east") == ["east", "boston"])
        #expect(tree.subtree("boston") == ["boston"])
        #expect(tree.subtree("unknown") == ["unknown"])
    }

    @Test func cycleInDamagedDataTerminates() {
        let tree = GroupTree([
            ManagementGroup(name: "a", subgroups: ["b"]),
            ManagementGroup(name: "b", subgroups: ["c"]),
            ManagementGroup(name: "c", subgroups: ["a", "d"]),
            ManagementGroup(name: "self", subgroups: ["self"]),
        ])
        #expect(tree.subtree("a") == ["a", "b", "c", "d"])
        #expect(tree.subtree("c") == ["a", "b", "c", "d"])
        #expect(tree.subtree("self") == ["self"])
    }

    @Test func diamondIsVisitedOnce() {
        let tree = GroupTree([
            ManagementGroup(name: "top", subgroups: ["left", "right"]),
            ManagementGroup(name: "left", subgroups: ["bottom"]),
            ManagementGroup(name: "right", subgroups: ["bottom"]),
        ])
        #expect(tree.subtree("top") == ["top", "left", "right", "bottom"])
    }
}
