import ManageSieve
import NIOCore

/// What one call to the parser gave: a value or an error. "Need more data" ends a drain.
enum Outcome<Value: Equatable & Sendable>: Equatable, Sendable {
    case value(Value)
    case failure(ManageSieveParseError)
}

/// Everything a parser made of a byte stream, and the bytes it left unread.
struct Transcript<Value: Equatable & Sendable>: Equatable {
    var outcomes: [Outcome<Value>] = []
    var remaining: [UInt8] = []
}

typealias ParseStep<Value> = (inout ManageSieveCommandParser, inout ByteBuffer) throws(ManageSieveParseError) -> Value?

/// Feeds `chunks` one after another into one buffer, parsing until the parser needs more
/// data after each chunk, as a channel handler would.
func feed<Value>(
    _ chunks: [[UInt8]], parser: ManageSieveCommandParser = ManageSieveCommandParser(), step: ParseStep<Value>
) -> Transcript<Value> {
    var parser = parser
    var buffer = ByteBuffer()
    var transcript = Transcript<Value>()
    for chunk in chunks {
        buffer.writeBytes(chunk)
        while true {
            let before = buffer.readerIndex
            do {
                guard let value = try step(&parser, &buffer) else { break }
                transcript.outcomes.append(.value(value))
            } catch {
                transcript.outcomes.append(.failure(error))
                // Every error must consume something, or a caller would loop forever.
                if buffer.readerIndex == before { return transcript }
            }
        }
    }
    transcript.remaining = Array(buffer.readableBytesView)
    return transcript
}

func commandStep(_ parser: inout ManageSieveCommandParser, _ buffer: inout ByteBuffer) throws(ManageSieveParseError)
    -> ManageSieveCommand?
{
    try parser.parseCommand(from: &buffer)
}

func saslStep(_ parser: inout ManageSieveCommandParser, _ buffer: inout ByteBuffer) throws(ManageSieveParseError)
    -> ManageSieveSASLResponse?
{
    try parser.parseSASLResponse(from: &buffer)
}

/// The ways a byte string is cut into chunks: whole, one byte at a time, and seeded
/// random splits (same seeds, same splits, every run).
func chunkings(of input: [UInt8], seeds: ClosedRange<UInt64> = 1...8) -> [(name: String, chunks: [[UInt8]])] {
    var result: [(name: String, chunks: [[UInt8]])] = [("whole", [input]), ("bytewise", input.map { [$0] })]
    for seed in seeds {
        var generator = SplitMix64(seed: seed)
        let largest = [2, 7, 31, 300][Int(seed % 4)]
        var chunks: [[UInt8]] = []
        var start = 0
        while start < input.count {
            let end = min(start + Int.random(in: 1...largest, using: &generator), input.count)
            chunks.append(Array(input[start..<end]))
            start = end
        }
        result.append(("seed \(seed)", chunks))
    }
    return result
}

/// A small, fixed, seedable generator, so that random splits repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Readable form of a byte vector for test names: CR, LF and other controls escaped.
func escaped(_ bytes: [UInt8]) -> String {
    let text = bytes.prefix(60).map { byte -> String in
        switch byte {
        case 0x0D: "\\r"
        case 0x0A: "\\n"
        case 0x20...0x7E: String(UnicodeScalar(byte))
        default: "\\x" + String(byte, radix: 16, uppercase: true)
        }
    }.joined()
    return bytes.count > 60 ? text + "…(\(bytes.count) octets)" : text
}

extension ByteBuffer {
    /// The bytes an encoder wrote, for exact comparison.
    var bytes: [UInt8] { Array(readableBytesView) }
}
