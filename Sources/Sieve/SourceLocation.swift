/// A position in a Sieve script: 1-based line and 1-based column, columns counted in
/// Unicode scalars so that an editor shows the same column for non-ASCII text.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The location given to errors that belong to the whole script, such as its size.
    public static let start = SourceLocation(line: 1, column: 1)

    public var description: String { "\(line):\(column)" }
}
