/// Takes apart the arguments of one command or test: its tagged arguments (with their
/// parameters) by name, then its positional arguments in order.
/// - SeeAlso: RFC 5228 §2.6
struct SieveArgumentReader {
    /// What follows a tag.
    enum TagShape {
        case flag
        case string
        case stringList
        case number
    }

    struct Tag {
        var name: String
        var location: SourceLocation
        var parameter: SieveSyntax.Argument?
    }

    let owner: String
    let location: SourceLocation
    private(set) var tags: [String: Tag] = [:]
    private var positional: [SieveSyntax.Argument] = []
    private var nextPositional = 0

    /// Splits `arguments`; a tag not in `shapes` is an error, as is a tag given twice or
    /// after a positional argument.
    init(_ arguments: [SieveSyntax.Argument], of owner: String, at location: SourceLocation, shapes: [String: TagShape])
        throws(SieveError)
    {
        self.owner = owner
        self.location = location
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard case .tag(let rawName) = argument.value else {
                positional.append(argument)
                continue
            }
            let name = rawName.lowercased()
            guard let shape = shapes[name] else {
                throw SieveError(location: argument.location, message: "unknown tag ':\(rawName)' for '\(owner)'")
            }
            // RFC 5228 §2.6.2: tagged arguments come before the positional ones.
            if let last = positional.last {
                throw SieveError(
                    location: argument.location,
                    message: "unexpected tag ':\(rawName)' for '\(owner)' after its positional argument at \(last.location)")
            }
            guard tags[name] == nil else {
                throw SieveError(location: argument.location, message: "tag ':\(name)' given twice")
            }
            var parameter: SieveSyntax.Argument?
            if shape != .flag {
                guard index < arguments.count, Self.fits(arguments[index].value, shape) else {
                    let at = index < arguments.count ? arguments[index].location : argument.location
                    throw SieveError(location: at, message: "tag ':\(name)' needs a \(Self.describe(shape))")
                }
                parameter = arguments[index]
                index += 1
            }
            tags[name] = Tag(name: name, location: argument.location, parameter: parameter)
        }
    }

    /// At most one of `names` was given; returns it.
    func oneOf(_ names: [String], what: String) throws(SieveError) -> Tag? {
        let given = names.compactMap { tags[$0] }.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
        if given.count > 1 {
            throw SieveError(location: given[1].location, message: "only one \(what) may be given")
        }
        return given.first
    }

    func flag(_ name: String) -> Bool { tags[name] != nil }

    // MARK: - Positional arguments

    /// The next positional argument, which must be a single string.
    mutating func string(_ what: String) throws(SieveError) -> (String, SourceLocation) {
        let argument = try take(what)
        guard case .strings(let strings, bracketed: false) = argument.value else {
            throw SieveError(location: argument.location, message: "'\(owner)' expects a string (\(what))")
        }
        return (strings[0], argument.location)
    }

    /// The next positional argument, which must be a string or a string list.
    mutating func stringList(_ what: String) throws(SieveError) -> ([String], SourceLocation) {
        let argument = try take(what)
        guard case .strings(let strings, _) = argument.value else {
            throw SieveError(location: argument.location, message: "'\(owner)' expects a string list (\(what))")
        }
        return (strings, argument.location)
    }

    mutating func number(_ what: String) throws(SieveError) -> UInt64 {
        let argument = try take(what)
        guard case .number(let number) = argument.value else {
            throw SieveError(location: argument.location, message: "'\(owner)' expects a number (\(what))")
        }
        return number
    }

    var remainingPositional: Int { positional.count - nextPositional }

    /// Every positional argument has been taken.
    func finish() throws(SieveError) {
        if nextPositional < positional.count {
            throw SieveError(location: positional[nextPositional].location, message: "too many arguments for '\(owner)'")
        }
    }

    private mutating func take(_ what: String) throws(SieveError) -> SieveSyntax.Argument {
        guard nextPositional < positional.count else {
            throw SieveError(location: location, message: "'\(owner)' is missing its \(what) argument")
        }
        nextPositional += 1
        return positional[nextPositional - 1]
    }

    private static func fits(_ value: SieveSyntax.Argument.Value, _ shape: TagShape) -> Bool {
        switch (value, shape) {
        case (.number, .number), (.strings(_, bracketed: false), .string), (.strings, .stringList): true
        default: false
        }
    }

    private static func describe(_ shape: TagShape) -> String {
        switch shape {
        case .flag: "nothing"
        case .string: "string"
        case .stringList: "string list"
        case .number: "number"
        }
    }
}
