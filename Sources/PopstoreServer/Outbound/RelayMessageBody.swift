/// The message to relay: a file that already holds it in DATA form (CRLF line ends,
/// dot-stuffed, as ``SMTPDotStuffer`` writes it) WITHOUT the terminating `.` CRLF, and how
/// many octets of it to send from offset 0.
///
/// The file is read in chunks on the file I/O thread pool while the session runs; it must
/// stay unchanged until ``SMTPRelayClient/send(envelope:body:to:group:fileIO:logger:)`` returns.
/// - SeeAlso: RFC 5321 §4.5.2, §4.1.1.4
public struct RelayMessageBody: Sendable, Equatable {
    public var path: String
    public var length: Int

    public init(path: String, length: Int) {
        self.path = path
        self.length = length
    }
}
