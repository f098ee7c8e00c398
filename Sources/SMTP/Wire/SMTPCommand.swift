/// A command from an SMTP or LMTP client, as far as the wire tells.
/// - SeeAlso: RFC 5321 §4.1, RFC 2033 §4.1 (LHLO), RFC 3030 §2 (BDAT)
public enum SMTPCommand: Sendable, Equatable {
    case lhlo(String)
    case helo(String)
    case ehlo(String)
    /// `MAIL FROM:<path> params`; the path is empty for the null sender `<>`.
    case mail(reversePath: String, parameters: [SMTPParameter])
    /// `RCPT TO:<path> params`.
    case rcpt(forwardPath: String, parameters: [SMTPParameter])
    case data
    /// `BDAT size [LAST]`: exactly `size` octets of message follow the line.
    case bdat(size: Int, last: Bool)
    case rset
    case noop
    case quit
    case vrfy(String)
    case help
    case starttls

    /// The verb, for logs.
    public var verb: String {
        switch self {
        case .lhlo: "LHLO"
        case .helo: "HELO"
        case .ehlo: "EHLO"
        case .mail: "MAIL"
        case .rcpt: "RCPT"
        case .data: "DATA"
        case .bdat: "BDAT"
        case .rset: "RSET"
        case .noop: "NOOP"
        case .quit: "QUIT"
        case .vrfy: "VRFY"
        case .help: "HELP"
        case .starttls: "STARTTLS"
        }
    }
}

/// One ESMTP parameter of MAIL or RCPT (`KEYWORD[=value]`, RFC 5321 §4.1.2); the keyword
/// upper-cased, the value as sent.
public struct SMTPParameter: Sendable, Equatable {
    public var keyword: String
    public var value: String?

    public init(_ keyword: String, _ value: String? = nil) {
        self.keyword = keyword
        self.value = value
    }
}

extension Array where Element == SMTPParameter {
    /// The value of the first parameter named `keyword`, `.some(nil)` for a bare keyword.
    public func value(of keyword: String) -> String?? {
        first { $0.keyword == keyword }.map { $0.value }
    }
}
