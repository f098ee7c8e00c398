/// Parses a POSIX extended regular expression into a tree.
/// - SeeAlso: POSIX.1-2017 XBD §9.4 (ERE grammar), §9.3.5 (bracket expressions)
struct SieveRegexParser {
    indirect enum Node: Sendable {
        case empty
        case scalar(Unicode.Scalar)
        case any
        case set(SieveRegexClass)
        case textStart
        case textEnd
        /// A parenthesised group, numbered from 1 in order of its "(".
        case group(Node, Int)
        case concatenation([Node])
        case alternation([Node])
        /// `max == nil` for no upper bound.
        case repetition(Node, min: Int, max: Int?)
    }

    /// Largest count in `{m,n}` (POSIX `RE_DUP_MAX` is at least 255).
    static let maximumRepeatCount = 255

    private let scalars: [Unicode.Scalar]
    private let caseInsensitive: Bool
    private var index = 0
    private var depth = 0
    private(set) var groupCount = 0

    init(_ scalars: [Unicode.Scalar], caseInsensitive: Bool) {
        self.scalars = scalars
        self.caseInsensitive = caseInsensitive
    }

    mutating func parse() throws(SieveRegexError) -> Node {
        let node = try alternation()
        if index < scalars.count {
            throw SieveRegexError(message: "unmatched ')'")
        }
        return node
    }

    // extended-reg-exp = ERE-branch *("|" ERE-branch)
    private mutating func alternation() throws(SieveRegexError) -> Node {
        var branches = [try branch()]
        while peek == "|" {
            index += 1
            branches.append(try branch())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    // ERE-branch = 1*(ERE-expression)
    private mutating func branch() throws(SieveRegexError) -> Node {
        var items: [Node] = []
        while let scalar = peek, scalar != "|", scalar != ")" {
            items.append(try repetition())
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concatenation(items)
        }
    }

    // ERE-expression = atom *("*" / "+" / "?" / interval)
    private mutating func repetition() throws(SieveRegexError) -> Node {
        if let scalar = peek, "*+?".unicodeScalars.contains(scalar) {
            throw SieveRegexError(message: "'\(scalar)' has nothing to repeat")
        }
        if peek == "{", isInterval {
            throw SieveRegexError(message: "'{' has nothing to repeat")
        }
        var node = try atom()
        var quantifiers = 0
        while let scalar = peek {
            if "*+?{".unicodeScalars.contains(scalar) {
                // Each quantifier nests the tree one level deeper; bound the recursion.
                quantifiers += 1
                guard quantifiers <= SieveLimits.maximumNestingDepth else {
                    throw SieveRegexError(message: "more than \(SieveLimits.maximumNestingDepth) quantifiers in a row")
                }
            }
            switch scalar {
            case "*": node = .repetition(node, min: 0, max: nil)
            case "+": node = .repetition(node, min: 1, max: nil)
            case "?": node = .repetition(node, min: 0, max: 1)
            case "{" where isInterval:
                index += 1
                let (min, max) = try interval()
                node = .repetition(node, min: min, max: max)
                continue
            default: return node
            }
            index += 1
        }
        return node
    }

    private var isInterval: Bool {
        index + 1 < scalars.count && ("0"..."9").contains(scalars[index + 1])
    }

    // interval = "{" count ["," [count]] "}"   (after the "{")
    private mutating func interval() throws(SieveRegexError) -> (Int, Int?) {
        let min = try count()
        var max: Int? = min
        if peek == "," {
            index += 1
            max = peek == "}" ? nil : try count()
        }
        guard peek == "}" else { throw SieveRegexError(message: "malformed interval '{...}'") }
        index += 1
        if let max, max < min { throw SieveRegexError(message: "interval minimum is larger than its maximum") }
        return (min, max)
    }

    private mutating func count() throws(SieveRegexError) -> Int {
        var value = 0
        var digits = 0
        while let scalar = peek, ("0"..."9").contains(scalar) {
            value = value * 10 + Int(scalar.value - 0x30)
            digits += 1
            index += 1
            if value > Self.maximumRepeatCount {
                throw SieveRegexError(message: "repeat count larger than \(Self.maximumRepeatCount)")
            }
        }
        guard digits > 0 else { throw SieveRegexError(message: "malformed interval '{...}'") }
        return value
    }

    // atom = ORD-CHAR / QUOTED-CHAR / "." / "^" / "$" / bracket-exp / "(" extended-reg-exp ")"
    private mutating func atom() throws(SieveRegexError) -> Node {
        let scalar = scalars[index]
        index += 1
        switch scalar {
        case "(":
            depth += 1
            guard depth <= SieveLimits.maximumNestingDepth else {
                throw SieveRegexError(message: "groups nested deeper than \(SieveLimits.maximumNestingDepth)")
            }
            groupCount += 1
            let number = groupCount
            let inner = try alternation()
            guard peek == ")" else { throw SieveRegexError(message: "unmatched '('") }
            index += 1
            depth -= 1
            return .group(inner, number)
        case ".": return .any
        case "^": return .textStart
        case "$": return .textEnd
        case "[": return .set(try bracket())
        case "\\":
            guard let escaped = peek else { throw SieveRegexError(message: "trailing backslash") }
            index += 1
            return try escape(escaped)
        default:
            return literal(scalar)
        }
    }

    /// `\` before a special character makes it literal; GNU's `\w \W \s \S` are classes.
    private func escape(_ scalar: Unicode.Scalar) throws(SieveRegexError) -> Node {
        switch scalar {
        case "w": return .set(SieveRegexClass(ranges: [0x5F...0x5F], named: [.alnum]))
        case "W": return .set(SieveRegexClass(negated: true, ranges: [0x5F...0x5F], named: [.alnum]))
        case "s": return .set(SieveRegexClass(named: [.space]))
        case "S": return .set(SieveRegexClass(negated: true, named: [.space]))
        case "b", "B", "<", ">", "`", "'", "1"..."9":
            throw SieveRegexError(message: "unsupported escape '\\\(scalar)'")
        default: return literal(scalar)
        }
    }

    private func literal(_ scalar: Unicode.Scalar) -> Node {
        .scalar(caseInsensitive ? SieveRegex.lowercased(scalar) : scalar)
    }

    // bracket-exp = "[" ["^"] ["]"] *(char / range / "[:" class ":]" / "[=" c "=]" / "[." c ".]") "]"
    private mutating func bracket() throws(SieveRegexError) -> SieveRegexClass {
        var set = SieveRegexClass()
        if peek == "^" {
            set.negated = true
            index += 1
        }
        var first = true
        while true {
            guard let scalar = peek else { throw SieveRegexError(message: "unmatched '['") }
            if scalar == "]", !first {
                index += 1
                return set
            }
            first = false
            index += 1
            var low = scalar.value
            if scalar == "[", let kind = peek, kind == ":" || kind == "=" || kind == "." {
                index += 1
                let name = try bracketTerm(closing: kind)
                if kind == ":" {
                    guard let named = SieveRegexClass.Named(rawValue: name) else {
                        throw SieveRegexError(message: "unknown character class '[:\(name):]'")
                    }
                    set.named.append(named)
                    continue
                }
                guard name.unicodeScalars.count == 1, let only = name.unicodeScalars.first else {
                    throw SieveRegexError(message: "unknown collating element '\(name)'")
                }
                low = only.value
            }
            if peek == "-", index + 1 < scalars.count, scalars[index + 1] != "]" {
                index += 1
                let high = scalars[index].value
                index += 1
                guard low <= high else { throw SieveRegexError(message: "invalid range end in bracket expression") }
                set.ranges.append(low...high)
            } else {
                set.ranges.append(low...low)
            }
        }
    }

    /// The text of `[:name:]`, `[=c=]` or `[.c.]` after its opening two characters.
    private mutating func bracketTerm(closing: Unicode.Scalar) throws(SieveRegexError) -> String {
        var name = String.UnicodeScalarView()
        while index + 1 < scalars.count {
            if scalars[index] == closing, scalars[index + 1] == "]" {
                index += 2
                return String(name)
            }
            name.append(scalars[index])
            index += 1
        }
        throw SieveRegexError(message: "unterminated '[\(closing)' in bracket expression")
    }

    private var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
}

/// Turns the tree into the Pike VM's program, counting states against the limit.
struct SieveRegexCompiler {
    private(set) var program: [SieveRegex.Instruction] = []

    mutating func emit(_ instruction: SieveRegex.Instruction) throws(SieveRegexError) {
        guard program.count < SieveLimits.maximumRegexStates else {
            throw SieveRegexError(message: "regular expression needs more than \(SieveLimits.maximumRegexStates) states")
        }
        program.append(instruction)
    }

    /// Placeholder for a jump or split whose targets are patched later.
    private mutating func reserve() throws(SieveRegexError) -> Int {
        try emit(.jump(-1))
        return program.count - 1
    }

    mutating func compile(_ node: SieveRegexParser.Node) throws(SieveRegexError) {
        switch node {
        case .empty: break
        case .scalar(let scalar): try emit(.scalar(scalar))
        case .any: try emit(.any)
        case .set(let set): try emit(.set(set))
        case .textStart: try emit(.textStart)
        case .textEnd: try emit(.textEnd)
        case .group(let inner, let number):
            try emit(.save(2 * number))
            try compile(inner)
            try emit(.save(2 * number + 1))
        case .concatenation(let items):
            for item in items { try compile(item) }
        case .alternation(let branches):
            // split L1, next; L1: branch; jump end; next: split ...
            var exits: [Int] = []
            for (position, branch) in branches.enumerated() {
                if position < branches.count - 1 {
                    let split = try reserve()
                    try compile(branch)
                    exits.append(try reserve())
                    program[split] = .split(split + 1, program.count)
                } else {
                    try compile(branch)
                }
            }
            for exit in exits { program[exit] = .jump(program.count) }
        case .repetition(let inner, let min, let max):
            for _ in 0..<min { try compile(inner) }
            guard let max else {
                // L1: split L2, L3; L2: inner; jump L1; L3:
                let split = try reserve()
                try compile(inner)
                try emit(.jump(split))
                program[split] = .split(split + 1, program.count)
                return
            }
            // Each optional copy: split L1, end; L1: inner.
            var splits: [Int] = []
            for _ in min..<max {
                splits.append(try reserve())
                try compile(inner)
            }
            for split in splits { program[split] = .split(split + 1, program.count) }
        }
    }
}
