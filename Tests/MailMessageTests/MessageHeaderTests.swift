import MailMessage
import Testing

struct MessageHeaderVector: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let raw: [UInt8]
    let fields: [MessageHeader.Field]
}

private func field(_ name: String, _ value: String) -> MessageHeader.Field {
    MessageHeader.Field(name: name, value: value)
}

let messageHeaderVectors: [MessageHeaderVector] = [
    .init(testDescription: "empty input", raw: [], fields: []),
    .init(
        testDescription: "simple fields, body not read", raw: bytes("From: a@b\r\nSubject: hi\r\n\r\nX: body\r\n"),
        fields: [field("From", "a@b"), field("Subject", "hi")]),
    .init(
        testDescription: "folding with CRLF", raw: bytes("Subject: a\r\n b\r\n\tc\r\nTo: d\r\n\r\n"),
        fields: [field("Subject", "a b\tc"), field("To", "d")]),
    .init(
        testDescription: "folding with LF and bare CR", raw: bytes("Subject: a\n b\r c\n\nbody"),
        fields: [field("Subject", "a b c")]),
    .init(
        testDescription: "value starting on a continuation line", raw: bytes("Subject:\r\n  folded\r\n"),
        fields: [field("Subject", "folded")]),
    .init(
        testDescription: "leading whitespace trimmed, trailing kept", raw: bytes("Subject: \t hi \r\n"),
        fields: [field("Subject", "hi ")]),
    .init(testDescription: "empty value", raw: bytes("X-Empty:\r\n"), fields: [field("X-Empty", "")]),
    .init(
        testDescription: "missing separator", raw: bytes("A: 1\r\nB: 2"), fields: [field("A", "1"), field("B", "2")]),
    .init(
        testDescription: "whitespace before colon", raw: bytes("Subject \t: x\r\n"), fields: [field("Subject", "x")]),
    .init(
        testDescription: "non-field lines skipped with their continuations",
        raw: bytes("From a@b Mon Jan  1 00:00:00 2024\r\n cont\r\nno colon\r\n: no name\r\nA: 1\r\n"),
        fields: [field("A", "1")]),
    .init(
        testDescription: "continuation before any field ignored", raw: bytes(" lost\r\nA: 1\r\n"),
        fields: [field("A", "1")]),
    .init(
        testDescription: "UTF-8 and invalid 8-bit bytes",
        raw: bytes("Subject: caf\u{E9}\r\n") + [0x58, 0x3A, 0x20, 0xFF, 0x0D, 0x0A],
        fields: [field("Subject", "caf\u{E9}"), field("X", "\u{FFFD}")]),
    .init(
        testDescription: "colon inside value", raw: bytes("Date: Mon, 1 Jan 2024 10:00:00 +0000\n"),
        fields: [field("Date", "Mon, 1 Jan 2024 10:00:00 +0000")]),
]

@Suite struct MessageHeaderTests {
    @Test(arguments: messageHeaderVectors)
    func parses(_ vector: MessageHeaderVector) {
        #expect(MessageHeader(parsing: vector.raw).fields == vector.fields)
        let stored = POP3Form.convert(vector.raw).stored
        if vector.raw.first != 0x2E {
            #expect(MessageHeader(parsing: stored).fields == vector.fields, "stored form reads the same")
        }
    }

    @Test(arguments: ["subject", "SUBJECT", "Subject", "sUbJeCt"])
    func looksUpCaseInsensitively(name: String) {
        let header = MessageHeader(parsing: bytes("SUBJECT: first\r\nsubject: second\r\nTo: x\r\n\r\n"))
        #expect(header[name] == "first")
        #expect(header.values(name) == ["first", "second"])
    }

    @Test func missingFieldIsNil() {
        let header = MessageHeader(parsing: bytes("To: x\r\n\r\nSubject: in body\r\n"))
        #expect(header["Subject"] == nil)
        #expect(header.values("Subject").isEmpty)
    }

    /// `padding` makes the filler line end `offsetFromLimit` bytes from the limit.
    static func headerEnding(offsetFromLimit: Int, lineEnd: String) -> [UInt8] {
        let prefix = bytes("A: 1\r\nX: ")
        let fillerLength = MessageHeader.maximumHeaderBytes + offsetFromLimit - prefix.count - lineEnd.utf8.count
        return prefix + [UInt8](repeating: 0x78, count: fillerLength) + bytes(lineEnd)
    }

    struct LimitCase: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let raw: [UInt8]
        let names: [String]
    }

    @Test(arguments: [
        LimitCase(
            testDescription: "line ends exactly at the limit",
            raw: headerEnding(offsetFromLimit: 0, lineEnd: "\r\n") + bytes("B: 2\r\n"), names: ["A", "X"]),
        LimitCase(
            testDescription: "LF of the line end past the limit",
            raw: headerEnding(offsetFromLimit: 1, lineEnd: "\r\n") + bytes("B: 2\r\n"), names: ["A", "X"]),
        LimitCase(
            testDescription: "line cut by the limit is dropped",
            raw: headerEnding(offsetFromLimit: 2, lineEnd: "\r\n"), names: ["A"]),
        LimitCase(
            testDescription: "input of exactly the limit without line end",
            raw: headerEnding(offsetFromLimit: 0, lineEnd: ""), names: ["A", "X"]),
        LimitCase(
            testDescription: "input one byte over the limit without line end",
            raw: headerEnding(offsetFromLimit: 1, lineEnd: ""), names: ["A"]),
        LimitCase(
            testDescription: "endless header",
            raw: [UInt8]((0..<(MessageHeader.maximumHeaderBytes / 6 + 10)).flatMap { _ in bytes("A: 1\r\n") }),
            names: [String](repeating: "A", count: MessageHeader.maximumHeaderBytes / 6)),
    ])
    func stopsAtByteLimit(_ limitCase: LimitCase) {
        #expect(MessageHeader(parsing: limitCase.raw).fields.map(\.name) == limitCase.names)
    }

    @Test func limitIs256KiB() {
        #expect(MessageHeader.maximumHeaderBytes == 262_144)
    }
}
