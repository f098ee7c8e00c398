/// What POP3 needs about one stored message, computed at delivery by `POP3FormWriter`.
///
/// All offsets are into the stored (dot-stuffed, CRLF) form.
public struct POP3Metadata: Sendable, Equatable, Codable {
    /// Octets of the stored (dot-stuffed) form.
    public var storedSize: Int
    /// Octets the client holds after undoing dot-stuffing, CRLF counted: what STAT and LIST
    /// report. Equals `POP3Form.unstuff(stored).count`.
    /// - SeeAlso: RFC 1939 §5 ("exact size")
    public var downloadSize: Int
    /// Stored offset of the first body byte: just past the CRLF of the empty line ending the
    /// header. If there is no empty line, equals `storedSize` (all header, no body).
    /// - SeeAlso: RFC 5322 §2.1
    public var headerLength: Int
    /// Number of body lines (lines after the empty separator line).
    public var bodyLineCount: Int
    /// Stride of `bodyLineCheckpoints`.
    public var lineIndexStride: Int
    /// Stored offset of the start of body line i*stride (i = 0, 1, ...), body line 0 being
    /// the first line after the separator.
    public var bodyLineCheckpoints: [Int]

    public init(
        storedSize: Int,
        downloadSize: Int,
        headerLength: Int,
        bodyLineCount: Int,
        lineIndexStride: Int,
        bodyLineCheckpoints: [Int]
    ) {
        self.storedSize = storedSize
        self.downloadSize = downloadSize
        self.headerLength = headerLength
        self.bodyLineCount = bodyLineCount
        self.lineIndexStride = lineIndexStride
        self.bodyLineCheckpoints = bodyLineCheckpoints
    }

    /// For TOP n: where to start scanning and how many CRLFs to skip from there to find the
    /// end of the header plus the first n body lines.
    ///
    /// Returns the end offset directly (`linesToSkip == 0`) when n >= `bodyLineCount`
    /// (`storedSize`: the whole message, as RFC 1939 §7 asks) or n <= 0 (`headerLength`).
    /// Metadata that does not hold the needed checkpoint (decoded from a damaged file) costs
    /// a longer scan from `headerLength`, never a wrong answer.
    /// - SeeAlso: RFC 1939 §7
    public func topScanStart(bodyLines n: Int) -> (offset: Int, linesToSkip: Int) {
        if n <= 0 {
            return (headerLength, 0)
        }
        if n >= bodyLineCount {
            return (storedSize, 0)
        }
        guard lineIndexStride > 0 else {
            return (headerLength, n)
        }
        let checkpoint = n / lineIndexStride
        guard checkpoint < bodyLineCheckpoints.count else {
            return (headerLength, n)
        }
        return (bodyLineCheckpoints[checkpoint], n - checkpoint * lineIndexStride)
    }
}
