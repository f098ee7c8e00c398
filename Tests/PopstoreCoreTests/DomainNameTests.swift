import Foundation
import PopstoreCore
import Testing

struct DomainNameTests {
    static let longestLabel = String(repeating: "a", count: 63)
    /// 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 octets.
    static let longestDomain = [longestLabel, longestLabel, longestLabel, String(repeating: "d", count: 61)]
        .joined(separator: ".")

    @Test(arguments: [
        ("example.com", "example.com"),
        ("Example.COM", "example.com"),
        ("localhost", "localhost"),
        ("a-b.c0.org", "a-b.c0.org"),
        ("123.example", "123.example"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        (longestLabel + ".com", longestLabel + ".com"),
        (longestDomain, longestDomain),
    ])
    func acceptsAndFolds(raw: String, value: String) throws {
        let domain = try DomainName(raw)
        #expect(domain.value == value)
        #expect(domain.description == value)
    }

    @Test(arguments: [
        "",
        ".",
        ".example.com",
        "example.com.",
        "example..com",
        "-example.com",
        "example-.com",
        "exa_mple.com",
        "exa mple.com",
        "example.com/x",
        "example.com\u{0}",
        "user@example.com",
        String(repeating: "a", count: 64) + ".com",
        longestDomain + "d",
        "b\u{FC}cher.de",
        "\u{430}pple.com",
        "\u{FF45}xample.com",
    ])
    func refuses(raw: String) {
        #expect(throws: PopstoreError.invalidInput("invalid domain \(NameRules.printable(raw))")) { try DomainName(raw) }
    }

    /// Like account names, a domain is folded by ASCII rules only: a non-ASCII letter
    /// that Unicode lower-cases to an ASCII one (KELVIN SIGN to `k`) is not an RFC 5321
    /// domain and must be refused, not folded into another domain.
    @Test(arguments: ["\u{212A}ids.org", "example.co\u{212A}"])
    func refusesNonASCIILettersThatLowerCaseToASCII(raw: String) {
        #expect(throws: PopstoreError.invalidInput("invalid domain \(NameRules.printable(raw))")) { try DomainName(raw) }
    }

    @Test func codableRoundTripAndFolding() throws {
        let domain = try DomainName("example.com")
        let data = try JSONEncoder().encode([domain])
        #expect(String(decoding: data, as: UTF8.self) == #"["example.com"]"#)
        #expect(try JSONDecoder().decode([DomainName].self, from: data) == [domain])
        #expect(try JSONDecoder().decode([DomainName].self, from: Data(#"["EXAMPLE.com"]"#.utf8)) == [domain])
    }

    @Test func decodingRefusesAnInvalidDomain() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([DomainName].self, from: Data(#"["../etc"]"#.utf8))
        }
    }

    @Test func ordersByValue() throws {
        let names = try ["b.org", "a.com", "A.net"].map { (raw) throws(PopstoreError) in try DomainName(raw) }
        #expect(names.sorted().map(\.value) == ["a.com", "a.net", "b.org"])
        #expect(try DomainName("EXAMPLE.com") == DomainName("example.COM"))
    }
}
