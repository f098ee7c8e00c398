import Foundation
import MailMessage
import Testing

@Suite struct POP3MetadataTests {
    static let metadata = POP3Metadata(
        storedSize: 1000, downloadSize: 990, headerLength: 100, bodyLineCount: 10, lineIndexStride: 4,
        bodyLineCheckpoints: [100, 300, 700])

    @Test(arguments: [
        (-1, 100, 0), (0, 100, 0), (1, 100, 1), (3, 100, 3), (4, 300, 0), (5, 300, 1), (9, 700, 1), (10, 1000, 0),
        (11, 1000, 0),
    ])
    func topScanStart(bodyLines n: Int, offset: Int, linesToSkip: Int) {
        let start = Self.metadata.topScanStart(bodyLines: n)
        #expect(start.offset == offset)
        #expect(start.linesToSkip == linesToSkip)
    }

    @Test(arguments: [0, -4])
    func damagedMetadataFallsBackToScanFromHeader(stride: Int) {
        let (stored, good) = POP3Form.convert(bytes("H: v\n\n") + (0..<20).flatMap { bytes("l\($0)\n") }, lineIndexStride: 4)
        var damaged = good
        damaged.lineIndexStride = stride
        #expect(damaged.topScanStart(bodyLines: 9) == (good.headerLength, 9))
        damaged = good
        damaged.bodyLineCheckpoints = []
        for n in 0...21 {
            #expect(
                POP3Form.topEnd(bodyLines: n, metadata: damaged, stored: stored)
                    == POP3Form.topEnd(bodyLines: n, metadata: good, stored: stored))
        }
    }

    @Test func roundTripsThroughCodable() throws {
        let (_, metadata) = POP3Form.convert(bytes("H: v\n\n.a\nb\n"), lineIndexStride: 1)
        let decoded = try JSONDecoder().decode(POP3Metadata.self, from: JSONEncoder().encode(metadata))
        #expect(decoded == metadata)
    }
}
