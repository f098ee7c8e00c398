import Testing

@testable import Sieve

/// Malformed scripts given as bytes (CRLF line ends, as ManageSieve receives them): each
/// must fail to compile at the line and column of its first error.
@Suite struct SieveMalformedScriptTests {
    static let cases: [([UInt8], String)] = [
        (Array("require \"fileinto\";\r\nif true {\r\n  keep\r\n}\r\n".utf8), "4:1"),
        (Array("if header :is \"to\" \"a\" {\r\n  discard;\r\n".utf8), "3:1"),
        (Array("keep;\r\n\r\n   )".utf8), "3:4"),
        (Array("if anyof (true,\r\n          false,) { stop; }\r\n".utf8), "2:17"),
        (Array("if header :is [\"a\",\r\n  ] \"b\" {}\r\n".utf8), "2:3"),
        (Array("redirect \"a@example.com\"\r\nkeep;\r\n".utf8), "2:1"),
        (Array("if true { stop; }\r\n\"orphan\";\r\n".utf8), "2:1"),
        (Array("/* open comment\r\nkeep;\r\n".utf8), "1:1"),
        (Array("keep;\r\nif header :is \"subject\" \"never closed {\r\n".utf8), "2:25"),
        (Array("keep;\r\nreject text:\r\nno terminating dot\r\n".utf8), "2:8"),
        (Array("keep;\r\n  if size :over 10X { stop; }\r\n".utf8), "2:19"),
        (Array("keep;\r\nif true {\r\n\tstop; \u{1}\r\n}".utf8), "3:8"),
        (Array("if not {}\r\n".utf8), "1:4"),
        (Array("if true\r\n{ keep; }}\r\n".utf8), "2:10"),
    ]

    @Test(arguments: cases)
    func failsAt(bytes: [UInt8], location: String) {
        let source = String(decoding: bytes, as: UTF8.self)
        #expect(compileError(source)?.location.description == location, "\(String(describing: compileError(source)))")
        #expect(SieveScript.check(source).first?.location.description == location)
    }
}
