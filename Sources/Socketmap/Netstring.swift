import NIOCore

/// Netstrings (`length:bytes,`, D. J. Bernstein's format), the framing of Postfix's
/// socketmap protocol (socketmap_table(5)). Pure and streaming.
public struct NetstringDecoder: Sendable {
    /// The longest payload accepted, in octets.
    public let maximumLength: Int

    public init(maximumLength: Int) {
        self.maximumLength = maximumLength
    }

    public enum Error: Swift.Error, Sendable, Equatable {
        /// Not `digits:`, or no `,` after the payload: the stream cannot be resynchronised.
        case malformed
        /// The announced length passes ``NetstringDecoder/maximumLength``.
        case tooLong
    }

    /// Takes one netstring's payload from the front of `buffer`; nil when more is needed.
    public func decode(from buffer: inout ByteBuffer) throws(Error) -> [UInt8]? {
        let view = buffer.readableBytesView
        let digitsAllowed = String(maximumLength).count
        var length = 0
        var index = view.startIndex
        while true {
            guard index < view.endIndex else {
                if index - view.startIndex > digitsAllowed { throw .tooLong }
                return nil
            }
            let byte = view[index]
            if byte == UInt8(ascii: ":") { break }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { throw .malformed }
            // No leading zeros beyond a lone "0", as the format asks.
            guard !(index > view.startIndex && length == 0) else { throw .malformed }
            length = length * 10 + Int(byte - UInt8(ascii: "0"))
            index += 1
            guard index - view.startIndex <= digitsAllowed, length <= maximumLength else { throw .tooLong }
        }
        guard index > view.startIndex else { throw .malformed }
        let payloadStart = index + 1
        guard view.endIndex - payloadStart >= length + 1 else { return nil }
        guard view[payloadStart + length] == UInt8(ascii: ",") else { throw .malformed }
        let payload = Array(view[payloadStart..<(payloadStart + length)])
        buffer.moveReaderIndex(forwardBy: payloadStart + length + 1 - view.startIndex)
        return payload
    }
}

public enum Netstring {
    public static func encode(_ payload: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeString("\(payload.count):")
        buffer.writeBytes(payload)
        buffer.writeInteger(UInt8(ascii: ","))
    }
}
