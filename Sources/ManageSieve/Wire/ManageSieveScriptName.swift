/// The rules for a script name, in one place: the parser applies them to every name a
/// client sends, and the store can apply them to names it already holds.
///
/// - SeeAlso: RFC 5804 §1.6
public enum ManageSieveScriptName {
    /// The name as text, or nil if RFC 5804 §1.6 does not allow it: not UTF-8, empty,
    /// longer than ``ManageSieveLimits/scriptNameLength`` Unicode characters, or holding
    /// a control character (U+0000–U+001F, U+007F, U+0080–U+009F) or a line or paragraph
    /// separator (U+2028, U+2029). Names are compared octet by octet (`i;octet`), so
    /// nothing here folds case or normalises.
    public static func validated(_ bytes: some Collection<UInt8>) -> String? {
        guard !bytes.isEmpty, let name = String(validating: bytes, as: UTF8.self) else { return nil }
        var count = 0
        for scalar in name.unicodeScalars {
            count += 1
            guard count <= ManageSieveLimits.scriptNameLength, isAllowed(scalar) else { return nil }
        }
        return name
    }

    /// True when `name` is a valid script name.
    public static func isValid(_ name: String) -> Bool {
        validated(name.utf8) != nil
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: false
        default: true
        }
    }
}
