// A libFuzzer target for the Sieve language (the lexer and parser, the validator, and the
// interpreter run on a fixed message, bounded by SieveLimits) and for ManageSieve's command
// and SASL-response parsers, fed whole and in pieces. Build and run it with `scripts/fuzz`;
// a normal build makes a stub.
#if FUZZING
    import ManageSieve
    import NIOCore
    import Sieve

    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    @_cdecl("sieve_fuzz_main")
    public func sieveFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOne(data, size) }
    }

    let message = SieveMessage(
        parsing: Array(
            "From: a@example.com\r\nTo: b@example.net\r\nSubject: =?utf-8?q?hello_there?=\r\nDate: Sun, 29 Nov 2026 10:00:00 +0100\r\n\r\nbody text\r\n"
                .utf8), envelopeFrom: "a@example.com", envelopeTo: "b+tag@example.net")

    func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        let source = String(decoding: bytes, as: UTF8.self)
        _ = try? SieveScript.parse(source)
        if let program = try? SieveScript.compile(source) {
            _ = try? program.run(on: message, context: SieveRunContext(loadScript: { _, _ in "keep;" }))
        }
        for split in [max(size, 1), max(1, size / 3), 1] where split == 1 ? size < 512 : true {
            manageSieve(bytes, split: split)
        }
        return 0
    }

    /// ManageSieve input as a session reads it: commands, or SASL responses in between.
    func manageSieve(_ bytes: [UInt8], split: Int) {
        var parser = ManageSieveCommandParser()
        var buffer = ByteBuffer()
        var offset = 0
        var saslNext = false
        while offset < bytes.count {
            let end = min(bytes.count, offset + split)
            buffer.writeBytes(bytes[offset..<end])
            offset = end
            while true {
                do {
                    if saslNext {
                        guard (try parser.parseSASLResponse(from: &buffer)) != nil else { break }
                        saslNext = false
                    } else {
                        guard let command = try parser.parseCommand(from: &buffer) else { break }
                        if case .authenticate(_, nil) = command { saslNext = true }
                    }
                } catch {
                    parser.reset()
                    buffer.clear()
                    break
                }
            }
        }
    }
#else
    /// Without the fuzzer (a normal build) the target is a stub that says how to run it.
    @main
    enum SieveFuzzStub {
        static func main() {
            print("This is a libFuzzer target: build and run it with scripts/fuzz.")
        }
    }
#endif
