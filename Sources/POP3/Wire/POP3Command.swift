import NIOCore
import SASL

/// A client command.
///
/// - SeeAlso: RFC 1939 §§4–7, RFC 2449 §5 (`CAPA`), RFC 5034 §4 (`AUTH`), RFC 2595 §4
///   (`STLS`), RFC 6856 (`UTF8`, `LANG`)
public enum POP3Command: Sendable, Equatable {
    /// `USER name`: the name exactly as sent (one argument, no spaces; UTF-8 allowed).
    case user(String)
    /// `PASS string`: everything after the single space that follows the keyword, spaces
    /// included (RFC 1939 §7); never empty.
    case pass(String)
    /// `APOP name digest`: the digest is 32 hexadecimal digits, lower-cased here.
    case apop(name: String, digest: String)
    case stat
    case noop
    case rset
    case quit
    case capa
    case stls
    case utf8
    /// `LIST [msg]`: a message number (1-based) or nil for the whole scan listing.
    case list(Int?)
    /// `UIDL [msg]`: a message number (1-based) or nil for every message.
    case uidl(Int?)
    case retr(Int)
    case dele(Int)
    /// `TOP msg n`: the headers and the first `lines` body lines (0 or more).
    case top(Int, lines: Int)
    /// `AUTH [mechanism [initial-response]]`: the mechanism upper-cased. A bare `AUTH` is
    /// not in RFC 5034 but common clients send it to ask for the mechanism list, so it
    /// parses to `mechanism: nil` and the session decides how to answer.
    case auth(mechanism: String?, initialResponse: InitialResponse?)
    /// `LANG [range]`: a language range as sent, `*`, or nil to list the languages.
    case lang(String?)

    /// The upper-case keyword that starts the command line.
    public var keyword: String {
        switch self {
        case .user: "USER"
        case .pass: "PASS"
        case .apop: "APOP"
        case .stat: "STAT"
        case .noop: "NOOP"
        case .rset: "RSET"
        case .quit: "QUIT"
        case .capa: "CAPA"
        case .stls: "STLS"
        case .utf8: "UTF8"
        case .list: "LIST"
        case .uidl: "UIDL"
        case .retr: "RETR"
        case .dele: "DELE"
        case .top: "TOP"
        case .auth: "AUTH"
        case .lang: "LANG"
        }
    }
}

extension POP3Command {
    /// Writes the command line as a client sends it, CRLF included.
    ///
    /// CR, LF and NUL in string arguments become spaces, so that no argument can end the
    /// line early and smuggle in a second command. `.data([])` as an initial response is
    /// written as `=`, the only way to send an empty one (RFC 5034 §4).
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeString(keyword)
        for argument in arguments {
            buffer.writeInteger(UInt8(ascii: " "))
            buffer.writeBytes(argument.utf8.map { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 ? UInt8(ascii: " ") : $0 })
        }
        buffer.writeBytes(POP3Wire.crlf)
    }

    private var arguments: [String] {
        switch self {
        case .stat, .noop, .rset, .quit, .capa, .stls, .utf8:
            []
        case .user(let name):
            [name]
        case .pass(let password):
            [password]
        case .apop(let name, let digest):
            [name, digest]
        case .list(let message), .uidl(let message):
            message.map { [String($0)] } ?? []
        case .retr(let message), .dele(let message):
            [String(message)]
        case .top(let message, let lines):
            [String(message), String(lines)]
        case .auth(let mechanism, let initialResponse):
            switch (mechanism, initialResponse) {
            case (nil, _):
                []
            case (let mechanism?, nil):
                [mechanism]
            case (let mechanism?, .empty?), (let mechanism?, .data([])?):
                [mechanism, "="]
            case (let mechanism?, .data(let bytes)?):
                [mechanism, String(decoding: SASLBase64.encode(bytes), as: UTF8.self)]
            }
        case .lang(let range):
            range.map { [$0] } ?? []
        }
    }
}
