import MailMessage
import Testing

/// A deliberately naive, whole-buffer model of the POP3 form rules, for comparison with the
/// incremental writer.
enum ReferencePOP3Form {
    /// Splits raw bytes into lines at CRLF, LF or a bare CR; a last line without a line end
    /// counts as a line, an empty input has no lines.
    static func lines(_ raw: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            if byte == 0x0D {
                lines.append(current)
                current = []
                if index + 1 < raw.count, raw[index + 1] == 0x0A {
                    index += 1
                }
            } else if byte == 0x0A {
                lines.append(current)
                current = []
            } else {
                current.append(byte)
            }
            index += 1
        }
        if !current.isEmpty {
            lines.append(current)
        }
        return lines
    }

    /// Raw bytes with every line end made CRLF: what the client must end up with.
    static func normalized(_ raw: [UInt8]) -> [UInt8] {
        lines(raw).flatMap { $0 + [0x0D, 0x0A] }
    }

    static func convert(_ raw: [UInt8], stride: Int) -> (stored: [UInt8], metadata: POP3Metadata) {
        var stored: [UInt8] = []
        var stuffed = 0
        var headerLength: Int?
        var bodyLines = 0
        var checkpoints: [Int] = []
        for line in lines(raw) {
            if headerLength != nil {
                if bodyLines % stride == 0 {
                    checkpoints.append(stored.count)
                }
                bodyLines += 1
            }
            if line.first == 0x2E {
                stored.append(0x2E)
                stuffed += 1
            }
            stored += line + [0x0D, 0x0A]
            if headerLength == nil, line.isEmpty {
                headerLength = stored.count
            }
        }
        let metadata = POP3Metadata(
            storedSize: stored.count,
            downloadSize: stored.count - stuffed,
            headerLength: headerLength ?? stored.count,
            bodyLineCount: bodyLines,
            lineIndexStride: stride,
            bodyLineCheckpoints: checkpoints
        )
        return (stored, metadata)
    }

    /// End of header + first n body lines found by walking the stored lines from the start.
    static func topEnd(bodyLines n: Int, stored: [UInt8]) -> Int {
        var offset = 0
        var inBody = false
        var bodyLinesSeen = 0
        while offset < stored.count {
            if inBody && bodyLinesSeen == n {
                return offset
            }
            let lineStart = offset
            while stored[offset] != 0x0A {
                offset += 1
            }
            offset += 1
            if inBody {
                bodyLinesSeen += 1
            } else if offset - lineStart == 2 {
                inBody = true
            }
        }
        return offset
    }

    static func randomMessage(using generator: inout SeededGenerator, maximumLength: Int) -> [UInt8] {
        let alphabet: [UInt8] = [0x0D, 0x0A, 0x0A, 0x2E, 0x2E, 0x61, 0x62, 0x20, 0x3A, 0x00, 0xFF, 0x80]
        let length = Int.random(in: 0...maximumLength, using: &generator)
        return (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
    }
}

/// How a test hands a message to the writer.
enum Chunking: Sendable, CustomTestStringConvertible, CaseIterable {
    case whole
    case byteByByte
    case randomSizes(seed: UInt64)
    /// Random sizes through a collection without contiguous storage.
    case nonContiguous(seed: UInt64)

    static let allCases: [Chunking] = [
        .whole, .byteByByte, .randomSizes(seed: 1), .randomSizes(seed: 2), .randomSizes(seed: 3),
        .nonContiguous(seed: 4),
    ]

    var testDescription: String {
        switch self {
        case .whole: "whole"
        case .byteByByte: "byte by byte"
        case .randomSizes(let seed): "random sizes, seed \(seed)"
        case .nonContiguous(let seed): "non-contiguous, seed \(seed)"
        }
    }

    func feed(_ raw: [UInt8], stride: Int = POP3FormWriter.defaultLineIndexStride)
        -> (stored: [UInt8], metadata: POP3Metadata)
    {
        var writer = POP3FormWriter(lineIndexStride: stride)
        var stored: [UInt8] = []
        switch self {
        case .whole:
            stored += writer.append(raw)
        case .byteByByte:
            for byte in raw {
                stored += writer.append([byte])
            }
        case .randomSizes(let seed), .nonContiguous(let seed):
            var generator = SeededGenerator(seed: seed)
            var start = 0
            while start <= raw.count {
                let end = min(raw.count, start + Int.random(in: 0...7, using: &generator))
                if case .nonContiguous = self {
                    stored += writer.append(raw[start..<end].lazy.map { $0 })
                } else {
                    stored += writer.append(raw[start..<end])
                }
                if start == raw.count {
                    break
                }
                start = end
            }
        }
        let (tail, metadata) = writer.finish()
        return (stored + tail, metadata)
    }
}

/// The UTF-8 bytes of a test literal.
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}
