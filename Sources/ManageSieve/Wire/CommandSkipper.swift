import NIOCore

/// Throws away the rest of a command the parser has refused, consuming input as it
/// arrives, so that a refused command costs no memory however long it is.
///
/// The command ends at the first line end that is neither inside a quoted string nor the
/// end of a literal header: a header (`{n}` or `{n+}` right before the line end) makes the
/// skipper drop the literal's `n` octets unread and go on, because a client sends them
/// without waiting (RFC 5804 §4), and reading them as commands would let a script's text
/// be taken for commands. A quoted string cannot span lines, so a line end inside one
/// ends it too.
struct CommandSkipper: Sendable {
    private enum Header: Sendable {
        case none
        case digits(length: Int, count: Int)
        case plus(length: Int)
        case closed(length: Int)
        case closedCR(length: Int)
    }

    private var literalRemaining = 0
    private var inQuote = false
    private var escaped = false
    private var header = Header.none

    /// Consumes input from the front of `buffer`; true once the command's end has been
    /// consumed, false when all of `buffer` was consumed and the end is still to come.
    mutating func skip(_ buffer: inout ByteBuffer) -> Bool {
        while buffer.readableBytes > 0 {
            if literalRemaining > 0 {
                let dropped = min(literalRemaining, buffer.readableBytes)
                buffer.moveReaderIndex(forwardBy: dropped)
                literalRemaining -= dropped
                continue
            }
            guard let byte = buffer.readInteger(as: UInt8.self) else { break }
            if inQuote {
                if byte == ASCII.lineFeed { return true }
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inQuote = false
                }
                continue
            }
            if byte == ASCII.lineFeed {
                switch header {
                case .closed(let length), .closedCR(let length):
                    literalRemaining = length
                    header = .none
                    continue
                default:
                    return true
                }
            }
            header = next(after: header, byte)
            if byte == UInt8(ascii: "\"") { inQuote = true }
        }
        return false
    }

    /// Follows `{`, digits, an optional `+`, `}` and an optional CR; anything else is not
    /// a literal header.
    private func next(after header: Header, _ byte: UInt8) -> Header {
        switch (header, byte) {
        case (_, UInt8(ascii: "{")):
            return .digits(length: 0, count: 0)
        case (.digits(let length, let count), _) where ASCII.isDigit(byte) && count < ManageSieveLimits.literalLengthDigits:
            return .digits(length: length * 10 + Int(byte - UInt8(ascii: "0")), count: count + 1)
        case (.digits(let length, let count), UInt8(ascii: "+")) where count > 0:
            return .plus(length: length)
        case (.digits(let length, let count), UInt8(ascii: "}")) where count > 0:
            return .closed(length: length)
        case (.plus(let length), UInt8(ascii: "}")):
            return .closed(length: length)
        case (.closed(let length), ASCII.carriageReturn):
            return .closedCR(length: length)
        default:
            return .none
        }
    }
}
