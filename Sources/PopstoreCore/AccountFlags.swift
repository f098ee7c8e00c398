/// The account flags of PMDF popstore.
public struct AccountFlags: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Refuse new mail for the account (LMTP `550 5.2.1`).
    public static let dismail = AccountFlags(rawValue: 1 << 0)
    /// Refuse login; mail is still received.
    public static let disuser = AccountFlags(rawValue: 1 << 1)
    /// The user may not change their own password.
    public static let lockpwd = AccountFlags(rawValue: 1 << 2)
    /// The account may manage accounts within its scope.
    public static let manage = AccountFlags(rawValue: 1 << 3)
    /// The password is checked by an external source, not the stored hash.
    public static let pwdElsewhere = AccountFlags(rawValue: 1 << 4)
    /// The account was created by the migration tool.
    public static let migrated = AccountFlags(rawValue: 1 << 5)

    /// Names as written on the CLI and in JSON, in display order.
    public static let named: [(name: String, flag: AccountFlags)] = [
        ("DISMAIL", .dismail), ("DISUSER", .disuser), ("LOCKPWD", .lockpwd),
        ("MANAGE", .manage), ("MIGRATED", .migrated), ("PWD_ELSEWHERE", .pwdElsewhere),
    ]

    /// Parses a comma-separated, case-insensitive list such as `MANAGE,dismail`.
    public init(parsing list: String) throws(PopstoreError) {
        var flags = AccountFlags()
        for item in list.split(separator: ",") {
            let word = item.trimmingASCIIWhitespace().uppercased()
            if word.isEmpty { continue }
            guard let match = AccountFlags.named.first(where: { $0.name == word }) else {
                throw .invalidInput(
                    "unknown flag \(NameRules.printable(String(item))); known: \(AccountFlags.named.map(\.name).joined(separator: ", "))")
            }
            flags.insert(match.flag)
        }
        self = flags
    }

    public var names: [String] { AccountFlags.named.filter { contains($0.flag) }.map(\.name) }

    public init(from decoder: any Decoder) throws {
        let names = try decoder.singleValueContainer().decode([String].self)
        do { try self.init(parsing: names.joined(separator: ",")) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(names)
    }
}

extension StringProtocol {
    func trimmingASCIIWhitespace() -> String {
        let scalars = unicodeScalars.drop(while: { $0 == " " || $0 == "\t" })
        var s = String(String.UnicodeScalarView(scalars))
        while let last = s.unicodeScalars.last, last == " " || last == "\t" { s.unicodeScalars.removeLast() }
        return s
    }
}
