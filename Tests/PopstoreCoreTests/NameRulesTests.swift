import PopstoreCore
import Testing

struct NameRulesTests {
    /// A name from the outside, with a label that a test report can print.
    struct HostileName: Sendable, CustomTestStringConvertible {
        var raw: String
        var testDescription: String
    }

    static let hostileNames: [HostileName] = [
        HostileName(raw: "../x", testDescription: "parent directory path"),
        HostileName(raw: "..", testDescription: "parent directory"),
        HostileName(raw: ".", testDescription: "current directory"),
        HostileName(raw: "a/b", testDescription: "slash inside"),
        HostileName(raw: "/etc/passwd", testDescription: "absolute path"),
        HostileName(raw: "a\u{0}b", testDescription: "NUL inside"),
        HostileName(raw: String(repeating: "a", count: 10_000), testDescription: "10,000 characters"),
        HostileName(raw: "\u{430}dmin", testDescription: "Cyrillic a in admin"),
        HostileName(raw: "\u{FF41}dmin", testDescription: "fullwidth a in admin"),
        HostileName(raw: "adm\u{131}n", testDescription: "dotless i in admin"),
        HostileName(raw: "\u{212A}im", testDescription: "Kelvin sign, which Unicode lower-cases to k"),
        HostileName(raw: "\u{130}nfo", testDescription: "capital I with dot above"),
        HostileName(raw: "e\u{301}", testDescription: "combining acute accent"),
        HostileName(raw: "caf\u{E9}", testDescription: "precomposed e acute"),
        HostileName(raw: "", testDescription: "empty"),
        HostileName(raw: "j doe", testDescription: "space inside"),
        HostileName(raw: " jdoe", testDescription: "leading space"),
        HostileName(raw: "jdoe\t", testDescription: "trailing tab"),
        HostileName(raw: "a\nb", testDescription: "line feed inside"),
        HostileName(raw: "a\r\nRCPT", testDescription: "CRLF inside"),
        HostileName(raw: "\u{1B}[31mred", testDescription: "terminal escape sequence"),
        HostileName(raw: "a\u{7F}", testDescription: "DEL"),
        HostileName(raw: "a\u{202E}b", testDescription: "right-to-left override"),
        HostileName(raw: "a\u{200B}b", testDescription: "zero-width space"),
        HostileName(raw: "jdoe@example.com", testDescription: "at sign"),
        HostileName(raw: "a+b", testDescription: "plus, not in the default set"),
        HostileName(raw: "a\"b", testDescription: "double quote"),
        HostileName(raw: "a\\b", testDescription: "backslash"),
        HostileName(raw: ".jdoe", testDescription: "leading dot"),
        HostileName(raw: "-jdoe", testDescription: "leading hyphen"),
        HostileName(raw: "-", testDescription: "hyphen alone"),
    ]

    @Test(arguments: [
        ("JDoe", "jdoe"),
        ("jdoe", "jdoe"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"),
        ("J.Doe_2-X", "j.doe_2-x"),
        ("0123456789", "0123456789"),
        ("a", "a"),
        ("_x", "_x"),
        ("jdoe.", "jdoe."),
        ("jdoe-", "jdoe-"),
        ("a..b", "a..b"),
    ])
    func foldsToCanonicalForm(raw: String, canonical: String) throws {
        #expect(try NameRules.default.canonicalName(raw) == canonical)
    }

    @Test func acceptsEveryDefaultCharacterAfterTheFirst() throws {
        let all = "x" + NameRules.defaultAllowedCharacters
        #expect(try NameRules.default.canonicalName(all) == all)
    }

    @Test func acceptsSixtyFourCharactersAndRefusesSixtyFive() throws {
        let longest = String(repeating: "a", count: 64)
        #expect(NameRules.defaultMaximumLength == 64)
        #expect(try NameRules.default.canonicalName(longest) == longest)
        let error = #expect(throws: PopstoreError.self) { try NameRules.default.canonicalName(longest + "a") }
        #expect(error == .invalidInput("invalid name \"\(longest)a\": longer than 64 characters"))
    }

    @Test(arguments: hostileNames)
    func refusesHostileName(_ name: HostileName) {
        do {
            let accepted = try NameRules.default.canonicalName(name.raw)
            Issue.record("accepted as \(NameRules.printable(accepted))")
        } catch {
            guard case .invalidInput(let message) = error else {
                Issue.record("expected .invalidInput, got \(error)")
                return
            }
            #expect(message.hasPrefix("invalid name"))
            #expect(message.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }, "error text: \(message)")
            #expect(message.count < 250)
        }
    }

    @Test func errorTextEscapesControlCharactersAndUnicode() {
        #expect(throws: PopstoreError.invalidInput(#"invalid name "a\u{0}b": character "\u{0}" is not allowed"#)) {
            try NameRules.default.canonicalName("a\u{0}b")
        }
        #expect(throws: PopstoreError.invalidInput(#"invalid name "\u{212a}im": character "\u{212a}" is not allowed"#)) {
            try NameRules.default.canonicalName("\u{212A}im")
        }
        #expect(throws: PopstoreError.invalidInput(#"invalid name "\u{1b}[31m": character "\u{1b}" is not allowed"#)) {
            try NameRules.default.canonicalName("\u{1B}[31m")
        }
    }

    @Test func errorTextNamesTheKindAndTheReason() {
        #expect(throws: PopstoreError.invalidInput("invalid group name: empty")) {
            try NameRules.default.canonicalName("", kind: "group name")
        }
        #expect(throws: PopstoreError.invalidInput(#"invalid account name ".x": may not start with '.' or '-'"#)) {
            try NameRules.default.canonicalName(".x", kind: "account name")
        }
        #expect(throws: PopstoreError.invalidInput(#"invalid name "a b": character " " is not allowed"#)) {
            try NameRules.default.canonicalName("a b")
        }
    }

    @Test func printableShortensLongNames() {
        let shown = NameRules.printable(String(repeating: "a", count: 10_000))
        #expect(shown == "\"" + String(repeating: "a", count: 80) + "...\"")
    }

    @Test func customCharacterSetAddsCharacters() throws {
        let rules = NameRules(allowedCharacters: NameRules.defaultAllowedCharacters + "+", maximumLength: 64)
        #expect(try rules.canonicalName("A+B") == "a+b")
        #expect(throws: PopstoreError.self) { try NameRules.default.canonicalName("a+b") }
    }

    @Test func customCharacterSetCannotAllowSlashOrNUL() throws {
        let rules = NameRules(allowedCharacters: NameRules.defaultAllowedCharacters + "/\u{0}", maximumLength: 64)
        #expect(try rules.canonicalName("ab") == "ab")
        #expect(throws: PopstoreError.invalidInput(#"invalid name "a/b": character "/" is not allowed"#)) {
            try rules.canonicalName("a/b")
        }
        #expect(throws: PopstoreError.invalidInput(#"invalid name "a\u{0}b": character "\u{0}" is not allowed"#)) {
            try rules.canonicalName("a\u{0}b")
        }
    }

    @Test func customCharacterSetStillRefusesLeadingDotAndHyphen() {
        let rules = NameRules(allowedCharacters: "abc.-", maximumLength: 64)
        #expect(throws: PopstoreError.self) { try rules.canonicalName(".abc") }
        #expect(throws: PopstoreError.self) { try rules.canonicalName("-abc") }
        #expect(throws: PopstoreError.self) { try rules.canonicalName("abd") }
    }

    @Test func customMaximumLength() throws {
        let rules = NameRules(allowedCharacters: NameRules.defaultAllowedCharacters, maximumLength: 8)
        #expect(try rules.canonicalName("abcdefgh") == "abcdefgh")
        #expect(throws: PopstoreError.invalidInput(#"invalid name "abcdefghi": longer than 8 characters"#)) {
            try rules.canonicalName("abcdefghi")
        }
    }
}
