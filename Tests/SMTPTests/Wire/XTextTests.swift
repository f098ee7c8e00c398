import Testing

@testable import SMTP

struct XTextTests {
    /// RFC 3461 §4: `+`, `=`, and octets outside `!`..`~` are written `+XX`.
    @Test(arguments: [
        ("", ""),
        ("QQwIQ", "QQwIQ"),
        ("a+b", "a+2Bb"),
        ("a=b", "a+3Db"),
        ("two words", "two+20words"),
        ("line\r\nend", "line+0D+0Aend"),
        ("tab\there", "tab+09here"),
        ("\u{7F}", "+7F"),
        ("é", "+C3+A9"),
        ("<a@example.org>", "<a@example.org>"),
        ("!~", "!~"),
    ])
    func encoding(_ text: String, _ xtext: String) {
        #expect(XText.encode(text) == xtext)
        #expect(XText.decode(xtext) == text)
    }

    @Test(arguments: [
        "+4",  // one hex digit
        "+",  // none
        "+zz",  // not hex
        "+2b",  // RFC 3461 §4: upper-case hex only
        "a=b",  // `=` must be encoded
        "a b",  // so must a space
        "a\tb",
        "é",  // and anything outside ASCII
        "+FF",  // an octet that is not UTF-8 text
        "+C3",  // half a character
    ])
    func refused(_ xtext: String) {
        #expect(XText.decode(xtext) == nil)
    }

    @Test
    func roundTrip() {
        let texts = [String((0..<128).map { Character(Unicode.Scalar(UInt8($0))) }), "ENVID-42+x=y", "Grüße, 世界 😀", "+2B"]
        for text in texts {
            let xtext = XText.encode(text)
            #expect(xtext.utf8.allSatisfy { (33...126).contains($0) && $0 != UInt8(ascii: "=") })
            #expect(XText.decode(xtext) == text)
        }
    }
}
