/// A name pattern with `*` (any run of characters) and `?` (one character), as PMDF
/// popstore's management commands took.
///
/// Matching is iterative with one backtrack point, so its cost is linear in
/// pattern × name length: a hostile pattern cannot make it exponential.
public struct WildcardPattern: Sendable, Equatable {
    public let pattern: [Character]

    public init(_ pattern: String) {
        self.pattern = Array(pattern.lowercased())
    }

    public var hasWildcards: Bool { pattern.contains("*") || pattern.contains("?") }

    public func matches(_ name: String) -> Bool {
        let text = Array(name)
        var p = 0
        var t = 0
        var star: Int? = nil
        var starText = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p
                starText = t
                p += 1
            } else if let s = star {
                p = s + 1
                starText += 1
                t = starText
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
