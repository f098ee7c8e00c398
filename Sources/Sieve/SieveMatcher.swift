/// Compares a test's values with its keys under its match type and comparator.
/// - SeeAlso: RFC 5228 §2.7.1, RFC 5231 §4, RFC 5229 §3.2
enum SieveMatcher {
    /// The outcome of a match: whether it succeeded, and for `:matches` the match
    /// variables (`${0}` the whole value, then one per wildcard).
    struct Outcome {
        var matched: Bool
        var captures: [String]?
        /// Problems that made a key unusable without stopping the run, such as a
        /// `:regex` pattern from a variable that does not compile.
        var warnings: [String] = []
    }

    /// Tests every value against every key; the first success decides the captures.
    /// `steps` grows by the work done.
    static func match(
        values: [String], keys: [String], type: SieveMatchType, comparator: SieveComparator, steps: inout Int
    ) -> Outcome {
        switch type {
        case .count(let relation):
            let count = String(values.count)
            let matched = keys.contains { relation.holds(for: comparator.compare(count, $0)) }
            return Outcome(matched: matched, captures: nil)
        case .value(let relation):
            for value in values {
                for key in keys {
                    steps += 1 + value.utf8.count / 64
                    if relation.holds(for: comparator.compare(value, key)) { return Outcome(matched: true, captures: nil) }
                }
            }
            return Outcome(matched: false, captures: nil)
        case .is:
            for value in values {
                for key in keys {
                    steps += 1 + value.utf8.count / 64
                    if comparator.equals(value, key) { return Outcome(matched: true, captures: nil) }
                }
            }
            return Outcome(matched: false, captures: nil)
        case .contains:
            let foldedKeys = keys.map(comparator.folded)
            for value in values {
                let folded = comparator.folded(value)
                for key in foldedKeys {
                    steps += 1 + folded.count * max(key.count, 1) / 64
                    if contains(folded, key) { return Outcome(matched: true, captures: nil) }
                }
            }
            return Outcome(matched: false, captures: nil)
        case .matches:
            let patterns = keys.map { SieveWildcardPattern(comparator.folded($0)) }
            for value in values {
                let folded = comparator.folded(value)
                for pattern in patterns {
                    steps += 1
                    if let ranges = pattern.match(folded, steps: &steps) {
                        let original = Array(value.unicodeScalars)
                        let captures = [value] + ranges.map { String(String.UnicodeScalarView(original[$0])) }
                        return Outcome(matched: true, captures: captures)
                    }
                }
            }
            return Outcome(matched: false, captures: nil)
        case .regex:
            return regex(values: values, keys: keys, comparator: comparator, steps: &steps)
        }
    }

    /// `:regex`: the first value that any pattern matches; `${0}` is the matched text and
    /// `${1}`... the groups, empty for a group that took no part (Pigeonhole's behaviour).
    private static func regex(values: [String], keys: [String], comparator: SieveComparator, steps: inout Int) -> Outcome {
        var warnings: [String] = []
        var patterns: [SieveRegex] = []
        for key in keys {
            steps += 1 + key.utf8.count
            do {
                patterns.append(try SieveRegex(key, caseInsensitive: comparator == .asciiCasemap))
            } catch {
                warnings.append("invalid regular expression '\(key)': \(error.message)")
            }
        }
        for value in values {
            let scalars = Array(value.unicodeScalars)
            for pattern in patterns {
                if let ranges = pattern.firstMatch(in: scalars, steps: &steps) {
                    let captures = ranges.map { range in range.map { String(String.UnicodeScalarView(scalars[$0])) } ?? "" }
                    return Outcome(matched: true, captures: captures, warnings: warnings)
                }
            }
        }
        return Outcome(matched: false, captures: nil, warnings: warnings)
    }

    /// Whether `needle` occurs in `haystack`; the empty key is in every value.
    private static func contains(_ haystack: [Unicode.Scalar], _ needle: [Unicode.Scalar]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
