import Foundation

/// Normalises a password before hashing: SASLprep (RFC 4013) as far as it matters for
/// passwords.
///
/// Mapping (§2.1): non-ASCII spaces become U+0020 and "commonly mapped to nothing"
/// characters are removed; then NFKC (§2.2); then prohibited output (§2.3) and an empty
/// result are rejected. U+200B ZERO WIDTH SPACE is in both tables; it is removed, as it
/// has no width. Not done: the bidi check (§2.4) and the unassigned-code-point check
/// (§2.5). Both only ever reject, and the same function runs when a password is set and
/// when it is checked, so leaving them out never makes two passwords collide.
/// Surrogates (table C.5) cannot occur in a Swift `String`.
/// - SeeAlso: RFC 4013, RFC 3454 appendices B.1, C.1.2, C.2–C.9
public enum SASLprep {
    public static func prepare(_ string: String) throws(SASLprepError) -> String {
        var mapped = String.UnicodeScalarView()
        for scalar in string.unicodeScalars {
            if isMappedToNothing(scalar) { continue }
            mapped.append(isNonASCIISpace(scalar) ? " " : scalar)
        }
        let normalised = String(mapped).precomposedStringWithCompatibilityMapping
        guard !normalised.isEmpty else { throw .empty }
        guard !normalised.unicodeScalars.contains(where: isProhibited) else { throw .prohibitedCharacter }
        return normalised
    }

    /// RFC 3454 table B.1.
    static func isMappedToNothing(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00AD, 0x034F, 0x1806, 0x180B...0x180D, 0x200B...0x200D, 0x2060,
            0xFE00...0xFE0F, 0xFEFF:
            true
        default: false
        }
    }

    /// RFC 3454 table C.1.2.
    static func isNonASCIISpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00A0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// RFC 3454 tables C.1.2 and C.2.1–C.9, as RFC 4013 §2.3 lists them.
    static func isProhibited(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if isNonASCIISpace(scalar) { return true }
        // C.4 non-character code points: U+FDD0–FDEF and the last two of every plane.
        if (0xFDD0...0xFDEF).contains(value) || value & 0xFFFE == 0xFFFE { return true }
        switch value {
        case 0x0000...0x001F, 0x007F:  // C.2.1 ASCII control
            return true
        case 0x0080...0x009F, 0x06DD, 0x070F, 0x180E, 0x200C, 0x200D, 0x2028, 0x2029,
            0x2060...0x2063, 0x206A...0x206F, 0xFEFF, 0xFFF9...0xFFFC, 0x1D173...0x1D17A:  // C.2.2
            return true
        case 0xE000...0xF8FF, 0xF0000...0xFFFFD, 0x100000...0x10FFFD:  // C.3 private use
            return true
        case 0xFFF9...0xFFFD:  // C.6 inappropriate for plain text
            return true
        case 0x2FF0...0x2FFB:  // C.7 inappropriate for canonical representation
            return true
        case 0x0340, 0x0341, 0x200E, 0x200F, 0x202A...0x202E:  // C.8 display properties
            return true
        case 0xE0001, 0xE0020...0xE007F:  // C.9 tagging
            return true
        default:
            return false
        }
    }
}
