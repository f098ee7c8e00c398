import Foundation
import PopstoreCore
import Testing

struct AccountFlagsTests {
    static let lists: [(String, AccountFlags)] = [
        ("", []),
        ("MANAGE", [.manage]),
        ("manage", [.manage]),
        ("Manage,DisMail", [.manage, .dismail]),
        (" lockpwd , pwd_elsewhere ", [.lockpwd, .pwdElsewhere]),
        ("manage,,migrated", [.manage, .migrated]),
        ("DISUSER,disuser", [.disuser]),
        (
            "dismail,disuser,lockpwd,manage,migrated,pwd_elsewhere",
            [.dismail, .disuser, .lockpwd, .manage, .migrated, .pwdElsewhere]
        ),
    ]

    @Test(arguments: lists)
    func parsesCaseInsensitiveLists(list: String, flags: AccountFlags) throws {
        #expect(try AccountFlags(parsing: list) == flags)
    }

    @Test(arguments: [
        ("MANAGE,ADMIN", "ADMIN"),
        ("PWD-ELSEWHERE", "PWD-ELSEWHERE"),
        ("manage;dismail", "manage;dismail"),
        ("root\u{0}", "root\\u{0}"),
    ])
    func refusesUnknownFlags(list: String, shown: String) {
        #expect(
            throws: PopstoreError.invalidInput(
                "unknown flag \"\(shown)\"; known: DISMAIL, DISUSER, LOCKPWD, MANAGE, MIGRATED, PWD_ELSEWHERE")
        ) { try AccountFlags(parsing: list) }
    }

    @Test func namesComeInDisplayOrder() {
        let all: AccountFlags = [.pwdElsewhere, .migrated, .manage, .lockpwd, .disuser, .dismail]
        #expect(all.names == ["DISMAIL", "DISUSER", "LOCKPWD", "MANAGE", "MIGRATED", "PWD_ELSEWHERE"])
        #expect(AccountFlags([.manage, .dismail]).names == ["DISMAIL", "MANAGE"])
        #expect(AccountFlags().names == [])
    }

    @Test func namesParseBack() throws {
        let flags: AccountFlags = [.lockpwd, .migrated]
        #expect(try AccountFlags(parsing: flags.names.joined(separator: ",")) == flags)
    }

    @Test func codableRoundTripAsNames() throws {
        let flags: AccountFlags = [.manage, .dismail, .pwdElsewhere]
        let data = try JSONEncoder().encode(flags)
        #expect(String(decoding: data, as: UTF8.self) == #"["DISMAIL","MANAGE","PWD_ELSEWHERE"]"#)
        #expect(try JSONDecoder().decode(AccountFlags.self, from: data) == flags)
        #expect(try JSONDecoder().decode(AccountFlags.self, from: Data(#"["manage"]"#.utf8)) == .manage)
    }

    @Test func decodingRefusesAnUnknownFlag() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(AccountFlags.self, from: Data(#"["MANAGE","ADMIN"]"#.utf8))
        }
    }
}
