import NIOCore
import Testing

@testable import Socketmap

@Suite struct NetstringTests {
    func buffer(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test func decodesOneRequestAndLeavesTheNext() throws {
        var input = buffer("24:mailbox jdoe@example.com,3:abc,")
        let decoder = NetstringDecoder(maximumLength: 1024)
        #expect(try decoder.decode(from: &input) == Array("mailbox jdoe@example.com".utf8))
        #expect(try decoder.decode(from: &input) == Array("abc".utf8))
        #expect(input.readableBytes == 0)
    }

    @Test func everySplitWaitsForMore() throws {
        let whole = "24:mailbox jdoe@example.com,"
        let decoder = NetstringDecoder(maximumLength: 1024)
        for cut in 0..<whole.utf8.count {
            var input = buffer(String(whole.prefix(cut)))
            #expect(try decoder.decode(from: &input) == nil, "cut at \(cut)")
            #expect(input.readableBytes == cut, "nothing consumed before the netstring is whole")
        }
    }

    @Test func emptyPayload() throws {
        var input = buffer("0:,")
        #expect(try NetstringDecoder(maximumLength: 10).decode(from: &input) == [])
    }

    @Test(arguments: ["x:abc,", ":abc,", "3:abcd", "3:abc;", "03:abc,", "-1:,"])
    func malformedInputIsRefused(_ text: String) {
        var input = buffer(text)
        #expect(throws: NetstringDecoder.Error.malformed) { try NetstringDecoder(maximumLength: 1024).decode(from: &input) }
    }

    @Test func anAnnouncedLengthOverTheLimitIsRefusedBeforeItArrives() {
        var input = buffer("1025:")
        #expect(throws: NetstringDecoder.Error.tooLong) { try NetstringDecoder(maximumLength: 1024).decode(from: &input) }
        var digits = buffer("99999")
        #expect(throws: NetstringDecoder.Error.tooLong) { try NetstringDecoder(maximumLength: 1024).decode(from: &digits) }
    }

    @Test func encodesRepliesAsPostfixExpects() {
        var out = ByteBuffer()
        Netstring.encode(SocketmapReply.ok("jdoe@example.com").payload, into: &out)
        Netstring.encode(SocketmapReply.notFound.payload, into: &out)
        Netstring.encode(SocketmapReply.temporary("store\r\nlookup").payload, into: &out)
        #expect(String(buffer: out) == "19:OK jdoe@example.com,9:NOTFOUND ,18:TEMP store  lookup,")
    }

    @Test func requestsAreNameSpaceKey() {
        #expect(SocketmapRequest(payload: Array("access a@b.c".utf8)) == SocketmapRequest(map: "access", key: "a@b.c"))
        #expect(SocketmapRequest(payload: Array("mailbox a b".utf8)) == SocketmapRequest(map: "mailbox", key: "a b"))
        for bad in ["nospace", " key", "map ", "map a\u{1}b"] {
            #expect(SocketmapRequest(payload: Array(bad.utf8)) == nil, "\(bad)")
        }
    }
}
