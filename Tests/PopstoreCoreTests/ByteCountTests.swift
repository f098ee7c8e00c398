import PopstoreCore
import Testing

struct ByteCountTests {
    static let sizes: [(String, Int64)] = [
        ("0", 0),
        ("1024", 1024),
        ("1500", 1500),
        ("512K", 524_288),
        ("512k", 524_288),
        ("10M", 10_485_760),
        ("10m", 10_485_760),
        ("2G", 2_147_483_648),
        ("2g", 2_147_483_648),
        (" 10M ", 10_485_760),
        ("0K", 0),
        ("1048576G", 1 << 50),
        ("1125899906842624", 1 << 50),
    ]

    @Test(arguments: sizes)
    func parses(raw: String, bytes: Int64) throws {
        #expect(try ByteCount.parse(raw) == bytes)
    }

    @Test(arguments: [
        "",
        " ",
        "-1",
        "+1",
        "1.5M",
        "10X",
        "10KB",
        "10 M",
        "K",
        "M",
        "0x10",
        "1e6",
        "\u{661}\u{660}",
        "99999999999G",
        "1048577G",
        "1125899906842625",
        "99999999999999999999",
        "9223372036854775807",
    ])
    func refuses(raw: String) {
        #expect(
            throws: PopstoreError.invalidInput(
                "invalid size \(NameRules.printable(raw)): use bytes or a number with K, M or G")
        ) { try ByteCount.parse(raw) }
    }

    static let spellings: [(Int64, String)] = [
        (0, "0"),
        (1, "1"),
        (1000, "1000"),
        (1023, "1023"),
        (1024, "1K"),
        (1536, "1536"),
        (524_288, "512K"),
        (10_485_760, "10M"),
        (10_486_784, "10241K"),
        (2_147_483_648, "2G"),
        (1 << 50, "1048576G"),
    ]

    @Test(arguments: spellings)
    func formatsShortestExactSpelling(bytes: Int64, text: String) throws {
        #expect(ByteCount.format(bytes) == text)
        #expect(try ByteCount.parse(text) == bytes)
    }

    @Test(arguments: ["1024", "512k", "10M", "2g", "1536", "3G"])
    func parseThenFormatThenParseIsStable(raw: String) throws {
        let bytes = try ByteCount.parse(raw)
        #expect(try ByteCount.parse(ByteCount.format(bytes)) == bytes)
    }
}
