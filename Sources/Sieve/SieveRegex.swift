/// A POSIX extended regular expression for the `:regex` match type, run by a Pike VM.
///
/// The pattern compiles to a Thompson NFA (a small instruction program); matching steps
/// every live thread over the text one character at a time, so the work is at most
/// (text length × program size), whatever the pattern: `(a*)*b` on a long run of "a"s costs
/// the same as `a*b`. There is no backtracking and no back-reference (ERE has none).
/// The program size is bounded by `SieveLimits.maximumRegexStates` and the work is charged
/// to the interpreter's step budget.
///
/// Semantics follow POSIX `regexec` as Pigeonhole uses it: the leftmost match, and of
/// those the longest; "." and negated brackets also match line breaks; "^" and "$" anchor
/// at the ends of the whole value. Sub-matches prefer, in order, the earlier alternative
/// and the greedier repetition, which agrees with POSIX on the patterns scripts write.
/// - SeeAlso: draft-ietf-sieve-regex-01 §3, POSIX.1-2017 XBD §9.4
struct SieveRegex: Sendable {
    enum Instruction: Sendable, Hashable {
        case scalar(Unicode.Scalar)
        case any
        case set(SieveRegexClass)
        /// Try both targets; the first has priority.
        case split(Int, Int)
        case jump(Int)
        /// Records the position in capture slot n.
        case save(Int)
        case textStart
        case textEnd
        case match
    }

    let program: [Instruction]
    /// Parenthesised groups, not counting the whole match.
    let groupCount: Int
    let caseInsensitive: Bool

    /// Compiles `pattern`; with `caseInsensitive` ASCII letters match either case
    /// (`REG_ICASE`, which Pigeonhole uses for i;ascii-casemap).
    init(_ pattern: String, caseInsensitive: Bool) throws(SieveRegexError) {
        var parser = SieveRegexParser(Array(pattern.unicodeScalars), caseInsensitive: caseInsensitive)
        let tree = try parser.parse()
        var compiler = SieveRegexCompiler()
        try compiler.emit(.save(0))
        try compiler.compile(tree)
        try compiler.emit(.save(1))
        try compiler.emit(.match)
        program = compiler.program
        groupCount = parser.groupCount
        self.caseInsensitive = caseInsensitive
    }

    /// The leftmost-longest match in `text`: one range per capture slot pair (the whole
    /// match first, then each group, `nil` for a group that took no part), or `nil`.
    /// `steps` grows by one per thread step, for the interpreter's budget.
    func firstMatch(in text: [Unicode.Scalar], steps: inout Int) -> [Range<Int>?]? {
        let slotCount = 2 * (groupCount + 1)
        var current = SieveRegexThreadList(size: program.count)
        var next = SieveRegexThreadList(size: program.count)
        var best: [Int]?
        let folded = caseInsensitive ? text.map(Self.lowercased) : text
        for position in 0...folded.count {
            if best == nil {
                addThread(to: &current, pc: 0, captures: [Int](repeating: -1, count: slotCount), at: position, length: folded.count)
            }
            if current.threads.isEmpty { break }
            for thread in current.threads {
                steps += 1
                if let best, thread.captures[0] > best[0] { continue }
                switch program[thread.pc] {
                case .match:
                    if let existing = best, !(thread.captures[0] < existing[0] || thread.captures[1] > existing[1]) { continue }
                    best = thread.captures
                case .scalar(let scalar):
                    if position < folded.count, folded[position] == scalar {
                        addThread(to: &next, pc: thread.pc + 1, captures: thread.captures, at: position + 1, length: folded.count)
                    }
                case .any:
                    if position < folded.count {
                        addThread(to: &next, pc: thread.pc + 1, captures: thread.captures, at: position + 1, length: folded.count)
                    }
                case .set(let set):
                    if position < folded.count, set.contains(folded[position], caseInsensitive: caseInsensitive) {
                        addThread(to: &next, pc: thread.pc + 1, captures: thread.captures, at: position + 1, length: folded.count)
                    }
                case .split, .jump, .save, .textStart, .textEnd:
                    break  // followed in addThread
                }
            }
            swap(&current, &next)
            next.clear()
        }
        guard let best else { return nil }
        return (0...groupCount).map { group in
            let start = best[2 * group]
            let end = best[2 * group + 1]
            return start >= 0 && end >= start ? start..<end : nil
        }
    }

    /// Adds the thread at `pc` and every thread reachable from it without consuming a
    /// character, in priority order; a pc already in the list is not added again, which
    /// is what keeps the list no longer than the program.
    private func addThread(to list: inout SieveRegexThreadList, pc: Int, captures: [Int], at position: Int, length: Int) {
        var pending: [(pc: Int, captures: [Int])] = [(pc, captures)]
        while let (pc, captures) = pending.popLast() {
            guard list.mark(pc) else { continue }
            switch program[pc] {
            case .jump(let target):
                pending.append((target, captures))
            case .split(let first, let second):
                pending.append((second, captures))
                pending.append((first, captures))
            case .save(let slot):
                var updated = captures
                updated[slot] = position
                pending.append((pc + 1, updated))
            case .textStart:
                if position == 0 { pending.append((pc + 1, captures)) }
            case .textEnd:
                if position == length { pending.append((pc + 1, captures)) }
            case .scalar, .any, .set, .match:
                list.threads.append(SieveRegexThreadList.Thread(pc: pc, captures: captures))
            }
        }
    }

    static func lowercased(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(UInt8(scalar.value) | 0x20) : scalar
    }

    static func uppercased(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        (0x61...0x7A).contains(scalar.value) ? Unicode.Scalar(UInt8(scalar.value) & 0xDF) : scalar
    }
}

/// Why a pattern did not compile; the text is shown to the script's author.
struct SieveRegexError: Error, Sendable, Hashable {
    var message: String
}

/// The threads of one step, with a mark per program position for de-duplication.
struct SieveRegexThreadList {
    struct Thread {
        var pc: Int
        var captures: [Int]
    }

    var threads: [Thread] = []
    /// `marks[pc] == generation` when pc was visited in this step.
    private var marks: [Int]
    private var generation = 1

    init(size: Int) {
        marks = [Int](repeating: 0, count: size)
    }

    /// Marks `pc`; `false` when it was already marked in this step.
    mutating func mark(_ pc: Int) -> Bool {
        if marks[pc] == generation { return false }
        marks[pc] = generation
        return true
    }

    mutating func clear() {
        threads.removeAll(keepingCapacity: true)
        generation += 1
    }
}

/// A bracket expression: characters, ranges and named classes, possibly negated.
struct SieveRegexClass: Sendable, Hashable {
    enum Named: String, Sendable, Hashable, CaseIterable {
        case alpha, digit, alnum, upper, lower, space, blank, punct, print, graph, cntrl, xdigit

        func contains(_ value: UInt32) -> Bool {
            switch self {
            case .alpha: (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
            case .digit: (0x30...0x39).contains(value)
            case .alnum: Named.alpha.contains(value) || Named.digit.contains(value)
            case .upper: (0x41...0x5A).contains(value)
            case .lower: (0x61...0x7A).contains(value)
            case .space: value == 0x20 || (0x09...0x0D).contains(value)
            case .blank: value == 0x20 || value == 0x09
            case .punct: Named.graph.contains(value) && !Named.alnum.contains(value)
            case .print: (0x20...0x7E).contains(value)
            case .graph: (0x21...0x7E).contains(value)
            case .cntrl: value < 0x20 || value == 0x7F
            case .xdigit: Named.digit.contains(value) || (0x41...0x46).contains(value) || (0x61...0x66).contains(value)
            }
        }
    }

    var negated = false
    var ranges: [ClosedRange<UInt32>] = []
    var named: [Named] = []

    func contains(_ scalar: Unicode.Scalar, caseInsensitive: Bool) -> Bool {
        var found = matches(scalar.value)
        if !found, caseInsensitive {
            found = matches(SieveRegex.uppercased(scalar).value) || matches(SieveRegex.lowercased(scalar).value)
        }
        return found != negated
    }

    private func matches(_ value: UInt32) -> Bool {
        ranges.contains { $0.contains(value) } || named.contains { $0.contains(value) }
    }
}
