// A libFuzzer target for the POP3 command parser and the SASL mechanisms' parsers.
// Build and run it with `scripts/fuzz` (swift build -Xswiftc -sanitize=fuzzer,address
// -Xswiftc -DFUZZING); a normal build makes a stub.
#if FUZZING
    import NIOCore
    import POP3
    import SASL

    private let saslConfiguration = SASLServerConfiguration(
        challengeHost: "fuzz.example", scramDecoyKey: ScramDecoyKey(rawBytes: [UInt8](repeating: 1, count: 32))!)!

    /// libFuzzer's driver. SwiftPM links `main` to `<module>_main`, and swiftc emits no
    /// entry point under -sanitize=fuzzer, so the target names that symbol itself and
    /// starts the driver from it.
    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    @_cdecl("pop3_fuzz_main")
    public func pop3FuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOne(data, size) }
    }

    func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        // Commands, then SASL responses, over the same stream in two chunkings.
        for split in [size, max(1, size / 3)] {
            var parser = POP3CommandParser()
            var buffer = ByteBuffer()
            var offset = 0
            var steps = 0
            while offset < size || buffer.readableBytes > 0, steps < 4 * size + 8 {
                steps += 1
                if offset < size {
                    let end = min(size, offset + split)
                    buffer.writeBytes(bytes[offset..<end])
                    offset = end
                }
                do {
                    if steps % 2 == 0 {
                        if try parser.parseSASLResponse(from: &buffer) == nil, offset >= size { break }
                    } else if let command = try parser.parseCommand(from: &buffer) {
                        var encoded = ByteBuffer()
                        command.encode(into: &encoded)
                    } else if offset >= size {
                        break
                    }
                } catch {
                    continue
                }
            }
        }
        // Every mechanism's first and second step.
        for mechanism in SASLMechanismName.allCases {
            var server = SASLServer(mechanism: mechanism, configuration: saslConfiguration, nonce: "fuzznonce")
            _ = server.start(initialResponse: bytes)
            _ = server.receive(bytes)
            var second = SASLServer(mechanism: mechanism, configuration: saslConfiguration, nonce: "fuzznonce")
            _ = second.start(initialResponse: nil)
            _ = second.receive(bytes)
            _ = second.receive(bytes)
        }
        return 0
    }
#else
    /// Without the fuzzer (a normal build) the target is a stub that says how to run it.
    @main
    enum POP3FuzzStub {
        static func main() {
            print("This is a libFuzzer target: build and run it with scripts/fuzz.")
        }
    }
#endif
