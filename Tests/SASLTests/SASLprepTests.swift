import Testing

@testable import SASL

struct SASLprepTests {
    /// RFC 4013 §3 examples (less the bidi one, which this profile does not check),
    /// and the other mappings.
    @Test(arguments: [
        ("I\u{00AD}X", "IX"),  // soft hyphen mapped to nothing
        ("user", "user"),
        ("USER", "USER"),  // no case folding
        ("\u{00AA}", "a"),  // NFKC
        ("\u{2168}", "IX"),  // NFKC
        ("pass\u{00A0}word", "pass word"),  // no-break space
        ("pass\u{3000}word", "pass word"),  // ideographic space
        ("pass\u{2003}word", "pass word"),  // em space
        ("pass\u{200B}word", "password"),  // zero width space: removed
        ("pa\u{FE0F}ss\u{FEFF}", "pass"),
        ("e\u{0301}", "\u{00E9}"),  // composed
        ("\u{FB01}", "fi"),  // compatibility ligature
        ("pass word", "pass word"),
    ])
    func maps(_ input: String, expected: String) throws {
        let prepared = try SASLprep.prepare(input)
        #expect(Array(prepared.unicodeScalars) == Array(expected.unicodeScalars))
    }

    @Test(arguments: [
        ("\u{0007}", SASLprepError.prohibitedCharacter),  // RFC 4013 §3: ASCII control
        ("tab\u{0009}", .prohibitedCharacter),
        ("del\u{007F}", .prohibitedCharacter),
        ("c1\u{0085}", .prohibitedCharacter),
        ("ls\u{2028}", .prohibitedCharacter),
        ("private\u{E000}", .prohibitedCharacter),
        ("private\u{F0000}", .prohibitedCharacter),
        ("nonchar" + scalar(0xFDD0), .prohibitedCharacter),
        ("nonchar" + scalar(0xFFFF), .prohibitedCharacter),
        ("nonchar" + scalar(0x1FFFE), .prohibitedCharacter),
        ("replacement\u{FFFD}", .prohibitedCharacter),
        ("ideographic\u{2FF0}", .prohibitedCharacter),
        ("lrm\u{200E}", .prohibitedCharacter),
        ("tag\u{E0041}", .prohibitedCharacter),
        ("", .empty),
        ("\u{00AD}\u{200B}", .empty),
    ])
    func rejects(_ input: String, error: SASLprepError) {
        #expect(throws: error) { try SASLprep.prepare(input) }
    }
}

/// Non-characters cannot be written as `\u{...}` literals; the lexer refuses them.
func scalar(_ value: UInt32) -> String {
    String(Character(Unicode.Scalar(value)!))
}
