import Testing

@testable import Sieve

@Suite struct SieveMatcherTests {
    private func matches(_ value: String, _ pattern: String, _ comparator: SieveComparator = .asciiCasemap) -> [String]? {
        var steps = 0
        let outcome = SieveMatcher.match(values: [value], keys: [pattern], type: .matches, comparator: comparator, steps: &steps)
        return outcome.matched ? outcome.captures : nil
    }

    @Test(arguments: [
        ("frop:frup:frop", "*:*:*", true), ("abc", "a?c", true), ("abc", "a?", false), ("", "*", true), ("", "?", false),
        ("a*c", "a\\*c", true), ("abc", "a\\*c", false), ("a?c", "a\\?c", true), ("a\\c", "a\\\\c", true),
        ("Hello World", "hello*", true), ("x", "", false), ("", "", true), ("abcd", "*b*d", true), ("abcd", "*b*c", false),
    ])
    func wildcards(value: String, pattern: String, expected: Bool) {
        #expect((matches(value, pattern) != nil) == expected)
    }

    /// RFC 5229 §3.2 and the variables examples: wildcards take as little as they can.
    @Test func capturesAreNonGreedyLeftToRight() {
        #expect(
            matches("frop.......frop.........frop....", "?*frop*") == [
                "frop.......frop.........frop....", "f", "rop.......", ".........frop....",
            ])
        #expect(matches("Dovecot Mailing List <dovecot@dovecot.example.net>", "*<*@*")?[2] == "dovecot")
        #expect(
            matches("[acme-users] [fwd] version 1.0 is out", "[*] *") == [
                "[acme-users] [fwd] version 1.0 is out", "acme-users", "[fwd] version 1.0 is out",
            ])
        #expect(matches("ABC", "a*")?[1] == "BC")
    }

    /// A pattern that costs exponential time with naive backtracking finishes quickly and
    /// within a quadratic step count.
    @Test func pathologicalPatternIsBounded() {
        let text = String(repeating: "a", count: 10_000)
        var steps = 0
        let outcome = SieveMatcher.match(
            values: [text], keys: ["*a*a*a*a*a*a*a*a*a*a*b"], type: .matches, comparator: .octet, steps: &steps)
        #expect(!outcome.matched)
        #expect(steps < 2 * 10_000 * 23)
    }

    @Test func containsAndIs() {
        var steps = 0
        #expect(SieveMatcher.match(values: ["Hello"], keys: ["ELL"], type: .contains, comparator: .asciiCasemap, steps: &steps).matched)
        #expect(!SieveMatcher.match(values: ["Hello"], keys: ["ELL"], type: .contains, comparator: .octet, steps: &steps).matched)
        #expect(SieveMatcher.match(values: ["x"], keys: [""], type: .contains, comparator: .octet, steps: &steps).matched)
    }

    /// RFC 4790 §9.1 and RFC 5231 §4.
    @Test(arguments: [
        ("10", "9", SieveRelation.gt, true), ("009", "9", .eq, true), ("abc", "999999", .gt, true), ("abc", "xyz", .eq, true),
        ("12abc", "12", .eq, true), ("5", "50", .lt, true), ("123456789012345678901234567890", "2", .gt, true),
    ])
    func asciiNumeric(value: String, key: String, relation: SieveRelation, expected: Bool) {
        var steps = 0
        let outcome = SieveMatcher.match(values: [value], keys: [key], type: .value(relation), comparator: .asciiNumeric, steps: &steps)
        #expect(outcome.matched == expected)
    }
}
