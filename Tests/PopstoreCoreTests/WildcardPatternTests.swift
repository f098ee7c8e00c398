import PopstoreCore
import Testing

struct WildcardPatternTests {
    @Test(arguments: [
        ("*", "", true),
        ("*", "anything", true),
        ("**", "", true),
        ("?", "a", true),
        ("?", "", false),
        ("?", "ab", false),
        ("??", "ab", true),
        ("j*", "jdoe", true),
        ("j*", "j", true),
        ("j*", "ajdoe", false),
        ("*doe", "jdoe", true),
        ("*doe", "jdoex", false),
        ("j?oe", "jdoe", true),
        ("j?oe", "joe", false),
        ("j?oe", "jdooe", false),
        ("*o*e", "jdoe", true),
        ("a*b?c", "axxbyc", true),
        ("a*b?c", "axxbc", false),
        ("*a*a", "aa", true),
        ("*a*a", "a", false),
        ("*.example.com", "mail.example.com", true),
        ("*.example.com", "example.com", false),
        ("jdoe", "jdoe", true),
        ("jdoe", "jdoex", false),
        ("jdoe", "jdo", false),
        ("", "", true),
        ("", "a", false),
    ])
    func matches(pattern: String, name: String, expected: Bool) {
        #expect(WildcardPattern(pattern).matches(name) == expected)
    }

    /// Canonical names are lower case; the pattern is folded to meet them.
    @Test(arguments: [
        ("JDoe", "jdoe", true),
        ("J*", "jdoe", true),
        ("*.COM", "example.com", true),
        ("J?OE", "jdoe", true),
        ("JDoe", "jdoex", false),
    ])
    func patternIsCaseInsensitive(pattern: String, name: String, expected: Bool) {
        #expect(WildcardPattern(pattern).matches(name) == expected)
    }

    @Test(arguments: [("*", true), ("a?", true), ("a*b", true), ("jdoe", false), ("", false)])
    func hasWildcards(pattern: String, expected: Bool) {
        #expect(WildcardPattern(pattern).hasWildcards == expected)
    }

    /// A backtracking matcher takes exponential time here; this one is linear per star.
    @Test func hostilePatternCompletes() {
        let pattern = WildcardPattern(String(repeating: "*a", count: 200))
        #expect(!pattern.matches(String(repeating: "a", count: 9_999) + "b"))
        #expect(!pattern.matches(String(repeating: "b", count: 10_000)))
        #expect(pattern.matches(String(repeating: "a", count: 10_000)))
    }
}
