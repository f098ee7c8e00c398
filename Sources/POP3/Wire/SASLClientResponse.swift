import NIOCore
import SASL

/// One client line in the middle of a SASL exchange: the answer to a `+ ` challenge.
///
/// - SeeAlso: RFC 5034 §4, §6 (`*(CRLF [base64]) [CRLF cancel-response]`)
public enum SASLClientResponse: Sendable, Equatable {
    /// `*`: the client abandons the exchange; the server answers `-ERR`.
    case cancel
    /// The decoded bytes of a base64 line; an empty line is an empty response.
    case data([UInt8])
}

extension SASLClientResponse {
    /// Writes the line as a client sends it, CRLF included.
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .cancel:
            buffer.writeInteger(UInt8(ascii: "*"))
        case .data(let bytes):
            buffer.writeBytes(SASLBase64.encode(bytes))
        }
        buffer.writeBytes(POP3Wire.crlf)
    }
}
