/// The generic syntax tree of a Sieve script, as RFC 5228 §8.2 describes it, before any
/// command or test is known by name.
public enum SieveSyntax {
    /// `command = identifier arguments (";" / block)`
    public struct Command: Sendable, Hashable {
        public var name: String
        public var arguments: Arguments
        /// `nil` when the command ends with ";"; the commands of its block otherwise.
        public var block: [Command]?
        public var location: SourceLocation
    }

    /// `test = identifier arguments`
    public struct Test: Sendable, Hashable {
        public var name: String
        public var arguments: Arguments
        public var location: SourceLocation
    }

    /// `arguments = *argument [ test / test-list ]`
    public struct Arguments: Sendable, Hashable {
        public var arguments: [Argument]
        public var tests: [Test]
        /// Whether the tests were written as a parenthesised test list, even of one test.
        public var testsAreList: Bool
    }

    /// `argument = string-list / number / tag`
    public struct Argument: Sendable, Hashable {
        public enum Value: Sendable, Hashable {
            case tag(String)
            case number(UInt64)
            /// A single string is a list of one that was written without brackets.
            case strings([String], bracketed: Bool)
        }

        public var value: Value
        public var location: SourceLocation
    }
}
