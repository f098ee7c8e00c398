/// The ways the server-side wire tests cut a byte stream, as TCP may deliver it: whole,
/// one octet at a time, and eight seeded random splits (the same on every run, so a
/// failure can be replayed).
enum WireSplits {
    static func all(of input: [UInt8]) -> [(name: String, chunks: [[UInt8]])] {
        var result: [(name: String, chunks: [[UInt8]])] = [("whole", [input]), ("octet by octet", input.map { [$0] })]
        for seed in UInt64(1)...8 {
            var generator = SplitMix64(seed: seed)
            var chunks: [[UInt8]] = []
            var start = 0
            while start < input.count {
                let length = Int.random(in: 1...max(1, min(input.count - start, 23)), using: &generator)
                chunks.append(Array(input[start..<start + length]))
                start += length
            }
            result.append(("random split \(seed)", chunks))
        }
        return result
    }

    /// `bytes` with CR, LF and anything outside printable ASCII escaped, for test names.
    static func shown(_ bytes: [UInt8]) -> String {
        var text = ""
        for byte in bytes.prefix(70) {
            switch byte {
            case 0x0D: text += "\\r"
            case 0x0A: text += "\\n"
            case 0x20...0x7E: text.append(Character(Unicode.Scalar(byte)))
            default: text += "\\x" + String(byte, radix: 16)
            }
        }
        return bytes.count > 70 ? text + "… (\(bytes.count) octets)" : text
    }

    /// SplitMix64: small, deterministic, good enough to cut test input.
    private struct SplitMix64: RandomNumberGenerator {
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
}
