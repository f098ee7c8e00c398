// A libFuzzer target for the LMTP command parser, the DATA decoder, the LMTP session state
// machine, the SMTP client's reply parser and the socketmap netstring decoder. Build and
// run it with `scripts/fuzz`; a normal build makes a stub.
#if FUZZING
    import NIOCore
    import SMTP
    import Socketmap

    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    @_cdecl("smtp_fuzz_main")
    public func smtpFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOne(data, size) }
    }

    func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        for split in [max(size, 1), max(1, size / 3)] {
            lmtpSession(bytes, split: split)
            replies(bytes, split: split)
        }
        var netstrings = ByteBuffer(bytes: bytes)
        while let payload = try? NetstringDecoder(maximumLength: 1024).decode(from: &netstrings) {
            _ = SocketmapRequest(payload: payload)
        }
        return 0
    }

    /// Commands through the state machine (every recipient accepted, every message
    /// delivered), DATA and BDAT octets through the decoder, as the driver does.
    func lmtpSession(_ bytes: [UInt8], split: Int) {
        var machine = LMTPSessionStateMachine<Int>(
            configuration: LMTPSessionConfiguration(hostname: "fuzz.example", maximumMessageSize: 4096, maximumRecipients: 3))
        var parser = SMTPCommandParser(maximumLineLength: 512)
        var decoder = SMTPDataDecoder()
        var buffer = ByteBuffer()
        var output: [UInt8] = []
        var chunkLeft: Int?
        var inData = false
        var offset = 0
        var steps = 0
        func handle(_ action: LMTPSessionAction<Int>) -> Bool {
            switch action {
            case .send(_, let close): return !close
            case .checkRecipient: return handle(machine.recipientChecked(.accept(1)))
            case .receiveMessage:
                inData = true
                decoder = SMTPDataDecoder()
            case .receiveChunk(let size, _, _), .skipChunk(let size, _): chunkLeft = size
            case .deliver(let transaction):
                return handle(machine.delivered(transaction.recipients.map { _ in SMTPReply(250, "2.0.0", "ok") }))
            case .abandonMessage(_, let close): return !close
            }
            return true
        }
        guard handle(machine.greeting()) else { return }
        while steps < 8 * bytes.count + 16 {
            steps += 1
            if offset < bytes.count {
                let end = min(bytes.count, offset + split)
                buffer.writeBytes(bytes[offset..<end])
                offset = end
            }
            if let left = chunkLeft {
                let take = min(left, buffer.readableBytes)
                buffer.moveReaderIndex(forwardBy: take)
                chunkLeft = left - take
                if left == take {
                    chunkLeft = nil
                    guard handle(machine.chunkReceived(failure: nil)) else { return }
                }
            } else if inData {
                if decoder.decode(from: &buffer, into: &output) == .complete {
                    inData = false
                    output.removeAll()
                    guard handle(machine.messageReceived(failure: nil)) else { return }
                }
            } else {
                do {
                    guard let command = try parser.parseCommand(from: &buffer) else {
                        if offset >= bytes.count { return }
                        continue
                    }
                    guard handle(machine.command(command)) else { return }
                } catch {
                    guard handle(machine.parseError(error)) else { return }
                }
            }
            if offset >= bytes.count && buffer.readableBytes == 0 && chunkLeft != 0 { return }
        }
    }

    func replies(_ bytes: [UInt8], split: Int) {
        var parser = SMTPReplyParser()
        var buffer = ByteBuffer()
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + split)
            buffer.writeBytes(bytes[offset..<end])
            offset = end
            while true {
                do {
                    guard let reply = try parser.parse(from: &buffer) else { break }
                    _ = SMTPAnnouncedExtensions(ehloReply: reply)
                } catch {
                    return
                }
            }
        }
    }
#else
    /// Without the fuzzer (a normal build) the target is a stub that says how to run it.
    @main
    enum SMTPFuzzStub {
        static func main() {
            print("This is a libFuzzer target: build and run it with scripts/fuzz.")
        }
    }
#endif
