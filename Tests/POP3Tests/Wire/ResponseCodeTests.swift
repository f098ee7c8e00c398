import POP3
import Testing

struct ResponseCodeTests {
    @Test(arguments: [
        (ResponseCode.inUse, "IN-USE"),
        (.loginDelay, "LOGIN-DELAY"),
        (.sysTemp, "SYS/TEMP"),
        (.sysPerm, "SYS/PERM"),
        (.auth, "AUTH"),
        (.utf8, "UTF8"),
    ])
    func text(_ code: ResponseCode, expected: String) {
        #expect(code.text == expected)
    }

    @Test func everyCodeIsCovered() {
        #expect(ResponseCode.allCases.count == 6)
    }
}
