import NIOCore
import SASL

/// One client response in the middle of an AUTHENTICATE exchange: the answer to a
/// server challenge.
///
/// - SeeAlso: RFC 5804 §2.1 (`*(CRLF string)`; a string holding `*` cancels)
public enum ManageSieveSASLResponse: Sendable, Equatable {
    /// `"*"`: the client abandons the exchange; the server answers `NO`.
    case cancel
    /// The decoded bytes of a base64 string; `""` is an empty response.
    case data([UInt8])
}

extension ManageSieveSASLResponse {
    /// Writes the response as a client sends it, CRLF included.
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .cancel:
            ManageSieveString.write(Array("*".utf8), as: .clientLiteral, into: &buffer)
        case .data(let bytes):
            ManageSieveString.write(SASLBase64.encode(bytes), as: .clientLiteral, into: &buffer)
        }
        buffer.writeBytes(ManageSieveString.crlf)
    }
}
