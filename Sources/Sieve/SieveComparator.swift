/// The comparators of RFC 4790 that Sieve scripts may name with `:comparator`.
/// - SeeAlso: RFC 5228 §2.7.3, RFC 4790 §9
enum SieveComparator: String, Sendable, CaseIterable {
    case octet = "i;octet"
    case asciiCasemap = "i;ascii-casemap"
    case asciiNumeric = "i;ascii-numeric"

    /// The capability a script must require to use the comparator; the first two are
    /// always available (RFC 5228 §2.7.3).
    var capability: String? {
        self == .asciiNumeric ? "comparator-i;ascii-numeric" : nil
    }

    /// Whether `:contains` and `:matches` are defined: i;ascii-numeric has no substring
    /// operation (RFC 4790 §9.1).
    var supportsSubstrings: Bool { self != .asciiNumeric }

    /// The text as the comparator sees it: ASCII letters folded for i;ascii-casemap.
    func folded(_ text: String) -> [Unicode.Scalar] {
        switch self {
        case .asciiCasemap:
            text.unicodeScalars.map { scalar in
                (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(UInt8(scalar.value) | 0x20) : scalar
            }
        case .octet, .asciiNumeric:
            Array(text.unicodeScalars)
        }
    }

    func equals(_ value: String, _ key: String) -> Bool {
        compare(value, key) == 0
    }

    /// -1, 0 or 1 as `value` sorts before, equal to or after `key`.
    func compare(_ value: String, _ key: String) -> Int {
        switch self {
        case .octet, .asciiCasemap:
            let lhs = folded(value)
            let rhs = folded(key)
            for (left, right) in zip(lhs, rhs) where left != right {
                return left.value < right.value ? -1 : 1
            }
            return lhs.count == rhs.count ? 0 : (lhs.count < rhs.count ? -1 : 1)
        case .asciiNumeric:
            return Self.compareNumeric(value, key)
        }
    }

    /// i;ascii-numeric: the value of the leading digits; a string that does not start
    /// with a digit is positive infinity, equal to every other such string.
    /// Compared as digit strings so that no number is too large.
    private static func compareNumeric(_ value: String, _ key: String) -> Int {
        func digits(_ text: String) -> Substring.UTF8View? {
            let leading = text.utf8.prefix { $0 >= 0x30 && $0 <= 0x39 }
            guard !leading.isEmpty else { return nil }
            let significant = leading.drop { $0 == 0x30 }
            return Substring(significant).utf8
        }
        switch (digits(value), digits(key)) {
        case (nil, nil): return 0
        case (nil, _): return 1
        case (_, nil): return -1
        case (let lhs?, let rhs?):
            if lhs.count != rhs.count { return lhs.count < rhs.count ? -1 : 1 }
            for (left, right) in zip(lhs, rhs) where left != right {
                return left < right ? -1 : 1
            }
            return 0
        }
    }
}

/// The relational operators of RFC 5231 §4.
enum SieveRelation: String, Sendable, CaseIterable {
    case gt, ge, lt, le, eq, ne

    func holds(for ordering: Int) -> Bool {
        switch self {
        case .gt: ordering > 0
        case .ge: ordering >= 0
        case .lt: ordering < 0
        case .le: ordering <= 0
        case .eq: ordering == 0
        case .ne: ordering != 0
        }
    }
}

/// How a test compares values with keys (RFC 5228 §2.7.1, RFC 5231).
enum SieveMatchType: Sendable {
    case `is`
    case contains
    case matches
    case count(SieveRelation)
    case value(SieveRelation)
    /// `:regex` (draft-ietf-sieve-regex, as Pigeonhole implements it).
    case regex
}

/// A test's match type, comparator and keys.
struct SieveMatch: Sendable {
    var type: SieveMatchType
    var comparator: SieveComparator
    var keys: [SieveText]
}
