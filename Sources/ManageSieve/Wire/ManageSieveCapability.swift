/// One line of the capability list: a name and, for most, a value.
///
/// - SeeAlso: RFC 5804 §1.7 (`single-capability = capability-name [SP string] CRLF`)
public struct ManageSieveCapability: Sendable, Equatable {
    public var name: String
    public var value: String?

    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }
}

/// One line of the LISTSCRIPTS response: a script's name and whether it is the active one.
///
/// - SeeAlso: RFC 5804 §2.7 (`sieve-name [SP "ACTIVE"] CRLF`)
public struct ManageSieveScriptEntry: Sendable, Equatable {
    public var name: String
    public var isActive: Bool

    public init(name: String, isActive: Bool = false) {
        self.name = name
        self.isActive = isActive
    }
}
