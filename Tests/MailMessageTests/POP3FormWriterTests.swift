import MailMessage
import Testing

struct POP3FormVector: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let raw: [UInt8]
    let stored: [UInt8]
    let downloadSize: Int
    let headerLength: Int
    let bodyLineCount: Int
}

let pop3FormVectors: [POP3FormVector] = [
    .init(testDescription: "empty input", raw: [], stored: [], downloadSize: 0, headerLength: 0, bodyLineCount: 0),
    .init(
        testDescription: "CRLF input", raw: bytes("A: 1\r\n\r\nbody\r\n"), stored: bytes("A: 1\r\n\r\nbody\r\n"),
        downloadSize: 14, headerLength: 8, bodyLineCount: 1),
    .init(
        testDescription: "LF input", raw: bytes("A: 1\n\nbody\n"), stored: bytes("A: 1\r\n\r\nbody\r\n"),
        downloadSize: 14, headerLength: 8, bodyLineCount: 1),
    .init(
        testDescription: "mixed line ends", raw: bytes("A: 1\r\nB: 2\n\r\nx\ny\r\n"),
        stored: bytes("A: 1\r\nB: 2\r\n\r\nx\r\ny\r\n"), downloadSize: 20, headerLength: 14, bodyLineCount: 2),
    .init(
        testDescription: "bare CR", raw: bytes("A: 1\r\rx\ry"), stored: bytes("A: 1\r\n\r\nx\r\ny\r\n"),
        downloadSize: 14, headerLength: 8, bodyLineCount: 2),
    .init(
        testDescription: "CR CR LF is two line ends", raw: bytes("a\r\r\nb"), stored: bytes("a\r\n\r\nb\r\n"),
        downloadSize: 8, headerLength: 5, bodyLineCount: 1),
    .init(
        testDescription: "leading dots in body", raw: bytes("H: v\r\n\r\n.\r\n..\r\n.x\r\nx.\r\n"),
        stored: bytes("H: v\r\n\r\n..\r\n...\r\n..x\r\nx.\r\n"), downloadSize: 23, headerLength: 8,
        bodyLineCount: 4),
    .init(
        testDescription: "leading dot in header", raw: bytes(".H: v\n\nb"), stored: bytes("..H: v\r\n\r\nb\r\n"),
        downloadSize: 12, headerLength: 10, bodyLineCount: 1),
    .init(
        testDescription: "message that is only a dot", raw: bytes("."), stored: bytes("..\r\n"),
        downloadSize: 3, headerLength: 4, bodyLineCount: 0),
    .init(
        testDescription: "last line without line end", raw: bytes("H: v\r\n\r\nend"),
        stored: bytes("H: v\r\n\r\nend\r\n"), downloadSize: 13, headerLength: 8, bodyLineCount: 1),
    .init(
        testDescription: "dot line ended by a final bare CR", raw: bytes("H: v\r\n\r\n.\r"),
        stored: bytes("H: v\r\n\r\n..\r\n"), downloadSize: 11, headerLength: 8, bodyLineCount: 1),
    .init(
        testDescription: "final bare CR", raw: bytes("x\r"), stored: bytes("x\r\n"), downloadSize: 3,
        headerLength: 3, bodyLineCount: 0),
    .init(
        testDescription: "no body (no separator)", raw: bytes("H: v\r\nI: w"), stored: bytes("H: v\r\nI: w\r\n"),
        downloadSize: 12, headerLength: 12, bodyLineCount: 0),
    .init(
        testDescription: "empty body", raw: bytes("H: v\r\n\r\n"), stored: bytes("H: v\r\n\r\n"),
        downloadSize: 8, headerLength: 8, bodyLineCount: 0),
    .init(
        testDescription: "only the separator", raw: bytes("\n"), stored: bytes("\r\n"), downloadSize: 2,
        headerLength: 2, bodyLineCount: 0),
    .init(
        testDescription: "empty body lines", raw: bytes("H: v\n\n\n\n"), stored: bytes("H: v\r\n\r\n\r\n\r\n"),
        downloadSize: 12, headerLength: 8, bodyLineCount: 2),
    .init(
        testDescription: "NUL and 8-bit bytes", raw: [0x48, 0x3A, 0x20, 0xE9, 0x0A, 0x0A, 0x00, 0xFF, 0x80, 0x0D],
        stored: [0x48, 0x3A, 0x20, 0xE9, 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0xFF, 0x80, 0x0D, 0x0A],
        downloadSize: 13, headerLength: 8, bodyLineCount: 1),
]

@Suite struct POP3FormWriterTests {
    @Test(arguments: pop3FormVectors, Chunking.allCases)
    func convertsVector(_ vector: POP3FormVector, chunking: Chunking) {
        let (stored, metadata) = chunking.feed(vector.raw)
        #expect(stored == vector.stored)
        #expect(metadata.storedSize == vector.stored.count)
        #expect(metadata.downloadSize == vector.downloadSize)
        #expect(metadata.headerLength == vector.headerLength)
        #expect(metadata.bodyLineCount == vector.bodyLineCount)
        #expect(metadata == ReferencePOP3Form.convert(vector.raw, stride: POP3FormWriter.defaultLineIndexStride).metadata)
    }

    @Test(arguments: pop3FormVectors)
    func unstuffedVectorIsNormalizedInput(_ vector: POP3FormVector) {
        let unstuffed = POP3Form.unstuff(vector.stored)
        #expect(unstuffed.count == vector.downloadSize)
        #expect(unstuffed == ReferencePOP3Form.normalized(vector.raw))
    }

    struct SplitCR: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let chunks: [[UInt8]]
        let stored: [UInt8]
    }

    @Test(arguments: [
        SplitCR(testDescription: "LF in next chunk", chunks: [bytes("a\r"), bytes("\nb")], stored: bytes("a\r\nb\r\n")),
        SplitCR(testDescription: "other byte in next chunk", chunks: [bytes("a\r"), bytes("b")], stored: bytes("a\r\nb\r\n")),
        SplitCR(testDescription: "empty chunk between", chunks: [bytes("a\r"), [], bytes("\n")], stored: bytes("a\r\n")),
        SplitCR(testDescription: "dot in next chunk", chunks: [bytes("a\r"), bytes(".b")], stored: bytes("a\r\n..b\r\n")),
        SplitCR(testDescription: "CR in next chunk", chunks: [bytes("a\r"), bytes("\rb")], stored: bytes("a\r\n\r\nb\r\n")),
        SplitCR(testDescription: "nothing follows", chunks: [bytes("a\r")], stored: bytes("a\r\n")),
    ])
    func carriesCRAcrossChunks(_ vector: SplitCR) {
        var writer = POP3FormWriter()
        var stored: [UInt8] = []
        for chunk in vector.chunks {
            stored += writer.append(chunk)
        }
        #expect(stored.last != 0x0D, "a CR is held back until its LF is known")
        stored += writer.finish().tail
        #expect(stored == vector.stored)
    }

    @Test(arguments: [1, 2, 4, 64])
    func recordsCheckpointEveryStrideBodyLines(stride: Int) {
        let raw = bytes("H: v\n\n") + (0..<10).flatMap { bytes(".line \($0)\n") }
        let (stored, metadata) = POP3Form.convert(raw, lineIndexStride: stride)
        #expect(metadata.lineIndexStride == stride)
        #expect(metadata.bodyLineCheckpoints.count == (10 + stride - 1) / stride)
        for (index, offset) in metadata.bodyLineCheckpoints.enumerated() {
            let expected = bytes("..line \(index * stride)\r\n")
            #expect(Array(stored[offset..<offset + expected.count]) == expected)
        }
    }

    @Test func emptyMessageYieldsNothing() {
        var writer = POP3FormWriter()
        #expect(writer.append([UInt8]()).isEmpty)
        let (tail, metadata) = writer.finish()
        #expect(tail.isEmpty)
        #expect(metadata.storedSize == 0)
        #expect(metadata.bodyLineCheckpoints.isEmpty)
        #expect(POP3FormWriter.defaultLineIndexStride == 64)
    }
}
