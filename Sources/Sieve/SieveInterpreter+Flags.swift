/// The imap4flags commands and the flag lists of keep and fileinto.
/// - SeeAlso: RFC 5232
extension SieveInterpreter {
    /// Flags are space-separated within each string, compared case-insensitively, and a
    /// flag list holds each flag once (RFC 5232 §3).
    static func flags(in strings: [String]) -> [String] {
        var result: [String] = []
        var seen: Set<String> = []
        for string in strings {
            for flag in string.split(whereSeparator: { $0 == " " || $0 == "\t" }) where seen.insert(flag.lowercased()).inserted {
                result.append(String(flag))
            }
        }
        return result
    }

    /// The flags of a keep or fileinto: `:flags` if given, else the internal variable.
    func flagList(_ flags: [SieveText]?) throws(SieveRuntimeError) -> [String] {
        guard let flags else { return internalFlags }
        return Self.flags(in: flags.map(expand))
    }

    mutating func changeFlags(_ operation: SieveFlagOperation, variable: String?, flags: [String], at location: SourceLocation)
        throws(SieveRuntimeError)
    {
        let current = variable.map { Self.flags(in: [variables[$0] ?? ""]) } ?? internalFlags
        let given = Self.flags(in: flags)
        let updated: [String]
        switch operation {
        case .set: updated = given
        case .add: updated = Self.flags(in: current + given)
        case .remove:
            let removed = Set(given.map { $0.lowercased() })
            updated = current.filter { !removed.contains($0.lowercased()) }
        }
        if let variable {
            try assign(variable, updated.joined(separator: " "), at: location)
        } else {
            internalFlags = updated
        }
    }
}
