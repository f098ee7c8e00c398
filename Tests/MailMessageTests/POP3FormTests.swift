import MailMessage
import Testing

@Suite struct POP3FormTests {
    @Test(arguments: 1...8 as ClosedRange<UInt64>)
    func randomMessagesMatchReference(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<100 {
            let raw = ReferencePOP3Form.randomMessage(using: &generator, maximumLength: 120)
            let stride = Int.random(in: 1...5, using: &generator)
            let (stored, metadata) = POP3Form.convert(raw, lineIndexStride: stride)
            let reference = ReferencePOP3Form.convert(raw, stride: stride)
            #expect(stored == reference.stored)
            #expect(metadata == reference.metadata)
            let unstuffed = POP3Form.unstuff(stored)
            #expect(unstuffed.count == metadata.downloadSize)
            #expect(unstuffed == ReferencePOP3Form.normalized(raw))
            for chunking in Chunking.allCases {
                let chunked = chunking.feed(raw, stride: stride)
                #expect(chunked.stored == stored, "\(chunking.testDescription)")
                #expect(chunked.metadata == metadata, "\(chunking.testDescription)")
            }
        }
    }

    @Test(arguments: [
        (bytes(""), bytes("")),
        (bytes("..\r\n"), bytes(".\r\n")),
        (bytes("...\r\n..x\r\nx..\r\n"), bytes("..\r\n.x\r\nx..\r\n")),
        (bytes("a\r\n..\r\n"), bytes("a\r\n.\r\n")),
    ])
    func unstuffStripsOneLeadingDot(stored: [UInt8], expected: [UInt8]) {
        #expect(POP3Form.unstuff(stored) == expected)
    }

    /// 300 body lines, some dot-stuffed, some empty, with every kind of raw line end.
    static let longMessage: [UInt8] = {
        var raw = bytes("From: a@example.org\r\nSubject: top\n.Dotted: header\r\n\r\n")
        let lineEnds = [bytes("\r\n"), bytes("\n"), bytes("\r")]
        for index in 0..<300 {
            let content = index % 7 == 0 ? bytes(".") : index % 11 == 0 ? [] : bytes("line \(index)")
            raw += content + lineEnds[index % 3]
        }
        return raw
    }()

    @Test(arguments: [1, 4, 64], [0, 1, 3, 63, 64, 65, 299, 300, 1000])
    func topEndMatchesNaiveScan(stride: Int, bodyLines n: Int) {
        var writer = POP3FormWriter(lineIndexStride: stride)
        var stored = writer.append(Self.longMessage)
        let (tail, metadata) = writer.finish()
        stored += tail
        #expect(metadata.bodyLineCount == 300)
        let end = POP3Form.topEnd(bodyLines: n, metadata: metadata, stored: stored)
        #expect(end == ReferencePOP3Form.topEnd(bodyLines: n, stored: stored))
        let (_, linesToSkip) = metadata.topScanStart(bodyLines: n)
        #expect(linesToSkip < stride)
    }

    @Test func topEndOfMessageWithoutBody() {
        let (stored, metadata) = POP3Form.convert(bytes("H: v\r\nI: w\r\n"))
        for n in [0, 1, 10] {
            #expect(POP3Form.topEnd(bodyLines: n, metadata: metadata, stored: stored) == stored.count)
        }
    }
}
