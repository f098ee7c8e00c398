/// The rules a name from the outside must meet before it names an account, group or
/// address local part in the store.
///
/// Names are case-insensitive (PMDF popstore: `JDoe` is `jdoe`): they are folded to
/// lower case first, then checked against the allowed characters. The default set is
/// ASCII only, so Unicode look-alikes (Cyrillic `а` for Latin `a`) cannot pose as
/// another account. Whatever the set, a name never becomes a path component as typed:
/// the store hashes it (see `StoreLayout`).
public struct NameRules: Sendable, Equatable, Codable {
    /// Characters allowed in a canonical (lower-case) name, besides which nothing passes.
    public var allowedCharacters: String
    /// Longest accepted name. PMDF popstore allowed 32; addresses allow 64 (RFC 5321 §4.5.3.1.1).
    public var maximumLength: Int

    public static let defaultAllowedCharacters = "abcdefghijklmnopqrstuvwxyz0123456789._-"
    /// RFC 5321 §4.5.3.1.1: a local part is at most 64 octets.
    public static let defaultMaximumLength = 64
    /// Free-text owner field; PMDF popstore allowed 40.
    public static let maximumOwnerLength = 128
    /// Private site data kept in a profile; a profile stays a small file.
    public static let maximumSiteDataLength = 4096

    public static let `default` = NameRules(
        allowedCharacters: defaultAllowedCharacters, maximumLength: defaultMaximumLength)

    public init(allowedCharacters: String, maximumLength: Int) {
        self.allowedCharacters = allowedCharacters
        self.maximumLength = maximumLength
    }

    /// Folds `raw` to its canonical form and checks it; throws `.invalidInput` with a
    /// reason a person can act on.
    public func canonicalName(_ raw: String, kind: String = "name") throws(PopstoreError) -> String {
        let folded = String(
            raw.unicodeScalars.map { scalar -> Character in
                if scalar.isASCII, scalar.properties.isUppercase {
                    return Character(Unicode.Scalar(scalar.value + 32)!)
                }
                return Character(scalar)
            })
        let shown = NameRules.printable(raw)
        guard !folded.isEmpty else { throw .invalidInput("invalid \(kind): empty") }
        guard folded.unicodeScalars.count <= maximumLength else {
            throw .invalidInput("invalid \(kind) \(shown): longer than \(maximumLength) characters")
        }
        let allowed = Set(allowedCharacters.unicodeScalars)
        for scalar in folded.unicodeScalars where !allowed.contains(scalar) || scalar == "/" || scalar.value == 0 {
            throw .invalidInput(
                "invalid \(kind) \(shown): character \(NameRules.printable(String(scalar))) is not allowed")
        }
        guard let first = folded.unicodeScalars.first, first != ".", first != "-" else {
            throw .invalidInput("invalid \(kind) \(shown): may not start with '.' or '-'")
        }
        return folded
    }

    /// A name as it may appear in an error line: control characters and non-ASCII escaped.
    public static func printable(_ raw: String) -> String {
        var out = "\""
        for scalar in raw.unicodeScalars.prefix(80) {
            if scalar.isASCII, scalar.value >= 0x20, scalar.value < 0x7F, scalar != "\"", scalar != "\\" {
                out.unicodeScalars.append(scalar)
            } else {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        if raw.unicodeScalars.count > 80 { out += "..." }
        return out + "\""
    }
}
