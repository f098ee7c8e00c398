import NIOCore

/// Reads the message that follows DATA: undoes the dot-stuffing and finds the end, the
/// line holding a single `.` (RFC 5321 §4.5.2, §4.1.1.4). Pure and streaming: feed it
/// whatever arrived, in any split.
///
/// The message comes out as sent, line ends included; lines may be longer than RFC 5321's
/// 1,000 octets and may hold any octet, NUL included, because refusing them at this point
/// would bounce mail that other stores keep. A bare LF ends a line too, so `.` LF also
/// ends the message: some MTAs and scripts send it, and reading on would hang the client.
/// Only the message size is bounded, by the caller.
public struct SMTPDataDecoder: Sendable {
    private enum State: Sendable {
        case lineStart, dot, dotCR, inLine
    }

    private var state = State.lineStart

    public init() {}

    /// What one call found.
    public enum Progress: Sendable, Equatable {
        /// The end was not seen yet; everything given was consumed.
        case needMore
        /// The end was seen and consumed; what follows it in the buffer is the next command.
        case complete
    }

    /// Consumes message octets from the front of `buffer`, appending the unstuffed message
    /// to `output`.
    public mutating func decode(from buffer: inout ByteBuffer, into output: inout [UInt8]) -> Progress {
        let view = buffer.readableBytesView
        var index = view.startIndex
        var runStart = index
        defer { buffer.moveReaderIndex(to: index) }
        func flushRun(upTo end: Int) {
            if runStart < end { output.append(contentsOf: view[runStart..<end]) }
        }
        while index < view.endIndex {
            let byte = view[index]
            switch state {
            case .inLine:
                // The common case: copy up to the next LF in one run.
                if let lf = view[index...].firstIndex(of: 0x0A) {
                    index = lf + 1
                    state = .lineStart
                } else {
                    index = view.endIndex
                }
                continue
            case .lineStart:
                if byte == UInt8(ascii: ".") {
                    flushRun(upTo: index)
                    state = .dot
                    index += 1
                    runStart = index
                    continue
                }
                state = byte == 0x0A ? .lineStart : .inLine
            case .dot:
                if byte == 0x0D {
                    state = .dotCR
                } else if byte == 0x0A {
                    index += 1
                    state = .lineStart
                    return .complete
                } else {
                    // A stuffed line: the leading dot is gone, the rest is content.
                    state = byte == 0x0A ? .lineStart : .inLine
                }
            case .dotCR:
                if byte == 0x0A {
                    index += 1
                    state = .lineStart
                    runStart = index
                    return .complete
                }
                // `.` CR something: the dot was stuffing, CR is content.
                output.append(0x0D)
                runStart = index
                state = .inLine
                continue
            }
            index += 1
        }
        if state != .dotCR { flushRun(upTo: index) } else { runStart = index }
        return .needMore
    }
}
