/// Why a script did not compile: a lexical, syntax or validation error at a place in the
/// script. The message is meant for the script's author (ManageSieve shows it verbatim).
public struct SieveError: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }

    /// `line:column: message`, the form compilers and ManageSieve clients show.
    public var description: String { "\(location): \(message)" }
}
