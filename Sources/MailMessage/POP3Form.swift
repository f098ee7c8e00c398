/// Whole-buffer operations on the POP3 form of a message.
/// - SeeAlso: `POP3FormWriter` for the conversion rules, RFC 1939 §3
public enum POP3Form {
    /// Whole-buffer convenience: raw -> (stored bytes, metadata).
    public static func convert<C: Collection>(
        _ raw: C,
        lineIndexStride: Int = POP3FormWriter.defaultLineIndexStride
    ) -> (stored: [UInt8], metadata: POP3Metadata) where C.Element == UInt8 {
        var writer = POP3FormWriter(lineIndexStride: lineIndexStride)
        var stored = writer.append(raw)
        let (tail, metadata) = writer.finish()
        stored.append(contentsOf: tail)
        return (stored, metadata)
    }

    /// Undoes dot-stuffing of stored bytes: what the client ends up with (used by
    /// `popstore message show`). The result's count equals `metadata.downloadSize`.
    ///
    /// The client strips the first "." of every line that starts with one.
    /// - SeeAlso: RFC 1939 §3
    public static func unstuff(_ stored: [UInt8]) -> [UInt8] {
        var message: [UInt8] = []
        message.reserveCapacity(stored.count)
        var atLineStart = true
        for byte in stored {
            if atLineStart && byte == ASCII.dot {
                atLineStart = false
                continue
            }
            atLineStart = byte == ASCII.lf
            message.append(byte)
        }
        return message
    }

    /// End offset (stored) of header + first n body lines, by scanning `stored` from
    /// `metadata.topScanStart(bodyLines:)`. Convenience for tests and for small messages;
    /// the server does the same scan on the file.
    /// - SeeAlso: RFC 1939 §7
    public static func topEnd(bodyLines n: Int, metadata: POP3Metadata, stored: [UInt8]) -> Int {
        let (start, linesToSkip) = metadata.topScanStart(bodyLines: n)
        var offset = min(max(start, 0), stored.count)
        var remaining = linesToSkip
        while remaining > 0, offset < stored.count {
            if stored[offset] == ASCII.lf {
                remaining -= 1
            }
            offset += 1
        }
        return offset
    }
}
