import PopstoreCore
import PopstoreOperations
import Testing

struct OperationsTests {
    struct Login: Sendable, CustomTestStringConvertible {
        var account: String
        var password: String
        /// nil: the login succeeds.
        var error: PopstoreError?
        var testDescription: String
    }

    static let authenticationFailed = PopstoreError.permissionDenied("authentication failed")

    static let logins: [Login] = [
        Login(account: "eastboss", password: "east-pw", error: nil, testDescription: "group manager"),
        Login(account: "EastBoss", password: "east-pw", error: nil, testDescription: "name in another case"),
        Login(account: "otherboss@other.org", password: "other-pw", error: nil, testDescription: "manager in another domain"),
        Login(account: "eastboss", password: "wrong", error: authenticationFailed, testDescription: "wrong password"),
        Login(account: "eastboss", password: "East-pw", error: authenticationFailed, testDescription: "password in another case"),
        Login(account: "eastboss", password: "", error: authenticationFailed, testDescription: "empty password"),
        Login(account: "nobody", password: "east-pw", error: authenticationFailed, testDescription: "unknown account"),
        Login(account: "otherboss", password: "other-pw", error: authenticationFailed, testDescription: "right name, wrong domain"),
        Login(account: "../eastboss", password: "east-pw", error: authenticationFailed, testDescription: "invalid name"),
        Login(account: "eastboss@nowhere.net", password: "east-pw", error: authenticationFailed, testDescription: "unknown domain"),
        Login(account: "salesrep", password: "", error: authenticationFailed, testDescription: "account without a password"),
        Login(
            account: "disabledboss", password: "disabled-pw", error: authenticationFailed,
            testDescription: "DISUSER manager, right password"),
        Login(
            account: "pleb", password: "pleb-pw", error: .permissionDenied("pleb@example.com may not manage accounts"),
            testDescription: "account without MANAGE, right password"),
        Login(account: "pleb", password: "wrong", error: authenticationFailed, testDescription: "account without MANAGE, wrong password"),
    ]

    @Test(arguments: logins)
    func asManager(_ login: Login) throws {
        let org = try Organisation.make()
        do {
            let operations = try Operations.asManager(store: org.store, account: login.account, password: login.password)
            #expect(login.error == nil, "logged in")
            guard case .manager(let profile) = operations.caller else {
                Issue.record("caller is not a manager")
                return
            }
            #expect(profile.id == (try operations.accountID(login.account)))
        } catch {
            #expect(error == login.error)
        }
    }

    @Test func pwdElsewhereManagerCannotLogInWithTheStoredPassword() throws {
        let org = try Organisation.make()
        var spec = AccountSpec(name: "elsewhere")
        spec.flags = [.manage, .pwdElsewhere]
        spec.password = "elsewhere-pw"
        try org.administrator.addAccount(spec)
        #expect(throws: Self.authenticationFailed) {
            try Operations.asManager(store: org.store, account: "elsewhere", password: "elsewhere-pw")
        }
    }

    @Test func managerActsWithTheProfileItLoggedInAs() throws {
        let org = try Organisation.make()
        let operations = try org.manager("eastboss", "east-pw")
        guard case .manager(let profile) = operations.caller else {
            Issue.record("caller is not a manager")
            return
        }
        #expect(profile.name == "eastboss")
        #expect(profile.group == "east")
        #expect(profile.flags == .manage)
    }
}
