import Foundation

/// An account's Sieve scripts: the scripts by name, which one is active, and the last
/// error a script met at delivery (shown to the user and the admin; the message was kept).
public struct AccountScripts: Sendable, Equatable, Codable {
    public static let formatVersion = 1
    public var version: Int = AccountScripts.formatVersion
    public var scripts: [Script] = []
    /// The name of the script run at delivery; nil: none.
    public var active: String?
    public var lastError: ScriptError?

    public struct Script: Sendable, Equatable, Codable {
        public var name: String
        public var source: String
        public var modified: Date

        public init(name: String, source: String, modified: Date) {
            self.name = name
            self.source = source
            self.modified = modified
        }
    }

    public struct ScriptError: Sendable, Equatable, Codable {
        public var script: String
        public var message: String
        public var at: Date

        public init(script: String, message: String, at: Date) {
            self.script = script
            self.message = message
            self.at = at
        }
    }

    public init() {}

    public func script(named name: String) -> Script? { scripts.first { $0.name == name } }

    /// The active script's source, if any.
    public var activeScript: Script? { active.flatMap(script(named:)) }

    /// Scripts an account may keep: enough for a few alternatives (vacation on or off,
    /// a test version) without the store holding everyone's archive.
    public static let maximumScripts = 16
    /// Octets of one script: far above any hand-written filter, and with 16 of them the
    /// account's file stays under a few hundred KiB.
    public static let maximumScriptSize = 64 * 1024
    /// Unicode scalars in a script name (RFC 5804 §1.6 leaves the bound to the server).
    public static let maximumNameLength = 128

    /// Checks a script name: 1 to 128 characters, no controls (RFC 5804 §1.6: no CR, LF,
    /// NUL; Unicode line and paragraph separators and C1 controls refused as well).
    public static func checkName(_ name: String) throws(PopstoreError) {
        let scalars = name.unicodeScalars
        guard !scalars.isEmpty, scalars.count <= maximumNameLength,
            scalars.allSatisfy({ !($0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{2028}" || $0 == "\u{2029}") })
        else { throw .invalidInput("invalid script name \(NameRules.printable(name))") }
    }
}
