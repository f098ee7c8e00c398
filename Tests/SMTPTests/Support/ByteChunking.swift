/// Ways to cut byte strings as TCP may deliver them (whole, octet by octet, eight seeded
/// random splits), and to name them in test output; shared by the wire and client tests.
enum ByteChunking {
    /// A small deterministic generator (SplitMix64), so random splits and junk are the same
    /// on every run and a failure can be replayed.
    struct SeededGenerator: RandomNumberGenerator {
        private var state: UInt64

        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }

    /// The ways a byte string is cut: whole, one byte at a time, and eight seeded random
    /// splits into pieces of 1 to 17 octets.
    static func splits(of input: [UInt8]) -> [(name: String, chunks: [[UInt8]])] {
        var result: [(name: String, chunks: [[UInt8]])] = [("whole", [input]), ("bytewise", input.map { [$0] })]
        for seed in UInt64(1)...8 {
            var generator = SeededGenerator(seed: seed)
            var chunks: [[UInt8]] = []
            var start = 0
            while start < input.count {
                let length = Int.random(in: 1...min(input.count - start, 17), using: &generator)
                chunks.append(Array(input[start..<start + length]))
                start += length
            }
            result.append(("split \(seed)", chunks))
        }
        return result
    }

    /// `bytes` with CR, LF and anything outside printable ASCII escaped, cut at 60 octets.
    static func escaped(_ bytes: [UInt8]) -> String {
        var text = ""
        for byte in bytes.prefix(60) {
            switch byte {
            case 0x0D: text += "\\r"
            case 0x0A: text += "\\n"
            case 0x20...0x7E: text.append(Character(Unicode.Scalar(byte)))
            default: text += "\\x" + String(byte, radix: 16)
            }
        }
        return bytes.count > 60 ? text + "… (\(bytes.count) octets)" : text
    }
}
