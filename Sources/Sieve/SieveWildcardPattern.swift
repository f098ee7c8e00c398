/// A `:matches` pattern: `*` matches any run of characters, `?` one character, and a
/// backslash makes the next character literal.
///
/// Matching keeps only the position of the last `*` seen and, on a mismatch, lets that
/// star absorb one more character. Earlier stars never need to grow again, because each
/// literal run between stars is placed at its earliest possible position. The work is
/// therefore at most (pattern length × text length) steps, never exponential, whatever
/// the pattern (RFC 5228 §10 asks implementations to bound matching costs).
///
/// Captures follow RFC 5229 §3.2: each wildcard takes as little as it can, left to right,
/// so the last `*` takes what remains.
/// - SeeAlso: RFC 5228 §2.7.1
struct SieveWildcardPattern: Sendable {
    enum Element: Sendable, Hashable {
        case anyRun
        case anyCharacter
        case character(Unicode.Scalar)
    }

    let elements: [Element]

    init(_ scalars: [Unicode.Scalar]) {
        var elements: [Element] = []
        var index = 0
        while index < scalars.count {
            switch scalars[index] {
            case "*": elements.append(.anyRun)
            case "?": elements.append(.anyCharacter)
            case "\\" where index + 1 < scalars.count:
                index += 1
                elements.append(.character(scalars[index]))
            default: elements.append(.character(scalars[index]))
            }
            index += 1
        }
        self.elements = elements
    }

    /// The text each wildcard matched, in pattern order, or `nil` when the text does not
    /// match. `steps` grows by the work done, for the interpreter's budget.
    func match(_ text: [Unicode.Scalar], steps: inout Int) -> [Range<Int>]? {
        // starts[i]: where element i began matching on the current attempt.
        var starts = [Int](repeating: 0, count: elements.count + 1)
        var element = 0
        var position = 0
        var lastStar: Int?
        var lastStarPosition = 0
        while position < text.count {
            steps += 1
            if element < elements.count {
                switch elements[element] {
                case .anyRun:
                    starts[element] = position
                    lastStar = element
                    lastStarPosition = position
                    element += 1
                    continue
                case .anyCharacter:
                    starts[element] = position
                    element += 1
                    position += 1
                    continue
                case .character(let scalar) where scalar == text[position]:
                    starts[element] = position
                    element += 1
                    position += 1
                    continue
                case .character:
                    break
                }
            }
            guard let star = lastStar else { return nil }
            lastStarPosition += 1
            position = lastStarPosition
            element = star + 1
        }
        while element < elements.count, elements[element] == .anyRun {
            starts[element] = position
            element += 1
        }
        guard element == elements.count else { return nil }
        starts[elements.count] = text.count
        return elements.indices.compactMap { index in
            switch elements[index] {
            case .anyRun: starts[index]..<starts[index + 1]
            case .anyCharacter: starts[index]..<(starts[index] + 1)
            case .character: nil
            }
        }
    }
}
