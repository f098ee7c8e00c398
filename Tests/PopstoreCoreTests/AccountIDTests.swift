import Foundation
import PopstoreCore
import Testing

struct AccountIDTests {
    static let defaultDomain = try! DomainName("example.com")

    func parse(_ raw: String) throws(PopstoreError) -> AccountID {
        try AccountID(parsing: raw, defaultDomain: AccountIDTests.defaultDomain, rules: .default)
    }

    @Test(arguments: [
        ("jdoe", "jdoe", "example.com"),
        ("JDoe", "jdoe", "example.com"),
        ("jdoe@other.org", "jdoe", "other.org"),
        ("NAME@Example.COM", "name", "example.com"),
        ("J.Doe-2@Sub.Other.ORG", "j.doe-2", "sub.other.org"),
    ])
    func parses(raw: String, name: String, domain: String) throws {
        let id = try parse(raw)
        #expect(id.name == name)
        #expect(id.domain.value == domain)
        #expect(id.address == "\(name)@\(domain)")
        #expect(id.description == id.address)
    }

    @Test(arguments: [
        "",
        "@example.com",
        "jdoe@",
        "jdoe@bad_domain",
        "a@b@example.com",
        "../x@example.com",
        "\u{430}dmin@example.com",
        "jdoe@example.com/../x",
    ])
    func refuses(raw: String) {
        let error = #expect(throws: PopstoreError.self) { try parse(raw) }
        guard case .invalidInput? = error else {
            Issue.record("expected .invalidInput, got \(String(describing: error))")
            return
        }
    }

    @Test func namesTheKindInTheError() {
        #expect(throws: PopstoreError.invalidInput(#"invalid account name "a b": character " " is not allowed"#)) {
            try parse("a b@example.com")
        }
    }

    @Test(arguments: ["jdoe", "jdoe@other.org", "x.y_z-1@sub.example.com"])
    func storedAddressRoundTrip(raw: String) throws {
        let id = try parse(raw)
        #expect(try AccountID(storedAddress: id.address) == id)
    }

    @Test(arguments: ["jdoe", "@example.com", ""])
    func storedAddressWithoutNameIsDamaged(stored: String) {
        #expect(throws: PopstoreError.permanent("damaged stored address")) { try AccountID(storedAddress: stored) }
    }

    @Test func displayIsShortInTheDefaultDomainOnly() throws {
        #expect(try parse("jdoe").display(defaultDomain: AccountIDTests.defaultDomain) == "jdoe")
        #expect(try parse("jdoe@other.org").display(defaultDomain: AccountIDTests.defaultDomain) == "jdoe@other.org")
    }

    @Test func ordersByDomainThenName() throws {
        let ids = try ["zed", "amy@other.org", "bob", "amy"].map { (raw) throws(PopstoreError) in try parse(raw) }
        #expect(ids.sorted().map(\.address) == ["amy@example.com", "bob@example.com", "zed@example.com", "amy@other.org"])
    }

    @Test func codableRoundTrip() throws {
        let id = try parse("jdoe@other.org")
        #expect(try JSONDecoder().decode(AccountID.self, from: JSONEncoder().encode(id)) == id)
    }
}
