import PopstoreCore
import PopstoreOperations

/// The organisation most operation tests run against.
///
/// Domains example.com (the default) and other.org. Groups (store-wide):
/// sales -> {east, west}, east -> {boston}.
enum Organisation {
    struct Member {
        var name: String
        var group: String?
        var flags: AccountFlags
        var password: String?
    }

    static let members: [Member] = [
        Member(name: "salesrep", group: "sales", flags: [], password: nil),
        Member(name: "eastrep", group: "east", flags: [], password: nil),
        Member(name: "westrep", group: "west", flags: [], password: nil),
        Member(name: "bostonrep", group: "boston", flags: [], password: nil),
        Member(name: "loner", group: nil, flags: [], password: nil),
        Member(name: "pleb", group: "sales", flags: [], password: "pleb-pw"),
        Member(name: "salesboss", group: "sales", flags: .manage, password: "sales-pw"),
        Member(name: "eastboss", group: "east", flags: .manage, password: "east-pw"),
        Member(name: "bostonboss", group: "boston", flags: .manage, password: "boston-pw"),
        Member(name: "worldboss", group: nil, flags: .manage, password: "world-pw"),
        Member(name: "disabledboss", group: "east", flags: [.manage, .disuser], password: "disabled-pw"),
        Member(name: "otherrep@other.org", group: nil, flags: [], password: nil),
        Member(name: "othereast@other.org", group: "east", flags: [], password: nil),
        Member(name: "otherboss@other.org", group: nil, flags: .manage, password: "other-pw"),
    ]

    /// A new temporary store holding the organisation, built as the administrator.
    static func make() throws -> TemporaryStore {
        let temporary = try TemporaryStore()
        let admin = temporary.administrator
        try admin.addDomain("other.org")
        try admin.addGroup("boston", subgroups: [])
        try admin.addGroup("east", subgroups: ["boston"])
        try admin.addGroup("west", subgroups: [])
        try admin.addGroup("sales", subgroups: ["east", "west"])
        for member in members {
            var spec = AccountSpec(name: member.name)
            spec.group = .some(member.group)
            spec.flags = member.flags
            spec.password = member.password
            try admin.addAccount(spec)
        }
        return temporary
    }
}
