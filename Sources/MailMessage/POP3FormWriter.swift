/// Incremental converter from raw message bytes, as an MTA hands them over, to POP3 form:
/// the exact octets a RETR response carries before its terminating ".\r\n".
///
/// Popstore stores each message once in this form and sends the file with sendfile, so
/// everything POP3 needs is computed here, at delivery, in one pass:
/// - Every line ends in CRLF. A bare LF, and a bare CR not followed by LF, become CRLF; a CR
///   at the end of one chunk waits for the next chunk to see whether an LF follows. A last
///   line without a line end gets a CRLF. An empty message yields zero octets.
///   (RFC 5322 §2.3 allows CR and LF only together, but real MTAs hand over all three.)
/// - Every line that begins with "." gets one more "." in front (dot-stuffing).
/// - NUL and 8-bit octets are kept as they are: the store does not judge content.
/// - There is no line length limit: the writer keeps no line in memory, so a long line costs
///   nothing here; the message size limit belongs to the delivery path.
///
/// Memory is bounded: a handful of counters plus one checkpoint per `lineIndexStride` body
/// lines. Chunks may be of any size; one byte at a time gives the same result as all at once.
/// - SeeAlso: RFC 1939 §3 (dot-stuffing), §11 (CRLF on the wire)
public struct POP3FormWriter: Sendable {
    /// Body lines between two TOP checkpoints.
    ///
    /// 64 keeps the metadata near 1/64 of an Int per body line while bounding the scan of a
    /// TOP command to at most 63 lines past its checkpoint.
    /// - SeeAlso: RFC 1939 §7 (TOP)
    public static let defaultLineIndexStride: Int = 64

    private let lineIndexStride: Int
    /// Stored octets emitted by earlier calls.
    private var storedSize = 0
    /// Lines that got an extra "."; the client strips it again, so it is not part of `downloadSize`.
    private var stuffedLineCount = 0
    /// The previous octet was a CR whose LF, if any, has not arrived yet.
    private var pendingCR = false
    /// No content octet of the current line has arrived yet.
    private var atLineStart = true
    private var lineStartOffset = 0
    /// The empty line ending the header has been seen (RFC 5322 §2.1).
    private var inBody = false
    private var headerLength = 0
    private var bodyLineCount = 0
    private var bodyLineCheckpoints: [Int] = []

    /// - Parameter lineIndexStride: body lines between two TOP checkpoints; must be positive.
    public init(lineIndexStride: Int = POP3FormWriter.defaultLineIndexStride) {
        precondition(lineIndexStride > 0, "lineIndexStride must be positive")
        self.lineIndexStride = lineIndexStride
    }

    /// Converts a chunk; returns the POP3-form bytes ready to append to the stored file.
    ///
    /// A CR at the end of the chunk is held back until the next chunk or `finish()`.
    public mutating func append<C: Collection>(_ chunk: C) -> [UInt8] where C.Element == UInt8 {
        var output: [UInt8] = []
        output.reserveCapacity(chunk.underestimatedCount + chunk.underestimatedCount / 32 + 2)
        let convertedContiguously: Void? = chunk.withContiguousStorageIfAvailable { buffer in
            for byte in buffer {
                consume(byte, into: &output)
            }
        }
        if convertedContiguously == nil {
            for byte in chunk {
                consume(byte, into: &output)
            }
        }
        storedSize += output.count
        return output
    }

    /// Ends the message: returns the last bytes (a CRLF for a last line without one, or for
    /// a pending CR) and the metadata. Call it once, after the last `append`.
    public mutating func finish() -> (tail: [UInt8], metadata: POP3Metadata) {
        var output: [UInt8] = []
        if pendingCR || !atLineStart {
            pendingCR = false
            endLine(into: &output)
        }
        storedSize += output.count
        let metadata = POP3Metadata(
            storedSize: storedSize,
            downloadSize: storedSize - stuffedLineCount,
            headerLength: inBody ? headerLength : storedSize,
            bodyLineCount: bodyLineCount,
            lineIndexStride: lineIndexStride,
            bodyLineCheckpoints: bodyLineCheckpoints
        )
        return (output, metadata)
    }

    @inline(__always)
    private mutating func consume(_ byte: UInt8, into output: inout [UInt8]) {
        if pendingCR {
            pendingCR = false
            endLine(into: &output)
            if byte == ASCII.lf {
                return
            }
        }
        switch byte {
        case ASCII.cr:
            pendingCR = true
        case ASCII.lf:
            endLine(into: &output)
        default:
            if atLineStart {
                atLineStart = false
                if byte == ASCII.dot {
                    output.append(ASCII.dot)
                    stuffedLineCount += 1
                }
            }
            output.append(byte)
        }
    }

    /// Emits the CRLF ending the current line and records where the next line starts.
    ///
    /// The first empty line separates header from body.
    /// - SeeAlso: RFC 5322 §2.1
    private mutating func endLine(into output: inout [UInt8]) {
        output.append(ASCII.cr)
        output.append(ASCII.lf)
        let nextLineStart = storedSize + output.count
        if inBody {
            if bodyLineCount % lineIndexStride == 0 {
                bodyLineCheckpoints.append(lineStartOffset)
            }
            bodyLineCount += 1
        } else if atLineStart {
            inBody = true
            headerLength = nextLineStart
        }
        atLineStart = true
        lineStartOffset = nextLineStart
    }
}
